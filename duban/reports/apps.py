from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "duban.reports"
    label = "reports"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from duban.org.work import register_work
        from duban.reports.models import Contribution, Report

        def counter(unit_id: int) -> int:
            return (
                Report.objects.filter(unit_id=unit_id).count()
                + Contribution.objects.filter(unit_id=unit_id).count()
            )

        def mover(from_id: int, to_id: int) -> int:
            n = Report.objects.filter(unit_id=from_id).update(unit_id=to_id)
            return n + Contribution.objects.filter(unit_id=from_id).update(unit_id=to_id)

        register_work(_("progress reports"), counter, mover)
