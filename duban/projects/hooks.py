"""Receivers of other apps' extension points: propose projects when a plan is imported, and carry an
accepted monthly report's figures into the registry."""


def propose_on_import(sender, *, plan, actor=None, **kwargs) -> None:
    from duban.projects.services import candidates_propose

    candidates_propose(actor=actor, plan=plan)


def apply_accepted_report(sender, *, report, actor=None, **kwargs) -> None:
    from duban.projects.project_reports import project_report_apply

    if report.assignment_id is None:
        project_report_apply(actor=actor, report=report)
