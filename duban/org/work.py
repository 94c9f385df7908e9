"""What a unit is responsible for, so that it is never deleted while it holds work.

Each app that gives units work (plans, reports, problems …) registers a counter in its
AppConfig.ready(); deletion asks them all, and merging asks each to move its rows.
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.functional import Promise

WorkCounter = Callable[[QuerySet], int]
WorkMover = Callable[[int, int], int]

_counters: list[tuple[str | Promise, WorkCounter]] = []
_movers: list[WorkMover] = []


def register_work(
    label: str | Promise, counter: Callable[[int], int], mover: WorkMover | None = None
) -> None:
    """counter(unit_id) -> how many rows of this kind the unit holds; mover(from_id, to_id) -> rows moved."""
    _counters.append((label, counter))
    if mover is not None:
        _movers.append(mover)


def work_held(unit_id: int) -> list[tuple[str, int]]:
    out = []
    for label, counter in _counters:
        n = counter(unit_id)
        if n:
            out.append((str(label), n))
    return out


def move_work(from_id: int, to_id: int) -> int:
    return sum(mover(from_id, to_id) for mover in _movers)
