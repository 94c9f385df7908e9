import json as jsonlib

from django.core.management.base import CommandError
from django.db.models import Count, Q

from duban.core.errors import DubanError
from duban.core.management.base import DubanCommand
from duban.plans import services
from duban.plans.models import Plan


class Command(DubanCommand):
    help = (
        "Plans: list them, publish a draft (its units get the plan to acknowledge, 签收), close a published one. / "
        "计划：列出、发布草稿（各单位签收）、结束已发布的计划。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        ls = sub.add_parser("list", help="list plans / 列出计划")
        ls.add_argument("--year", type=int)
        ls.add_argument("--status", choices=Plan.Status.values)
        ls.add_argument("--json", action="store_true", help="print JSON / 以 JSON 输出")
        pub = sub.add_parser("publish", help="publish a draft plan / 发布草稿计划")
        pub.add_argument("plan", type=int, help="the plan's id / 计划编号")
        pub.add_argument(
            "--allow-unassigned",
            action="store_true",
            help="publish even if items have no lead unit / 有未确定牵头单位的任务时仍发布",
        )
        close = sub.add_parser("close", help="close a published plan / 结束已发布的计划")
        close.add_argument("plan", type=int, help="the plan's id / 计划编号")

    def handle(self, *args, what, **options):
        if what == "list":
            self.list(year=options["year"], status=options["status"], as_json=options["json"])
            return
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"找不到计划 / no plan with id {options['plan']}")
        try:
            if what == "publish":
                plan = services.plan_publish(
                    actor=None, plan=plan, allow_unassigned=options["allow_unassigned"]
                )
                units = plan.receipts.count()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"已发布 / published plan #{plan.pk} {plan.title}: {units} units to acknowledge / 个单位待签收"
                    )
                )
            else:
                plan = services.plan_close(actor=None, plan=plan)
                self.stdout.write(self.style.SUCCESS(f"已结束 / closed plan #{plan.pk} {plan.title}"))
        except DubanError as e:
            raise CommandError(e.bilingual()) from None

    def list(self, *, year: int | None, status: str | None, as_json: bool) -> None:
        plans = Plan.objects.order_by("-year", "-id").annotate(
            items=Count("items", distinct=True),
            unassigned=Count(
                "items__assignments",
                filter=Q(items__assignments__measure=None, items__assignments__lead_unit=None),
                distinct=True,
            ),
        )
        if year:
            plans = plans.filter(year=year)
        if status:
            plans = plans.filter(status=status)
        rows = [
            {
                "id": p.pk,
                "year": p.year,
                "status": p.status,
                "title": p.title,
                "items": p.items,
                "unassigned": p.unassigned,
            }
            for p in plans
        ]
        if as_json:
            self.stdout.write(jsonlib.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(
                f"#{r['id']:<4} {r['year']} {r['status']:<9} {r['items']:>4} items / 条"
                f" ({r['unassigned']} without lead / 无牵头单位)  {r['title']}"
            )
        if not rows:
            self.stdout.write("没有计划 / no plans")
