from django import template

from duban.notify.kinds import CATEGORIES

register = template.Library()

_LABELS = dict(CATEGORIES)


@register.filter
def category_label(code: str) -> str:
    return str(_LABELS.get(code, code))
