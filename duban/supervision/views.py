"""Supervision pages: the lights dashboard, supervision notices, extensions, problems, reminders."""

import datetime
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError, NotAllowed
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for, require_office_admin
from duban.plans.access import plans_visible_to
from duban.plans.models import Assignment, Item, Plan
from duban.supervision import services
from duban.supervision.access import (
    extensions_visible_to,
    get_extension_for_user,
    get_notice_for_user,
    get_problem_for_user,
    notices_visible_to,
    problems_visible_to,
)
from duban.supervision.documents import notice_docx, problems_xlsx
from duban.supervision.forms import (
    DecisionForm,
    ExtensionForm,
    NoticeForm,
    ProblemActionForm,
    ProblemForm,
    ReminderPreferenceForm,
    ResponseForm,
)
from duban.supervision.models import (
    ExtensionRequest,
    Problem,
    Reminder,
    ReminderPreference,
    SupervisionNotice,
)
from duban.supervision.selectors import light_counts, tick_health

KEY_SPLIT = re.compile(r"[、,，;；\s]+")


def _items_by_keys(plan: Plan, text: str) -> tuple[list[Item], list[str]]:
    keys = [k.replace("(", "（").replace(")", "）") for k in KEY_SPLIT.split(text or "") if k.strip()]
    found = {i.key: i for i in Item.objects.filter(plan=plan, key__in=keys)}
    return [found[k] for k in keys if k in found], [k for k in keys if k not in found]


def _current_plan(request) -> Plan | None:
    plans = plans_visible_to(request.user).exclude(status=Plan.Status.DRAFT)
    chosen = request.GET.get("plan", "")
    if chosen.isdigit():
        return plans.filter(pk=int(chosen)).first()
    return plans.order_by("-year", "-id").first()


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access_for(request.user).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    plan = _current_plan(request)
    # "As of" a day: today by default; an office looking back (end of a quarter) picks another.
    as_of = timezone.localdate()
    raw = request.GET.get("date", "")
    if raw:
        try:
            as_of = datetime.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("“%(date)s” is not a date; showing today.") % {"date": raw})
    counts = light_counts(plan, as_of) if plan else None
    return render(
        request,
        "supervision/dashboard.html",
        {
            "as_of": as_of,
            "plan": plan,
            "counts": counts,
            "plans": plans_visible_to(request.user).exclude(status=Plan.Status.DRAFT),
            "open_notices": notices_visible_to(request.user)
            .exclude(status=SupervisionNotice.Status.CLOSED)
            .count(),
            "pending_extensions": extensions_visible_to(request.user)
            .filter(status=ExtensionRequest.Status.PENDING)
            .count(),
            "open_problems": problems_visible_to(request.user)
            .exclude(status__in=["resolved", "closed"])
            .count(),
            "today": timezone.localdate(),
            "tick": tick_health() if access_for(request.user).is_admin else None,
        },
    )


# --- notices -------------------------------------------------------------------------------------


