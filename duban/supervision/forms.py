from django import forms
from django.utils.translation import gettext_lazy as _

from duban.org.models import Unit
from duban.supervision.models import Problem, ReminderPreference


class NoticeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("To unit"), queryset=Unit.objects.filter(is_active=True))
    items = forms.CharField(label=_("Item numbers"), help_text=_("e.g. （十三）、（十四）"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 4}))
    requirement = forms.CharField(label=_("Requirement"), widget=forms.Textarea(attrs={"rows": 4}))
    response_deadline = forms.DateField(label=_("Respond by"), widget=forms.DateInput(attrs={"type": "date"}))


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("Response"), widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(forms.Form):
    requested_due = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    decided_due = forms.DateField(
        label=_("Approved deadline (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.filter(is_active=True))
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.CharField(label=_("Category"), max_length=60, required=False)
    level = forms.ChoiceField(label=_("Coordination needed"), choices=Problem.Level.choices)
    items = forms.CharField(label=_("Item numbers"), required=False)
    due_date = forms.DateField(
        label=_("Solve by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ProblemActionForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    to_status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Problem.Status.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PolicyForm(forms.Form):
    yellow_gap = forms.IntegerField(label=_("Yellow when behind by (points)"), min_value=1, max_value=100)
    red_gap = forms.IntegerField(label=_("Red when behind by (points)"), min_value=1, max_value=100)
    due_soon_days = forms.IntegerField(
        label=_("Yellow this many days before the deadline"), min_value=0, max_value=120
    )
    days_before = forms.IntegerField(label=_("Remind days before"), min_value=0, max_value=60)
    on_the_day = forms.BooleanField(label=_("Remind on the day"), required=False)
    every_days_after = forms.IntegerField(label=_("Then every N days"), min_value=0, max_value=30)
    escalate_head_after = forms.IntegerField(
        label=_("Escalate to the unit head after (days overdue)"), min_value=0, max_value=90
    )
    escalate_leader_after = forms.IntegerField(
        label=_("Escalate to the leader after (days overdue)"), min_value=0, max_value=180
    )
    reminders_active = forms.BooleanField(label=_("Send reminders"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("yellow_gap") and data.get("red_gap") and data["red_gap"] <= data["yellow_gap"]:
            self.add_error("red_gap", _("Red must need a bigger gap than yellow."))
        head, leader = data.get("escalate_head_after"), data.get("escalate_leader_after")
        if head is not None and leader is not None and leader < head:
            self.add_error(
                "escalate_leader_after", _("Escalate to the leader no sooner than to the unit head.")
            )
        return data


class ReminderPreferenceForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Reminders (催办)"), choices=ReminderPreference.Delivery.choices)
    daily_cap = forms.IntegerField(
        label=_("At most this many reminder messages a day"),
        required=False,
        min_value=1,
        max_value=50,
        help_text=_("Empty: the office's limit. What is held back waits for the next message."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
