"""Demo key projects: the seed plan's proposals confirmed (a few merged or rejected), placed, with
stages, the year's investment, milestones and monthly reports in the May round, so the map is
populated on ``make run``. Idempotent: nothing is added once the plan has projects."""

import datetime
from decimal import Decimal

from django.db import transaction

from duban.org.models import Membership, Unit, User
from duban.plans.models import Plan
from duban.projects import project_reports, services
from duban.projects.models import Candidate, Project, ProjectReport, Stage
from duban.reports import services as report_services
from duban.reports.models import ReportingRound

# name → (stage, total investment 万元, planned in 2014 万元, responsible unit code)
DEMO = {
    "吉图珲客专": (Stage.CONSTRUCTION, 4167000, 900000, "drc"),
    "长春至西巴彦花煤运通道": (Stage.CONSTRUCTION, 1450000, 300000, "drc"),
    "敦化至松江河铁路": (Stage.PLANNING, 1320000, 5000, "drc"),
    "珲春至东宁铁路": (Stage.PLANNING, None, None, "drc"),
    "中朝圈河跨境桥": (Stage.CONSTRUCTION, 138000, 60000, "hunchun"),
    "图们跨境桥": (Stage.PLANNING, None, None, None),
    "珲春至罗津铁路": (Stage.PLANNING, None, None, "hunchun"),
    "圈河口岸": (Stage.CONSTRUCTION, 25000, 12000, "hunchun"),
    "珲春铁路口岸千万吨国际换装站": (Stage.CONSTRUCTION, 46000, 20000, "hunchun"),
    "马哈林诺铁路口岸": (Stage.OPERATING, None, None, None),
    "中俄珲马铁路": (Stage.OPERATING, None, None, "hunchun"),
    "珲春至符拉迪沃斯托克空中航线": (Stage.OPERATING, None, None, None),
    "罗津港": (Stage.CONSTRUCTION, 120000, 30000, "hunchun"),
    "扎鲁比诺港": (Stage.PLANNING, None, None, "drc"),
    "珲春—扎鲁比诺—束草航线": (Stage.OPERATING, None, None, "hunchun"),
    "珲春—扎鲁比诺—新泻航线": (Stage.OPERATING, None, None, "hunchun"),
    "珲春—扎鲁比诺—东海—釜山(敦贺)航线": (Stage.PLANNING, None, None, "hunchun"),
    "“两山”铁路": (Stage.PLANNING, None, None, "drc"),
    "珲春国际合作示范区": (Stage.CONSTRUCTION, None, 350000, "hunchun"),
    "长春兴隆综合保税区": (Stage.CONSTRUCTION, 320000, 80000, None),
    "中新吉林食品区": (Stage.CONSTRUCTION, 500000, 120000, None),
    "长春空港经济区": (Stage.PLANNING, None, None, "drc"),
    "珲春防川旅游度假区": (Stage.CONSTRUCTION, 60000, 15000, "hunchun"),
    "珲春国际物流园": (Stage.CONSTRUCTION, 80000, 25000, "hunchun"),
    "敦化综合物流园": (Stage.CONSTRUCTION, 35000, 10000, None),
}
REJECT = {"东北亚区域国际物流集散基地", "中俄朝多边自由贸易区", "长吉图融资平台"}
# Areas: a zone's extent as the office would draw it on the map (illustrative, demo only).
AREAS = {
    "长春兴隆综合保税区": [[125.43, 43.93], [125.50, 43.93], [125.50, 43.98], [125.43, 43.98]],
    "中新吉林食品区": [[126.45, 43.95], [126.58, 43.95], [126.58, 44.03], [126.45, 44.03]],
}


