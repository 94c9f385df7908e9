from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "duban.indicators"
    label = "indicators"
    verbose_name = _("Statistical indicators")

    def ready(self) -> None:
        from duban.audit.models import ACTION_LABELS
        from duban.indicators.models import Indicator
        from duban.org.work import register_work

        def counter(unit_id: int) -> int:
            return Indicator.objects.filter(responsible_unit_id=unit_id).count()

        def mover(from_id: int, to_id: int) -> int:
            return Indicator.objects.filter(responsible_unit_id=from_id).update(responsible_unit_id=to_id)

        register_work(_("indicators"), counter, mover)
        ACTION_LABELS.update(
            {
                "indicator.create": _("Indicator created"),
                "indicator.update": _("Indicator changed"),
                "regiongroup.create": _("Region group created"),
                "regiongroup.update": _("Region group changed"),
                "regiongroup.delete": _("Region group deleted"),
                "values.save": _("Indicator values saved"),
                "values.import": _("Indicator values imported"),
                "period.publish": _("Period published and locked"),
                "period.reopen": _("Period reopened"),
                "target.set": _("Target set"),
                "target.delete": _("Target removed"),
            }
        )
