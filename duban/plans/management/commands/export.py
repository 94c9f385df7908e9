from pathlib import Path

from django.core.management.base import CommandError

from duban.core.management.base import DubanCommand
from duban.plans.models import Plan


class Command(DubanCommand):
    help = "Export a spreadsheet: division (分工) of a plan. / 导出表格：计划的任务分工。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        division = sub.add_parser("division", help="the 分工 sheet of a plan / 任务分工表")
        division.add_argument("--plan", type=int, required=True)
        division.add_argument("--out", required=True)

    def handle(self, *args, what, **options):
        if what == "division":
            from duban.plans.division_xlsx import export_division

            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"找不到计划 / no plan with id {options['plan']}")
            data = export_division(plan)
            Path(options["out"]).write_bytes(data)
            rows = plan.items.count()
            self.stdout.write(self.style.SUCCESS(f"已导出 / written: {options['out']} ({rows} items / 条)"))