@transaction.atomic
def load_demo_projects() -> dict:
    plan = Plan.objects.filter(year=2014, status=Plan.Status.PUBLISHED).first()
    if plan is None or Project.objects.filter(plan=plan).exists():
        return {"projects_created": 0}
    admin = User.objects.filter(memberships__role=Membership.Role.ADMIN).first()
    services.candidates_propose(actor=admin, plan=plan)
    cands = {c.name: c for c in Candidate.objects.filter(plan=plan, status=Candidate.Status.PROPOSED)}
    decisions = [{"id": c.pk, "action": "confirm"} for n, c in cands.items() if n in DEMO]
    decisions += [{"id": c.pk, "action": "reject"} for n, c in cands.items() if n in REJECT]
    services.candidates_decide(actor=admin, plan=plan, decisions=decisions)
    units = {u.code: u for u in Unit.objects.filter(code__in=["drc", "hunchun"])}
    for p in Project.objects.filter(plan=plan):
        stage, total, planned, unit_code = DEMO[p.name]
        lead = units.get(unit_code) if unit_code else p.lead_unit
        p = services.project_update(
            actor=admin,
            project=p,
            version=None,
            name=p.name,
            kind=p.kind,
            total_investment=total,
            start_date=datetime.date(2013, 6, 1) if stage != Stage.PLANNING else None,
            planned_completion=datetime.date(2016, 12, 31) if stage == Stage.CONSTRUCTION else None,
            lead_unit=lead,
        )
        if stage != p.stage:
            p = services.project_stage_set(
                actor=admin, project=p, version=None, stage=stage, on=datetime.date(2014, 3, 1)
            )
        if planned:
            services.investment_plan_set(actor=admin, project=p, year=2014, planned=planned)
            for month, share in ((1, "0.03"), (2, "0.03"), (3, "0.08"), (4, "0.12")):
                services.investment_month_set(
                    actor=admin,
                    project=p,
                    year=2014,
                    month=month,
                    completed=Decimal(planned) * Decimal(share),
                )
            services.milestone_add(
                actor=admin, project=p, title="主体工程开工", due_date=datetime.date(2014, 4, 30)
            )
            services.milestone_add(
                actor=admin, project=p, title="年度投资过半", due_date=datetime.date(2014, 7, 31)
            )
        if p.name in AREAS:
            services.project_locate(
                actor=admin,
                project=p,
                version=None,
                geometry="area",
                coordinates=AREAS[p.name],
                place_names=p.places,
            )
    reports = _demo_reports(plan, admin)
    return {"projects_created": Project.objects.filter(plan=plan).count(), "project_reports": reports}


def _demo_reports(plan: Plan, admin) -> int:
    """In the open May round: 珲春's reports filed, one accepted (its project moves to 在建), one
    awaiting the unit head; 省发展改革委's left as drafts."""
    may = ReportingRound.objects.filter(plan=plan, status=ReportingRound.Status.OPEN).first()
    if may is None:
        return 0
    n = project_reports.project_reports_request(actor=admin, round_=may)
    reporter = User.objects.filter(username="hunchun-reporter").first()
    head = User.objects.filter(username="hunchun-head").first()
    if reporter is None or head is None:
        return n
    mine = list(
        ProjectReport.objects.filter(round=may, report__unit__code="hunchun")
        .select_related("report", "project")
        .order_by("project__name")
    )
    for i, pr in enumerate(mine[:2]):
        stage = Stage.CONSTRUCTION if pr.project.stage == Stage.PLANNING else pr.project.stage
        milestones = list(pr.project.milestones.filter(title="主体工程开工"))
        report = project_reports.project_report_save(
            actor=reporter,
            report=pr.report,
            version=None,
            progress_status="on_track",
            percent=35,
            progress=f"{pr.project.name}：完成投资计划的阶段目标，主体工程按计划推进。",
            problems="境外段建设协调进度慢，需省里协调。" if i == 0 else "",
            next_steps="加快施工，确保按期完成年度投资。",
            investment_month=Decimal(5000),
            stage=stage,
            milestones=milestones,
        )
        report_services.report_submit(actor=reporter, report=report)
        if i == 0:
            report_services.report_approve(actor=head, report=report)
            report_services.report_accept(actor=admin, report=report)
    return n
