from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.uploads import DOCUMENT, SPREADSHEET, UploadField
from duban.plans.models import Plan


class PlanImportForm(forms.Form):
    file = UploadField(
        door=DOCUMENT,
        label=_("Plan document"),
        help_text=_(
            ".txt (UTF-8 or GB18030), .docx or a text PDF, up to 20 MB; a division-of-labour table "
            "(任务分工表) as .docx or .xlsx is read with its units and deadlines"
        ),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    previous = forms.ModelChoiceField(
        label=_("Previous year's plan (to compare)"), queryset=Plan.objects.all(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class DraftTitleForm(forms.Form):
    path = forms.CharField()
    title = forms.CharField(max_length=500)


class DraftPathForm(forms.Form):
    path = forms.CharField()


class DraftSplitForm(forms.Form):
    path = forms.CharField()
    at = forms.IntegerField(min_value=1)


class DraftMoveForm(forms.Form):
    path = forms.CharField()
    paragraph = forms.IntegerField(min_value=0)
    to = forms.CharField()


def parse_path(text: str) -> tuple[int, ...]:
    try:
        path = tuple(int(p) for p in text.split("."))
    except ValueError:
        raise forms.ValidationError("bad path") from None
    if len(path) < 2 or any(p < 0 for p in path):
        raise forms.ValidationError("bad path")
    return path


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    doc_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    issued_on = forms.DateField(
        label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignmentForm(forms.Form):
    lead_unit = forms.IntegerField(required=False)
    cooperating_units = forms.CharField(required=False)  # ids, comma separated (from the unit picker)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60, required=False)
    start_date = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_date = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(required=False)

    def clean_cooperating_units(self) -> list[int]:
        raw = self.cleaned_data["cooperating_units"] or ""
        try:
            return [int(x) for x in raw.replace("，", ",").split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError(_("Pick cooperating units from the list.")) from None


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    weight = forms.IntegerField(label=_("Weight (%)"), min_value=0, max_value=100, initial=0)


class DivisionUploadForm(forms.Form):
    file = UploadField(door=SPREADSHEET, label=_("Edited 分工 spreadsheet (.xlsx)"))
