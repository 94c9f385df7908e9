from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from duban.notify.kinds import CATEGORIES
from duban.notify.models import Channel, Delivery
from duban.notify.validators import validate_target


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Channel type"), choices=Channel.Kind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("For example “发改委督办工作群” or “my mailbox”.")
    )
    target = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("An e-mail address, or the robot's / receiver's web address (http:// or https://)."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Webhook: the signing key (left empty, one is generated). DingTalk: the 加签 secret (SEC…). "
            "When editing, leave empty to keep the current one."
        ),
    )
    categories = forms.MultipleChoiceField(
        label=_("Send only"),
        choices=CATEGORIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick nothing to receive every kind of notification."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The type of an existing channel does not change: its address and secret mean different things.
            self.fields["kind"].disabled = True

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_target(self) -> str:
        return self.cleaned_data["target"].strip()

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("target"):
            try:
                validate_target(data["kind"], data["target"])
            except ValidationError as e:
                for message in e.message_dict.get("target", e.messages):
                    self.add_error("target", message)
        return data


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *Delivery.Status.choices], required=False
    )
    channel_kind = forms.ChoiceField(
        label=_("Channel type"), choices=[("", _("All types")), *Channel.Kind.choices], required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
