from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "duban.projects"
    label = "projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from duban.org.work import register_work
        from duban.plans.signals import plan_imported
        from duban.projects import hooks
        from duban.projects.models import Project
        from duban.reports.signals import report_accepted

        def counter(unit_id: int) -> int:
            return Project.objects.filter(lead_unit_id=unit_id).count()

        def mover(from_id: int, to_id: int) -> int:
            n = Project.objects.filter(lead_unit_id=from_id).update(lead_unit_id=to_id)
            through = Project.units.through
            for row in through.objects.filter(unit_id=from_id):
                if through.objects.filter(project_id=row.project_id, unit_id=to_id).exists():
                    row.delete()
                else:
                    through.objects.filter(pk=row.pk).update(unit_id=to_id)
                    n += 1
            return n

        register_work(_("key projects"), counter, mover)
        plan_imported.connect(hooks.propose_on_import, dispatch_uid="projects.propose_on_import")
        report_accepted.connect(hooks.apply_accepted_report, dispatch_uid="projects.apply_accepted_report")
