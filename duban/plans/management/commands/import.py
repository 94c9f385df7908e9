import json as jsonlib
import sys
from pathlib import Path

from django.core.management.base import CommandError

from duban.core.errors import DubanError
from duban.core.management.base import DubanCommand
from duban.core.uploads import DOCUMENT, check_upload
from duban.plans.importer import plan_import_file, prepare_import, preview_import
from duban.plans.models import Plan


class Command(DubanCommand):
    help = (
        "Import a plan document (.txt/.docx/.xlsx/.pdf) as a draft plan; --dry-run only reports what would be "
        "created. / 导入工作要点或任务分工表为草稿计划；--dry-run 只报告将创建的内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--previous", type=int, help="id of last year's plan, for comparison / 上一年度计划编号"
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON / 以 JSON 输出")

    def handle(self, *args, file, year, previous, dry_run, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"无法读取文件 / cannot read {file}")
        data = check_upload(path, door=DOCUMENT).data  # the upload gate: refused in one line
        self._progress("reading / 读取文件", 1, 3)
        prev = None
        if previous:
            prev = Plan.objects.filter(pk=previous).first()
            if prev is None:
                raise CommandError(f"找不到计划 / no plan with id {previous}")
        try:
            prepared = prepare_import(data, path.name)
            self._progress("parsed / 解析完成", 2, 3)
            if dry_run:
                summary = preview_import(prepared, year=year)
                if summary.duplicate_of:  # the command speaks both languages
                    summary.warnings[0] = (
                        f"已导入过：计划 #{summary.duplicate_of} / already imported as plan #{summary.duplicate_of}"
                    )
            else:
                _plan, summary = plan_import_file(actor=None, prepared=prepared, year=year, previous=prev)
        except DubanError as e:
            raise CommandError(e.bilingual()) from None
        self._progress("done / 完成", 3, 3)
        if json:
            self.stdout.write(jsonlib.dumps(summary.as_dict(), ensure_ascii=False, indent=1))
            return
        verb = "would create / 将创建" if dry_run else f"created plan #{summary.plan_id} / 已创建计划"
        self.stdout.write(
            f"{verb}: {summary.sections} sections / 部分, {summary.items} items / 条, "
            f"{summary.measures} measures / 项措施, {summary.assignments_with_lead} with a lead unit / 条已有牵头单位, "
            f"{len(summary.warnings)} warnings / 条警告"
        )
        for w in summary.warnings:
            self.stdout.write(f"  ! {w}")

    def _progress(self, label: str, step: int, total: int) -> None:
        if sys.stderr.isatty():
            bar = "█" * step + "░" * (total - step)
            sys.stderr.write(f"\r[{bar}] {label}   ")
            if step == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
