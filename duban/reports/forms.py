import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from duban.plans.models import Plan
from duban.reports.models import Report, ReportingRound, RoundSchedule


class RoundOpenForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(status=Plan.Status.PUBLISHED))
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportingRound.Kind.choices)
    period = forms.CharField(label=_("Period"), max_length=60, help_text=_("e.g. 2014年5月, 2014年第二季度"))
    subject = forms.CharField(label=_("Subject (ad hoc rounds)"), max_length=200, required=False)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    sections = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end, due = data.get("period_start"), data.get("period_end"), data.get("due_date")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if start and due and due < start:
            self.add_error("due_date", _("The due date is before the start of the period."))
        if data.get("kind") == ReportingRound.Kind.ADHOC and not data.get("subject"):
            self.add_error("subject", _("An ad hoc round needs a subject."))
        return data


class ScheduleForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.filter(status=Plan.Status.PUBLISHED))
    frequency = forms.ChoiceField(label=_("Frequency"), choices=RoundSchedule.Frequency.choices)
    open_day = forms.IntegerField(label=_("Open on day"), min_value=1, max_value=28, initial=25)
    due_days = forms.IntegerField(label=_("Days to report"), min_value=1, max_value=60, initial=10)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ReportForm(forms.Form):
    progress_status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Report.Progress.choices], required=False
    )
    percent = forms.IntegerField(label=_("Percent complete"), min_value=0, max_value=100, required=False)
    percent_down_reason = forms.CharField(
        label=_("Why the percent went down"), max_length=300, required=False
    )
    progress = forms.CharField(
        label=_("Progress made (进展情况)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    problems = forms.CharField(
        label=_("Problems (存在问题)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps (下步打算)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    milestones = forms.MultipleChoiceField(
        label=_("Milestones reached"), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].choices = [
            (str(m.pk), f"{m.title}（{m.due_date:%Y-%m-%d}）") for m in milestones
        ]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    version = forms.IntegerField(required=False)


class ContributionForm(forms.Form):
    text = forms.CharField(label=_("Contribution (配合情况)"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False)


def month_period(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    import calendar

    last = calendar.monthrange(today.year, today.month)[1]
    return f"{today.year}年{today.month}月", today.replace(day=1), today.replace(day=last)
