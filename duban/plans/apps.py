from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "duban.plans"
    label = "plans"
    verbose_name = _("Plans and division of labour")

    def ready(self) -> None:
        from django.db.models import Q

        from duban.org.work import register_work
        from duban.plans.models import Assignment, PlanReceipt

        def counter(unit_id: int) -> int:
            return (
                Assignment.objects.filter(Q(lead_unit_id=unit_id) | Q(cooperating_units__id=unit_id))
                .distinct()
                .count()
            )

        def mover(from_id: int, to_id: int) -> int:
            n = Assignment.objects.filter(lead_unit_id=from_id).update(lead_unit_id=to_id)
            through = Assignment.cooperating_units.through
            for row in through.objects.filter(unit_id=from_id):
                if through.objects.filter(assignment_id=row.assignment_id, unit_id=to_id).exists():
                    row.delete()
                else:
                    through.objects.filter(pk=row.pk).update(unit_id=to_id)
                n += 1
            PlanReceipt.objects.filter(unit_id=from_id).exclude(
                plan_id__in=PlanReceipt.objects.filter(unit_id=to_id).values("plan_id")
            ).update(unit_id=to_id)
            return n

        register_work(_("assignments"), counter, mover)
