from django import forms
from django.utils.translation import gettext_lazy as _

from duban.core.uploads import SPREADSHEET, UploadField
from duban.indicators import calc
from duban.indicators.models import Indicator, Region, RegionGroup
from duban.org.models import Unit

GROUP_CODE_INVALID = _(
    "The code may hold only letters, digits, hyphens and underscores, without spaces (e.g. cjt-core)."
)


class RegionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        indent = {"province": "", "prefecture": "　", "county": "　　"}.get(obj.level, "")
        return f"{indent}{obj.code} {obj.name}"


class IndicatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and _; formulas refer to indicators by code."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    unit_of_measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=20,
        required=False,
        help_text=_("e.g. 亿元, 万元, %, 万吨, 标箱 or 万人次"),
    )
    value_type = forms.ChoiceField(label=_("Value type"), choices=Indicator.ValueType.choices)
    period_type = forms.ChoiceField(label=_("Period type"), choices=Indicator.PeriodType.choices)
    accumulation = forms.ChoiceField(
        label=_("Cumulative or for the period"), choices=Indicator.Accumulation.choices
    )
    aggregation = forms.ChoiceField(
        label=_("Aggregation up the regions"), choices=Indicator.Aggregation.choices
    )
    weight = forms.ModelChoiceField(
        label=_("Weighted by"),
        queryset=Indicator.objects.all(),
        required=False,
        empty_label="—",
        help_text=_("Only for a weighted average."),
    )
    formula = forms.CharField(
        label=_("Formula (derived indicators only)"),
        max_length=500,
        required=False,
        help_text=_(
            "e.g. yoy(FAI) for year-on-year growth, XTOUR / TOUR * 100 for a share. Functions: prev, ly, yoy, mom, abs, min, max, round."
        ),
    )
    responsible_unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )
    regions = RegionChoices(
        label=_("Regions it is reported for"),
        queryset=Region.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 14}),
    )
    precision = forms.IntegerField(label=_("Decimal places"), min_value=0, max_value=6, initial=2)
    allow_negative = forms.BooleanField(label=_("Negative values allowed"), required=False)
    direction = forms.ChoiceField(
        label=_("Better when"),
        choices=Indicator.Direction.choices,
        initial=Indicator.Direction.HIGHER,
        required=False,
        help_text=_(
            "How attainment of a target is measured: actual ÷ target, or target ÷ actual when lower is better."
        ),
    )
    description = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class RegionGroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, error_messages={"invalid": GROUP_CODE_INVALID})
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Group description"), max_length=300, required=False)
    members = RegionChoices(
        label=_("Regions"), queryset=Region.objects.all(), widget=forms.SelectMultiple(attrs={"size": 14})
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TargetForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.all(), empty_label="—"
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), empty_label="—")
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    value = forms.DecimalField(label=_("Target"), max_digits=24, decimal_places=6)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ImportForm(forms.Form):
    file = UploadField(door=SPREADSHEET, label=_("Excel workbook (.xlsx)"))


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return calc.parse_period(value)
        except calc.PeriodError as e:
            raise forms.ValidationError(str(e)) from None


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RegionGroup) -> str:
        return obj.name
