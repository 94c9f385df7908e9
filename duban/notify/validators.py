"""Channel addresses: what each kind of channel accepts, with messages that say how to fix it."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

URL_NOT_HTTP = _(
    "The address must be a web address starting with http:// or https:// (for example "
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)."
)
URL_NO_HOST = _("The web address has no host name. Paste the full address the robot or receiver shows.")
URL_HAS_SPACES = _("The web address contains spaces. Paste it again without spaces or line breaks.")
EMAIL_INVALID = _("Enter a valid e-mail address, such as name@example.gov.cn.")
UNKNOWN_KIND = _("Unknown channel type.")

HTTP_SCHEMES = ("http", "https")


def validate_http_url(url: str) -> None:
    if any(c.isspace() for c in url):
        raise ValidationError(URL_HAS_SPACES, code="spaces")
    parts = urlsplit(url)
    if parts.scheme.lower() not in HTTP_SCHEMES:
        raise ValidationError(URL_NOT_HTTP, code="scheme")
    if not parts.hostname:
        raise ValidationError(URL_NO_HOST, code="host")


def validate_target(kind: str, target: str) -> None:
    from duban.notify.models import Channel

    if kind == Channel.Kind.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            raise ValidationError({"target": EMAIL_INVALID}) from None
    elif kind in (Channel.Kind.WEBHOOK, Channel.Kind.WECOM, Channel.Kind.DINGTALK):
        try:
            validate_http_url(target)
        except ValidationError as e:
            raise ValidationError({"target": e.messages}) from None
    else:
        raise ValidationError({"kind": UNKNOWN_KIND})
