from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's forms end labels in _(":"), which its own Chinese catalogue leaves as the ASCII colon; this
# puts the msgid into our catalogue (searched first), where it is the full-width "：" of Chinese text.
FORM_LABEL_SUFFIX = gettext_noop(":")


class CoreConfig(AppConfig):
    name = "duban.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from duban.core import lookups

        lookups.register()
