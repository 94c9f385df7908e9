import calendar
import datetime
import json
import re

from django.core.management.base import CommandError

from duban.core.management.base import DubanCommand
from duban.plans.models import Plan
from duban.reports import services

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def parse_period(text: str) -> tuple[str, datetime.date, datetime.date, str]:
    """2014-05 → a month; 2014-Q2 → a quarter; 2014-05-01:2014-05-20 → an ad hoc span."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if m:
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise CommandError(f"月份无效 / bad month: {text}")
        return (
            f"{y}年{mo}月",
            datetime.date(y, mo, 1),
            datetime.date(y, mo, calendar.monthrange(y, mo)[1]),
            "monthly",
        )
    m = re.fullmatch(r"(\d{4})-[Qq]([1-4])", text)
    if m:
        y, q = int(m[1]), int(m[2])
        end_month = q * 3
        return (
            f"{y}年第{QUARTER_NAMES[q]}季度",
            datetime.date(y, end_month - 2, 1),
            datetime.date(y, end_month, calendar.monthrange(y, end_month)[1]),
            "quarterly",
        )
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})", text)
    if m:
        start, end = datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2])
        return f"{start:%Y-%m-%d}至{end:%Y-%m-%d}", start, end, "adhoc"
    raise CommandError(
        f"无法识别的期间 / unrecognised period “{text}”: use 2014-05, 2014-Q2 or 2014-05-01:2014-05-20"
    )


class Command(DubanCommand):
    help = "Reporting rounds: open one, or open the ones schedules call for today. / 反馈轮次：开启一轮，或按计划自动开启。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        op = sub.add_parser("open", help="open a round / 开启一轮反馈")
        op.add_argument("--plan", type=int, required=True)
        op.add_argument("--period", required=True, help="2014-05 | 2014-Q2 | 2014-05-01:2014-05-20")
        op.add_argument("--due", required=True, help="YYYY-MM-DD")
        op.add_argument("--subject", default="")
        op.add_argument("--json", action="store_true", help="print the round as JSON / 以 JSON 输出")
        sub.add_parser("run-schedules", help="open the rounds schedules call for today / 按计划开启")

    def handle(self, *args, what, **options):
        if what == "run-schedules":
            opened = services.schedules_run()
            self.stdout.write(f"开启 {len(opened)} 轮 / opened {len(opened)} rounds")
            return
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"找不到计划 / no plan with id {options['plan']}")
        label, start, end, kind = parse_period(options["period"])
        try:
            due = datetime.date.fromisoformat(options["due"])
        except ValueError:
            raise CommandError(f"日期无效 / bad date: {options['due']}") from None
        round_ = services.round_open(
            actor=None,
            plan=plan,
            period=label,
            period_start=start,
            period_end=end,
            due_date=due,
            kind=kind,
            subject=options["subject"],
        )
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"round_id": round_.pk, "period": label, "reports": round_.reports.count()},
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已开启 / opened round #{round_.pk} {label}: {round_.reports.count()} reports / 份报告"
            )
        )
