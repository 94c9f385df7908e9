"""Demo supervision: reminder rules, two supervision notices, an extension request, problems."""

import datetime

from django.db import transaction

from duban.org.models import Membership, Unit, User
from duban.plans.models import Assignment, Item, Plan
from duban.supervision import services
from duban.supervision.models import LightPolicy, Problem, ReminderRule, SupervisionNotice


@transaction.atomic
def load_demo_supervision() -> dict:
    plan = Plan.objects.filter(year=2014, status=Plan.Status.PUBLISHED).first()
    if plan is None or SupervisionNotice.objects.exists():
        return {"notices_created": 0}
    admin = User.objects.filter(memberships__role=Membership.Role.ADMIN).first()
    LightPolicy.objects.get_or_create(plan=plan)
    ReminderRule.objects.get_or_create(plan=plan)
    hunchun = Unit.objects.get(code="hunchun")
    drc = Unit.objects.get(code="drc")
    today = datetime.date.today()  # noqa: DTZ011 — demo dates only need to be in the future
    n1 = services.notice_issue(
        actor=admin,
        unit=hunchun,
        items=list(Item.objects.filter(plan=plan, key__in=["（二十）", "（二十九）"])),
        subject="珲春国际合作示范区基础设施建设进度",
        facts="5月份进展报告显示，示范区道路、供水、供电等基础设施项目开工率偏低，投资完成额未达到序时进度。",
        requirement="请说明未达序时进度的原因，提出加快推进的具体措施和时间节点。",
        response_deadline=today + datetime.timedelta(days=10),
    )
    n2 = services.notice_issue(
        actor=admin,
        unit=drc,
        items=list(Item.objects.filter(plan=plan, key__in=["（十三）"])),
        subject="区域交通网络建设前期工作",
        facts="吉图珲客专配套工程前期工作进展缓慢。",
        requirement="请于限期内报送前期工作推进计划。",
        response_deadline=today + datetime.timedelta(days=7),
    )
    services.notice_respond(
        actor=User.objects.get(username="fgw-reporter"),
        notice=n2,
        response="已制定前期工作推进计划，明确6月底前完成可研报告编制。",
    )
    services.notice_close(actor=admin, notice=n2, note="整改措施明确，予以办结。")
    a = Assignment.objects.filter(item__plan=plan, item__key="（二）", measure=None, lead_unit=drc).first()
    if a and a.due_date:
        services.extension_request(
            actor=User.objects.get(username="fgw-reporter"),
            assignment=a,
            requested_due=max(a.due_date, today) + datetime.timedelta(days=90),
            reason="规划需与国家“十三五”规划衔接，国家层面规划思路尚未明确。",
        )
    for title, desc, level, owner, key in (
        (
            "图们江出海航行权协调",
            "需国家层面与俄、朝协商图们江出海航行事宜。",
            Problem.Level.NATIONAL,
            hunchun,
            "（十六）",
        ),
        (
            "吉图珲客专配套用地指标不足",
            "项目配套用地指标缺口较大，需省级统筹调剂。",
            Problem.Level.PROVINCIAL,
            drc,
            "（十三）",
        ),
    ):
        p = services.problem_raise(
            actor=admin,
            owner=owner,
            title=title,
            description=desc,
            level=level,
            items=list(Item.objects.filter(plan=plan, key=key)),
            due_date=today + datetime.timedelta(days=60),
        )
        if level == Problem.Level.NATIONAL:
            services.problem_act(
                actor=admin,
                problem=p,
                text="已列入争取国家支持事项，报国家发展改革委协调。",
                to_status="coordinating",
            )
    del n1
    return {"notices_created": 2}
