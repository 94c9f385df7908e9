"""``id__in=[…]`` with a value no integer column can hold matches nothing, instead of crashing.

Django already answers ``pk=2**70`` with an empty result (IntegerFieldOverflow on the exact and
comparison lookups), but not ``pk__in=[2**70]``: SQLite raises OverflowError ("Python int too large
to convert to SQLite INTEGER") and PostgreSQL an out-of-range error — a 500 for any id list that
comes in (item_ids, milestone_ids, cooperating_unit_ids, a form's multiple choice). Registered on
IntegerField (so on every AutoField) and on foreign keys, these lookups drop such values, as the
exact lookup does.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _range(lookup, connection) -> tuple[int | None, int | None] | None:
    """The range of the integer column ``lookup`` compares with (a foreign key's target), or None."""
    field = getattr(lookup.lhs, "output_field", None)
    target = getattr(field, "target_field", field)
    if not isinstance(target, IntegerField):
        return None
    return connection.ops.integer_field_range(target.get_internal_type())


def _fits(value, low, high) -> bool:
    return not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))


class _InRange:
    def process_rhs(self, compiler, connection):
        bounds = _range(self, connection)
        if bounds and self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set | frozenset):
            self.rhs = [v for v in self.rhs if _fits(v, *bounds)]
        return super().process_rhs(compiler, connection)


class RelatedIntegerExact(RelatedExact):
    """``unit_id=2**70`` on a foreign key: no row, as Django already answers on the key itself."""

    def process_rhs(self, compiler, connection):
        bounds = _range(self, connection)
        if bounds and self.rhs_is_direct_value() and not _fits(self.rhs, *bounds):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class IntegerIn(_InRange, In):
    pass


class RelatedIntegerIn(_InRange, RelatedIn):
    pass


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
    ForeignObject.register_lookup(RelatedIntegerExact)
