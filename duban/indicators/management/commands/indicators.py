"""`duban indicators …`: the entry template, the Excel import, recomputing derived figures, regions.

duban indicators template --period 2014-05 --out FILE.xlsx [--unit CODE]
duban indicators import FILE.xlsx [--dry-run] [--user USERNAME]
duban indicators recompute [--period 2014-05]
duban indicators regions
"""

from pathlib import Path

from django.core.management.base import CommandError

from duban.core.errors import DubanError
from duban.core.management.base import DubanCommand
from duban.indicators import calc, derived, selectors
from duban.indicators.catalog import load_catalog
from duban.org.models import Unit, User


class Command(DubanCommand):
    help = (
        "Statistical indicators: write the entry template, import a filled workbook, recompute derived "
        "figures, load the regions. / 统计指标：生成填报模板、导入 Excel、重算派生指标、载入行政区划。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        t = sub.add_parser("template", help="write the entry workbook for a period / 生成某期填报模板")
        t.add_argument("--period", required=True, help="2014-05, 2014-Q2 or 2014")
        t.add_argument("--out", required=True, help="the .xlsx file to write")
        t.add_argument("--unit", default="", help="a unit code (default: every unit's indicators)")
        i = sub.add_parser("import", help="check and import a filled workbook / 校验并导入填报表")
        i.add_argument("file")
        i.add_argument("--dry-run", action="store_true", help="check only, write nothing / 只校验不写入")
        i.add_argument("--user", default="", help="import as this user (their unit's indicators only)")
        r = sub.add_parser("recompute", help="recompute derived figures / 重算派生指标")
        r.add_argument("--period", default="", help="only this period")
        sub.add_parser("regions", help="load or update the regions of Jilin / 载入行政区划")

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options) or ""

    def handle_template(self, *, period, out, unit, **_):
        from duban.indicators.views_data import template_bytes

        try:
            key = calc.parse_period(period)
        except calc.PeriodError as e:
            raise CommandError(str(e)) from None
        cat = load_catalog()
        units = (
            [Unit.objects.get(code=unit).pk]
            if unit
            else list({i.responsible_unit_id for i in cat.indicators.values() if i.responsible_unit_id})
        )
        indicators = selectors.entry_indicators(cat, units, key.kind)
        if not indicators:
            raise CommandError(
                f"没有按此周期填报的指标 / no indicator is reported for a period like {key.code}"
            )
        name = Unit.objects.get(code=unit).name if unit else ""
        Path(out).write_bytes(template_bytes(cat, indicators, key, name))
        self.stdout.write(
            self.style.SUCCESS(
                f"模板已生成 / template written: {out} ({len(indicators)} 项指标 indicators, {key.code})"
            )
        )

    def handle_import(self, *, file, dry_run, user, **_):
        from duban.indicators.importer import values_import

        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有用户 / no user “{user}”")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在 / no such file: {file}")
        try:
            report = values_import(actor=actor, data=str(path), dry_run=dry_run, filename=path.name)
        except DubanError as e:
            raise CommandError(str(e.message)) from None
        for err in report.errors:
            self.stderr.write(
                f"错误 error {err.get('sheet')}!{err.get('column')}{err.get('row')}: {err['message']}"
            )
        for w in report.warnings:
            state = "已说明 confirmed" if w["confirmed"] else "需说明 needs a note"
            self.stderr.write(f"提示 warning {w['cell']} ({state}): {w['message']}")
        if report.errors:
            raise CommandError(f"未导入 / nothing imported: {len(report.errors)} 处错误 errors")
        if not report.ok:
            raise CommandError(
                "未导入 / nothing imported: 数值异常，请在“说明”工作表填写说明后重新导入 / "
                "figures far outside their history need a note on the Notes sheet"
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"校验通过（未写入） / dry run OK: {report.figures} 个数值 figures")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成 / imported: 新增 created {report.created}, 修改 updated {report.updated}, "
                f"未变 unchanged {report.unchanged}, 派生重算 derived {report.derived}"
            )
        )

    def handle_recompute(self, *, period, **_):
        keys = None
        if period:
            try:
                keys = {calc.parse_period(period)}
            except calc.PeriodError as e:
                raise CommandError(str(e)) from None
        n = derived.derived_recompute(codes=None, periods=keys)
        self.stdout.write(self.style.SUCCESS(f"派生指标已重算 / derived figures recomputed: {n} changed"))

    def handle_regions(self, **_):
        from duban.indicators.models import Region
        from duban.indicators.regions import load_regions

        result = load_regions(Region)
        self.stdout.write(self.style.SUCCESS(f"行政区划 / regions: {result}"))
