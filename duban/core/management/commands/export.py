from pathlib import Path

from django.core.management.base import CommandError

from duban.core.management.base import DubanCommand
from duban.plans.models import Plan


class Command(DubanCommand):
    help = "Export a spreadsheet: division (分工) of a plan, or the ledger (台账) of a round. / 导出表格：任务分工表或台账。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        division = sub.add_parser("division", help="the 分工 sheet of a plan / 任务分工表")
        division.add_argument("--plan", type=int, required=True)
        division.add_argument("--out", required=True)
        ledger = sub.add_parser("ledger", help="the ledger of a reporting round / 反馈台账")
        ledger.add_argument("--round", type=int, required=True)
        ledger.add_argument("--out", required=True)

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
        elif what == "ledger":
            from duban.reports.ledger import export_ledger
            from duban.reports.models import ReportingRound

            round_ = ReportingRound.objects.filter(pk=options["round"]).first()
            if round_ is None:
                raise CommandError(f"找不到反馈轮次 / no reporting round with id {options['round']}")
            Path(options["out"]).write_bytes(export_ledger(round_))
            n = round_.reports.count()
            self.stdout.write(self.style.SUCCESS(f"已导出 / written: {options['out']} ({n} rows / 行)"))
