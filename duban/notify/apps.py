from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "duban.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from duban.audit.models import ACTION_LABELS
        from duban.notify.models import Channel
        from duban.org.work import register_work

        def counter(unit_id: int) -> int:
            # A unit's channels never keep it from being deleted: they go with it.
            return 0

        def mover(from_id: int, to_id: int) -> int:
            # A merged unit's work groups now serve the unit it was merged into.
            return Channel.objects.filter(unit_id=from_id).update(unit_id=to_id)

        register_work(_("notification channels"), counter, mover)
        ACTION_LABELS.update(
            {
                "channel.create": _("Notification channel added"),
                "channel.update": _("Notification channel changed"),
                "channel.delete": _("Notification channel deleted"),
                "channel.test": _("Test message sent to a channel"),
                "delivery.retry": _("Failed notification sent again"),
            }
        )
