import re

from django import forms
from django.utils.translation import gettext_lazy as _

from duban.org.models import Membership, Unit

ALIAS_SPLIT = re.compile(r"[,，、;；\n]+")


def split_aliases(text: str) -> list[str]:
    return [a.strip() for a in ALIAS_SPLIT.split(text or "") if a.strip()]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name if obj.is_active else f"{obj.name} ({_('deactivated')})"


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Other names used in documents, separated by commas or 、"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_aliases(self) -> list[str]:
        return split_aliases(self.cleaned_data["aliases"])


class UnitCreateForm(UnitForm):
    parent = UnitChoiceField(
        label=_("Parent unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(
        label=_("New parent unit"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        empty_label=_("(top level)"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitMergeForm(forms.Form):
    target = UnitChoiceField(label=_("Merge into"), queryset=Unit.objects.filter(is_active=True))
    confirm = forms.BooleanField(
        label=_("I understand that members, sub-units and work move to the target unit.")
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def grantable_roles() -> list[tuple[str, str]]:
    """The roles the web may give: under separate duties not the security and audit admins' (the CLI
    gives those)."""
    from duban.org.access import duties_separated

    hidden = {Membership.Role.SECURITY, Membership.Role.AUDITOR} if duties_separated() else set()
    return [(v, label) for v, label in Membership.Role.choices if v not in hidden]


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=lambda: [("", "—"), *grantable_roles()], required=False)

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[\w.@+-]+", value):
            raise forms.ValidationError(_("Use letters, digits and . @ + - _ only."))
        return value

    def clean(self):
        data = super().clean()
        if bool(data.get("unit")) != bool(data.get("role")):
            raise forms.ValidationError(_("Choose both a unit and a role, or neither."))
        return data


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MembershipAddForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Role"), choices=grantable_roles)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError(_("The two new passwords differ."))
        return data


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60)
