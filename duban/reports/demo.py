"""Demo reporting: an April 2014 round the office has finished, and a May 2014 round with reports in
every state — draft, awaiting the head, awaiting the office, returned, accepted, late and missing.

The demo plan is 2014's, so the times of the demo reports are set in 2014 after the services have
run (demo data only; real reports get the time they happen)."""

import datetime

from django.db import transaction
from django.utils import timezone

from duban.org.models import Membership, User
from duban.plans.models import Plan
from duban.reports import services
from duban.reports.models import Report, ReportingRound

TZ = timezone.get_default_timezone()


def _at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, tzinfo=TZ)


TEXTS = {
    "progress": "已完成{what}前期调研，形成工作方案初稿并征求相关部门意见，正在按节点推进。",
    "problems": "项目前期手续较多，部分事项需国家部委支持。",
    "next": "6月底前完成方案报批，加强与国家对口部委沟通衔接。",
}


def _fill(
    report: Report, user, percent: int, status: str = Report.Progress.ON_TRACK, extra: str = ""
) -> Report:
    return services.report_save(
        actor=user,
        report=report,
        version=None,
        progress_status=status,
        percent=percent,
        progress=TEXTS["progress"].format(what=report.assignment.item.title.rstrip("。")) + extra,
        problems=TEXTS["problems"],
        next_steps=TEXTS["next"],
    )


@transaction.atomic
def load_demo_reports() -> dict:
    plan = Plan.objects.filter(year=2014, status=Plan.Status.PUBLISHED).first()
    if plan is None or ReportingRound.objects.filter(plan=plan).exists():
        return {"rounds_created": 0}
    admin = User.objects.filter(memberships__role=Membership.Role.ADMIN).first()
    reporter = User.objects.get(username="fgw-reporter")
    head = User.objects.get(username="fgw-head")
    hc_reporter = User.objects.get(username="hunchun-reporter")
    hc_head = User.objects.get(username="hunchun-head")

    april = services.round_open(
        actor=admin,
        plan=plan,
        period="2014年4月",
        period_start=datetime.date(2014, 4, 1),
        period_end=datetime.date(2014, 4, 30),
        due_date=datetime.date(2014, 5, 5),
    )
    for r in Report.objects.filter(round=april, unit__code__in=["drc", "hunchun"]):
        user, boss = (reporter, head) if r.unit.code == "drc" else (hc_reporter, hc_head)
        _fill(r, user, 30)
        services.report_submit(actor=user, report=r)
        services.report_approve(actor=boss, report=r)
        services.report_accept(actor=admin, report=r)
    Report.objects.filter(round=april, state=Report.State.ACCEPTED).update(
        submitted_at=_at(2014, 5, 3), approved_at=_at(2014, 5, 4), reviewed_at=_at(2014, 5, 6)
    )
    services.round_close(actor=admin, round_=april)

    may = services.round_open(
        actor=admin,
        plan=plan,
        period="2014年5月",
        period_start=datetime.date(2014, 5, 1),
        period_end=datetime.date(2014, 5, 31),
        due_date=datetime.date(2014, 6, 5),
    )
    drc = list(Report.objects.filter(round=may, unit__code="drc").order_by("assignment__item__order"))
    hc = list(Report.objects.filter(round=may, unit__code="hunchun").order_by("assignment__item__order"))
    # 省发展改革委: accepted on time, awaiting the office, awaiting the head
    if len(drc) >= 1:
        _fill(drc[0], reporter, 55, extra="方案已报省政府审定。")
        services.report_submit(actor=reporter, report=drc[0])
        services.report_approve(actor=head, report=drc[0])
        services.report_accept(actor=admin, report=drc[0], comment="进展清楚，予以采用。")
        Report.objects.filter(pk=drc[0].pk).update(
            submitted_at=_at(2014, 6, 2), approved_at=_at(2014, 6, 3), reviewed_at=_at(2014, 6, 4)
        )
    if len(drc) >= 2:
        _fill(drc[1], reporter, 45)
        services.report_submit(actor=reporter, report=drc[1])
        services.report_approve(actor=head, report=drc[1])
        Report.objects.filter(pk=drc[1].pk).update(
            submitted_at=_at(2014, 6, 4), approved_at=_at(2014, 6, 4, 16)
        )
    # 珲春市政府: returned by the office, late and awaiting the office, awaiting the head, a draft
    if len(hc) >= 1:
        _fill(hc[0], hc_reporter, 40)
        services.report_submit(actor=hc_reporter, report=hc[0])
        services.report_approve(actor=hc_head, report=hc[0])
        services.report_return(
            actor=admin, report=hc[0], comment="请补充示范区基础设施项目的投资完成额和开工项目数。"
        )
        Report.objects.filter(pk=hc[0].pk).update(submitted_at=_at(2014, 6, 3), approved_at=_at(2014, 6, 4))
    if len(hc) >= 2:
        _fill(hc[1], hc_reporter, 35, status=Report.Progress.LAGGING)
        services.report_submit(actor=hc_reporter, report=hc[1])
        services.report_approve(actor=hc_head, report=hc[1])
        Report.objects.filter(pk=hc[1].pk).update(submitted_at=_at(2014, 6, 7), approved_at=_at(2014, 6, 8))
    for r in drc[2:3] + hc[2:3]:
        user = reporter if r.unit.code == "drc" else hc_reporter
        _fill(r, user, 50)
        services.report_submit(actor=user, report=r)
    for r in hc[3:4]:
        _fill(r, hc_reporter, 20)
    return {"rounds_created": 2}
