"""`duban demo`: every app adds its demo data here, in dependency order."""


def load_demo(stdout=None) -> dict:
    from duban.org.demo import load_demo_org

    summary = {}
    summary.update(load_demo_org())
    from duban.plans.demo import load_demo_plans

    summary.update(load_demo_plans())
    from duban.reports.demo import load_demo_reports

    summary.update(load_demo_reports())
    from duban.supervision.demo import load_demo_supervision

    summary.update(load_demo_supervision())
    from duban.indicators.demo import load_demo_indicators

    summary.update(load_demo_indicators())
    from duban.projects.demo import load_demo_projects

    summary.update(load_demo_projects())
    return summary