@login_required
@require_GET
def notice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notices = notices_visible_to(request.user).select_related("unit").prefetch_related("items")
    return render(
        request, "supervision/notice_list.html", {"notices": notices, "today": timezone.localdate()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    plan = _current_plan(request)
    follow = request.GET.get("follow") or request.POST.get("follow")
    previous = (
        notices_visible_to(request.user).filter(pk=follow).first() if follow and follow.isdigit() else None
    )
    initial = {}
    if previous:
        initial = {
            "unit": previous.unit_id,
            "items": "、".join(i.key for i in previous.items.all()),
            "subject": previous.subject,
            "facts": previous.facts,
        }
    elif request.GET.get("item"):
        item = Item.objects.filter(pk=request.GET["item"]).first() if request.GET["item"].isdigit() else None
        if item:
            a = Assignment.objects.filter(item=item, measure=None).first()
            initial = {
                "items": item.key,
                "subject": item.title.rstrip("。"),
                "unit": a.lead_unit_id if a else None,
            }
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and plan is not None:
        d = form.cleaned_data
        items, unknown = _items_by_keys(plan, d["items"])
        if unknown:
            form.add_error("items", _("Unknown item numbers: %(keys)s") % {"keys": "、".join(unknown)})
        else:
            try:
                notice = services.notice_issue(
                    actor=request.user,
                    unit=d["unit"],
                    items=items,
                    subject=d["subject"],
                    facts=d["facts"],
                    requirement=d["requirement"],
                    response_deadline=d["response_deadline"],
                    follow_up_of=previous,
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(
                    request, _("%(n)s issued to %(unit)s.") % {"n": notice, "unit": notice.unit.display_name}
                )
                return redirect("notice-detail", pk=notice.pk)
    return render(request, "supervision/notice_form.html", {"form": form, "plan": plan, "previous": previous})


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_user(request.user, pk)
    acc = access_for(request.user)
    form = ResponseForm(
        request.POST or None, initial={"response": notice.response, "version": notice.version}
    )
    if request.method == "POST":
        if notice.unit_id not in acc.staff_unit_ids:
            raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
        if form.is_valid():
            # Each file is checked by the upload gate in the service (size first): none is dropped.
            files = [(f.name or "", f) for f in request.FILES.getlist("files")]
            try:
                services.notice_respond(
                    actor=request.user,
                    notice=notice,
                    response=form.cleaned_data["response"],
                    version=form.cleaned_data["version"],
                    files=files,
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Response sent to the office."))
                return redirect("notice-detail", pk=notice.pk)
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "form": form,
            "can_respond": notice.unit_id in acc.staff_unit_ids and notice.status != "closed",
            "is_admin": acc.is_admin,
            "items": notice.items.select_related("plan").order_by("order"),
            "attachments": notice.attachments.all(),
            "follow_ups": notice.follow_ups.all(),
        },
    )


@login_required
@require_POST
def notice_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_user(request.user, pk)
    require_office_admin(request.user)
    try:
        services.notice_close(actor=request.user, notice=notice, note=request.POST.get("note", ""))
    except DubanError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Notice closed."))
    return redirect("notice-detail", pk=notice.pk)


@login_required
@require_GET
def notice_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = get_notice_for_user(request.user, pk)
    response = HttpResponse(
        notice_docx(notice),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"督办〔{notice.year}〕第{notice.number}号.docx"
    )
    return response


@login_required
@require_GET
def notice_attachment(request: AuthenticatedHttpRequest, pk: int, att_pk: int) -> HttpResponse:
    from django.http import FileResponse, Http404

    notice = get_notice_for_user(request.user, pk)
    att = notice.attachments.filter(pk=att_pk).first()
    if att is None:
        raise Http404
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = content_disposition_header(True, att.original_name)
    return response


# --- extensions ---------------------------------------------------------------------------------


@login_required
@require_GET
def extension_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    reqs = extensions_visible_to(request.user).select_related(
        "assignment__item", "unit", "requested_by", "decided_by"
    )
    return render(
        request,
        "supervision/extension_list.html",
        {"reqs": reqs, "form": DecisionForm(), "is_admin": access_for(request.user).is_admin},
    )


@login_required
@require_http_methods(["GET", "POST"])
def extension_new(request: AuthenticatedHttpRequest, assignment_pk: int) -> HttpResponse:
    from django.http import Http404

    acc = access_for(request.user)
    a = (
        Assignment.objects.filter(pk=assignment_pk, lead_unit_id__in=acc.staff_unit_ids)
        .select_related("item__plan")
        .first()
    )
    if a is None:
        if acc.sees_everything and Assignment.objects.filter(pk=assignment_pk).exists():
            raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
        raise Http404
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                actor=request.user,
                assignment=a,
                requested_due=form.cleaned_data["requested_due"],
                reason=form.cleaned_data["reason"],
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Extension requested; the office will decide."))
            return redirect("extension-list")
    history = a.deadline_changes.all()
    return render(request, "supervision/extension_form.html", {"a": a, "form": form, "history": history})


@login_required
@require_POST
def extension_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    req = get_extension_for_user(request.user, pk)
    require_office_admin(request.user)
    form = DecisionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.extension_decide(
                actor=request.user,
                request=req,
                approve=d["decision"] == "approve",
                decided_due=d["decided_due"],
                reason=d["reason"],
            )
        except DubanError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Decision recorded."))
    return redirect("extension-list")


# --- problems -----------------------------------------------------------------------------------


@login_required
@require_GET
def problem_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    problems = problems_visible_to(request.user).select_related("owner").prefetch_related("items")
    status = request.GET.get("status", "")
    if status in Problem.Status.values:
        problems = problems.filter(status=status)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            problems_xlsx(problems.prefetch_related("actions")),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(True, "问题台账.xlsx")
        return response
    return render(
        request,
        "supervision/problem_list.html",
        {
            "problems": problems,
            "status": status,
            "statuses": Problem.Status.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    acc = access_for(request.user)
    if not (acc.is_admin or acc.staff_unit_ids):
        raise NotAllowed(READ_ONLY)
    report = None
    raw = request.GET.get("report") or request.POST.get("report") or ""
    if raw.isdigit():
        from duban.reports.access import reports_visible_to

        report = (
            reports_visible_to(request.user)
            .select_related("assignment__item", "unit")
            .filter(pk=int(raw))
            .first()
        )
    initial = {}
    if report is not None:
        initial = {
            "owner": report.unit_id,
            "title": report.problems.strip().splitlines()[0][:200] if report.problems.strip() else "",
            "description": report.problems,
            "items": report.assignment.item.key if report.assignment_id else "",
        }
    form = ProblemForm(request.POST or None, initial=initial)
    if not acc.is_admin:
        form.fields["owner"].queryset = form.fields["owner"].queryset.filter(pk__in=acc.staff_unit_ids)
    plan = _current_plan(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        items, unknown = _items_by_keys(plan, d["items"]) if plan else ([], [])
        if unknown:
            form.add_error("items", _("Unknown item numbers: %(keys)s") % {"keys": "、".join(unknown)})
        else:
            try:
                p = services.problem_raise(
                    actor=request.user,
                    owner=d["owner"],
                    title=d["title"],
                    description=d["description"],
                    level=d["level"],
                    category=d["category"],
                    items=items,
                    due_date=d["due_date"],
                    report=report,
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Problem registered."))
                return redirect("problem-detail", pk=p.pk)
    return render(request, "supervision/problem_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def problem_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    p = get_problem_for_user(request.user, pk)
    form = ProblemActionForm(request.POST or None, initial={"version": p.version})
    if request.method == "POST":
        require_office_admin(request.user)
        if form.is_valid():
            try:
                services.problem_act(
                    actor=request.user,
                    problem=p,
                    text=form.cleaned_data["text"],
                    to_status=form.cleaned_data["to_status"],
                    version=form.cleaned_data["version"],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                return redirect("problem-detail", pk=p.pk)
    return render(
        request,
        "supervision/problem_detail.html",
        {
            "p": p,
            "form": form,
            "actions": p.actions.all(),
            "is_admin": access_for(request.user).is_admin,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def reminder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    acc = access_for(request.user)
    reminders = Reminder.objects.select_related("unit")
    if not acc.sees_everything:
        reminders = reminders.filter(unit_id__in=acc.staff_unit_ids)
    from django.core.paginator import Paginator

    page = Paginator(reminders, 50).get_page(request.GET.get("page"))
    return render(request, "supervision/reminder_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def reminder_preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each person's own: reminders as they come, or one digest a day; and a daily cap."""
    pref = ReminderPreference.objects.filter(user=request.user).first()
    initial = {
        "delivery": pref.delivery if pref else ReminderPreference.Delivery.DEFAULT,
        "daily_cap": pref.daily_cap if pref else None,
        "version": pref.version if pref else None,
    }
    form = ReminderPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_preference_set(
                actor=request.user,
                delivery=form.cleaned_data["delivery"],
                daily_cap=form.cleaned_data["daily_cap"],
                version=form.cleaned_data["version"],
            )
        except DubanError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Saved."))
            return redirect("reminder-preference")
    return render(
        request,
        "supervision/reminder_preference.html",
        {"form": form, "cap": settings.DUBAN_REMINDER_DAILY_CAP, "policy": services.reminder_policy()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_rules(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    """A plan's light thresholds and reminder rules (office admins change them; leaders read)."""
    from duban.plans.access import get_plan_for_user
    from duban.supervision.forms import PolicyForm
    from duban.supervision.models import LightPolicy, ReminderRule

    plan, can_write = get_plan_for_user(request.user, plan_pk)
    if not access_for(request.user).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    policy = LightPolicy.objects.filter(plan=plan).first() or LightPolicy(plan=plan)
    rule = ReminderRule.objects.filter(plan=plan).first() or ReminderRule(plan=plan)
    initial = {
        "yellow_gap": policy.yellow_gap,
        "red_gap": policy.red_gap,
        "due_soon_days": policy.due_soon_days,
        "days_before": rule.days_before,
        "on_the_day": rule.on_the_day,
        "every_days_after": rule.every_days_after,
        "escalate_head_after": rule.escalate_head_after,
        "escalate_leader_after": rule.escalate_leader_after,
        "reminders_active": rule.active,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_office_admin(request.user)
        if form.is_valid():
            try:
                services.policy_set(actor=request.user, plan=plan, **form.cleaned_data)
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("plan-rules", plan_pk=plan.pk)
    return render(
        request, "supervision/plan_rules.html", {"plan": plan, "form": form, "can_write": can_write}
    )
