"""Categories of notifications, for a channel's "send me only these" setting.

A notification's kind is ``<category>.<event>`` (``plan.published``, ``reminder.overdue`` …); a channel
that lists categories gets only those, a channel that lists none gets everything. The supervision
categories are listed ahead of their code so that people can set their channels up once.
"""

from django.utils.translation import gettext_lazy as _

CATEGORIES = [
    ("plan", _("Plans and assignments")),
    ("report", _("Progress reports")),
    ("reminder", _("Reminders (催办)")),
    ("notice", _("Supervision notices (督办单)")),
    ("extension", _("Extension requests (延期申请)")),
    ("problem", _("Problem register (问题台账)")),
    ("indicator", _("Statistical indicators")),
]
CATEGORY_CODES = [code for code, _label in CATEGORIES]

# Test messages from the settings page or `duban notify test` always go through.
TEST_KIND = "test"


def category_of(kind: str) -> str:
    return kind.split(".", 1)[0]
