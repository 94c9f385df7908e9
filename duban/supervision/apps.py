from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "duban.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from duban.org.work import register_work
        from duban.supervision.models import Problem, SupervisionNotice

        def counter(unit_id: int) -> int:
            return (
                SupervisionNotice.objects.filter(unit_id=unit_id).count()
                + Problem.objects.filter(owner_id=unit_id).count()
            )

        def mover(from_id: int, to_id: int) -> int:
            return SupervisionNotice.objects.filter(unit_id=from_id).update(
                unit_id=to_id
            ) + Problem.objects.filter(owner_id=from_id).update(owner_id=to_id)

        register_work(_("supervision notices and problems"), counter, mover)
