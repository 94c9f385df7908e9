"""Who may see and change key projects.

- office admins see and change every project, and confirm candidates;
- leaders see every project and change nothing (403);
- a unit's staff see the projects their unit is responsible for (lead or other responsible unit);
  another unit's project is 404. They file the project's monthly report and add evidence, but the
  registry itself (name, type, place, money, milestones) is the office's.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.core.errors import NotAllowed
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for
from duban.plans.models import Plan
from duban.projects.models import Candidate, Project, ProjectFile


def projects_visible_to(user) -> QuerySet[Project]:
    acc = access_for(user)
    if acc.sees_everything:
        return Project.objects.all()
    if not acc.staff_unit_ids:
        return Project.objects.none()
    ids = acc.staff_unit_ids
    return Project.objects.filter(Q(lead_unit_id__in=ids) | Q(units__id__in=ids)).distinct()


def get_project_for_user(user, pk) -> tuple[Project, bool]:
    """The project and whether the user may change the registry entry."""
    try:
        project = projects_visible_to(user).select_related("lead_unit", "plan").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return project, access_for(user).is_admin


def get_project_for_writer(user, pk) -> Project:
    """For edits of the registry: 404 if the user can't see it, 403 if they may not change it."""
    project, can_write = get_project_for_user(user, pk)
    if not can_write:
        raise NotAllowed(READ_ONLY if access_for(user).is_leader else NOT_ADMIN)
    return project


def may_add_evidence(user, project: Project) -> bool:
    acc = access_for(user)
    if acc.is_admin:
        return True
    unit_ids = {project.lead_unit_id, *project.units.values_list("pk", flat=True)}
    return bool(unit_ids & acc.staff_unit_ids)


def get_file_for_user(user, pk) -> ProjectFile:
    try:
        return ProjectFile.objects.select_related("project").get(pk=pk, project__in=projects_visible_to(user))
    except (ProjectFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_plan_for_proposals(user, pk) -> Plan:
    """The proposal screen is the office's: leaders read it, others do not see it."""
    acc = access_for(user)
    if not acc.sees_everything:
        raise Http404
    try:
        return Plan.objects.get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def candidates_for_plan(user, plan: Plan) -> QuerySet[Candidate]:
    if not access_for(user).sees_everything:
        return Candidate.objects.none()
    return Candidate.objects.filter(plan=plan)
