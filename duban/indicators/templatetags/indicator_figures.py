"""``{{ value|figure:precision }}``: a figure as the indicator pages show it (817,943.00)."""

from decimal import Decimal, InvalidOperation

from django import template

from duban.indicators import calc

register = template.Library()


@register.filter
def figure(value, precision=2) -> str:
    if value is None or value == "":
        return ""
    try:
        return calc.display(Decimal(str(value)), int(precision))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
