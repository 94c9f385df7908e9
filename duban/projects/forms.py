from django import forms
from django.utils.translation import gettext_lazy as _

from duban.org.models import Unit
from duban.projects.models import Kind, Stage
from duban.reports.models import Report


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    aliases = forms.CharField(label=_("Other names"), required=False, help_text=_("separated by 、"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    total_investment = forms.CharField(
        label=_("Total investment (10,000 yuan)"), required=False, help_text=_("e.g. 125000 or 12.5亿")
    )
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_completion = forms.DateField(
        label=_("Planned completion"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = forms.CharField(label=_("Owner (业主单位)"), max_length=200, required=False)
    lead_unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Other responsible units"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    items = forms.CharField(
        label=_("Items served"), required=False, help_text=_("item numbers, e.g. （十四）、（十七）")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NewProjectForm(ProjectForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    places = forms.CharField(
        label=_("Places"), required=False, help_text=_("gazetteer names, e.g. 珲春、扎鲁比诺")
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)


class ProjectReportForm(forms.Form):
    progress_status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Report.Progress.choices], required=False
    )
    percent = forms.IntegerField(label=_("Physical progress (%)"), min_value=0, max_value=100, required=False)
    percent_down_reason = forms.CharField(
        label=_("Why the percent went down"), max_length=300, required=False
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    investment_month = forms.CharField(
        label=_("Investment completed this month (10,000 yuan)"), required=False
    )
    progress = forms.CharField(
        label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    problems = forms.CharField(label=_("Problems"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_steps = forms.CharField(
        label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False
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


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=_("Ledger (.xlsx)"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    dry_run = forms.BooleanField(label=_("Check only, change nothing"), required=False)
