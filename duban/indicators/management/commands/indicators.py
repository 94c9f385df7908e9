"""`duban indicators …`: the entry template, the Excel import, recomputing derived figures, regions.

duban indicators template --out FILE.xlsx [--period 2014-05] [--unit CODE]
duban indicators import FILE.xlsx [--dry-run] [--user USERNAME]
duban indicators recompute [--period 2014-05] [--indicator CODE]
duban indicators regions

Bad input (an unknown unit, user or indicator code, a period that is not one, a missing file) is
one line in Chinese and English that says what would be accepted, never a traceback.
"""

import io
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from duban.core.errors import DubanError, InvalidInput, NotFound
from duban.core.management.base import DubanCommand
from duban.core.uploads import SPREADSHEET, check_upload
from duban.indicators import calc, derived, selectors
from duban.indicators.catalog import load_catalog
from duban.org.models import Unit, User

UNKNOWN_UNIT = _("There is no unit with the code “%(code)s”. Units with indicators: %(codes)s.")
NO_INDICATOR_UNITS = _(
    "There is no unit with the code “%(code)s”, and no unit is responsible for an indicator yet."
)
UNKNOWN_INDICATOR = _("There is no indicator with the code “%(code)s”. Derived indicators: %(codes)s.")
NOT_DERIVED = _(
    "“%(code)s” is entered by a unit, not computed, so there is nothing to recompute. Derived indicators: %(codes)s."
)
NO_SUCH_FILE = _("There is no file %(path)s.")
CANNOT_WRITE = _("Cannot write %(path)s: %(reason)s.")


def _period(text: str) -> calc.PeriodKey:
    try:
        return calc.parse_period(text)
    except calc.PeriodError:
        raise InvalidInput(calc.PERIOD_BAD, params={"code": text}) from None


class Command(DubanCommand):
    help = (
        "Statistical indicators: write the entry template, import a filled workbook, recompute derived "
        "figures, load the regions. / 统计指标：生成填报模板、导入 Excel、重算派生指标、载入行政区划。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        t = sub.add_parser("template", help="write the entry workbook for a period / 生成某期填报模板")
        t.add_argument(
            "--period",
            default="",
            help="2014-05, 2014-Q2 or 2014 (default: the latest period, as on the entry page) / 默认最近一期",
        )
        t.add_argument("--out", required=True, help="the .xlsx file to write")
        t.add_argument("--unit", default="", help="a unit code (default: every unit's indicators)")
        i = sub.add_parser("import", help="check and import a filled workbook / 校验并导入填报表")
        i.add_argument("file")
        i.add_argument("--dry-run", action="store_true", help="check only, write nothing / 只校验不写入")
        i.add_argument("--user", default="", help="import as this user (their unit's indicators only)")
        r = sub.add_parser("recompute", help="recompute derived figures / 重算派生指标")
        r.add_argument("--period", default="", help="only this period")
        r.add_argument(
            "--indicator", default="", help="only this derived indicator (its code) / 只重算此指标"
        )
        sub.add_parser("regions", help="load or update the regions of Jilin / 载入行政区划")

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options) or ""

    def handle_template(self, *, period, out, unit, **_):
        from duban.indicators.excel import entry_template

        cat = load_catalog()
        with_indicators = {i.responsible_unit_id for i in cat.indicators.values() if i.responsible_unit_id}
        unit_obj = None
        if unit:
            unit_obj = Unit.objects.filter(code=unit).first()
            if unit_obj is None:
                known = Unit.objects.filter(pk__in=with_indicators).order_by("code")
                if not known:
                    raise NotFound(NO_INDICATOR_UNITS, params={"code": unit})
                codes = ", ".join(f"{u.code}（{u.display_name}）" for u in known)
                raise NotFound(UNKNOWN_UNIT, params={"code": unit, "codes": codes})
        units = [unit_obj.pk] if unit_obj else list(with_indicators)
        key = _period(period) if period else self.default_period(cat, units)
        indicators = selectors.entry_indicators(cat, units, key.kind)
        if not indicators:
            raise CommandError(
                f"没有按此周期填报的指标 / no indicator is reported for a period like {key.code}"
            )
        data = entry_template(cat, indicators, key, unit_obj.name if unit_obj else "")
        try:
            Path(out).write_bytes(data)
        except OSError as e:
            raise InvalidInput(CANNOT_WRITE, params={"path": out, "reason": e.strerror or e}) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"模板已生成 / template written: {out} ({len(indicators)} 项指标 indicators, {key.code})"
            )
        )

    @staticmethod
    def default_period(cat, units) -> calc.PeriodKey:
        """As on the entry page: the latest period holding figures, of the first period type (month,
        quarter, year) the units report; the current month or year if none holds figures yet."""
        kind = next(
            (k for k in (calc.MONTH, calc.QUARTER, calc.YEAR) if selectors.entry_indicators(cat, units, k)),
            calc.MONTH,
        )
        return selectors.default_period(kind)

    def handle_import(self, *, file, dry_run, user, **_):
        from duban.indicators.access import require_entry_role
        from duban.indicators.importer import values_import

        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有用户 / no user “{user}”")
            try:
                require_entry_role(actor)  # a read-only user gets one line, not one per figure
            except DubanError as e:
                raise CommandError(e.bilingual()) from None
        path = Path(file)
        if not path.is_file():
            raise NotFound(NO_SUCH_FILE, params={"path": file})
        checked = check_upload(path, door=SPREADSHEET)  # the upload gate: refused in one line
        try:
            report = values_import(
                actor=actor, data=io.BytesIO(checked.data), dry_run=dry_run, filename=path.name
            )
        except DubanError as e:
            raise CommandError(e.bilingual()) from None
        for err in report.errors:
            where = " ".join(x for x in (err.get("region"), err.get("indicator")) if x)
            self.stderr.write(
                f"错误 error {err.get('sheet')}!{err.get('column')}{err.get('row')}"
                f"{f' ({where})' if where else ''}: {err['message']}"
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
                self.style.SUCCESS(
                    f"校验通过（未写入） / dry run OK: {report.figures} 个数值 figures — 将新增 would create "
                    f"{report.created}, 修改 update {report.updated}, 未变 unchanged {report.unchanged}"
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成 / imported: 新增 created {report.created}, 修改 updated {report.updated}, "
                f"未变 unchanged {report.unchanged}, 派生重算 derived {report.derived}"
            )
        )

    def handle_recompute(self, *, period, indicator="", **_):
        keys = {_period(period)} if period else None
        only = None
        if indicator:
            cat = load_catalog()
            derived_codes = ", ".join(sorted(c for c, i in cat.by_code.items() if i.is_derived)) or "—"
            ind = cat.by_code.get(indicator) or cat.by_code.get(indicator.upper())
            if ind is None:
                raise NotFound(UNKNOWN_INDICATOR, params={"code": indicator, "codes": derived_codes})
            if not ind.is_derived:
                raise InvalidInput(NOT_DERIVED, params={"code": ind.code, "codes": derived_codes})
            only = {ind.code}
        n = derived.derived_recompute(codes=None, periods=keys, only=only)
        self.stdout.write(self.style.SUCCESS(f"派生指标已重算 / derived figures recomputed: {n} changed"))

    def handle_regions(self, **_):
        from duban.indicators.models import Region
        from duban.indicators.regions import load_regions

        result = load_regions(Region)
        self.stdout.write(self.style.SUCCESS(f"行政区划 / regions: {result}"))
