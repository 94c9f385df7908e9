"""Where the current change comes from (web, api, cli, system) and from which address.

Set once at the edge (middleware, API auth, management command) so that every audit event
records its source without threading it through each service call.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

SOURCES = ("web", "api", "cli", "system")

_source: ContextVar[str] = ContextVar("duban_source", default="system")
_ip: ContextVar[str | None] = ContextVar("duban_ip", default=None)


def current_source() -> str:
    return _source.get()


def acting_user(actor):
    """The signed-in user behind an actor, or None when the system acts (a command, the tick)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def current_ip() -> str | None:
    return _ip.get()


@contextlib.contextmanager
def change_source(source: str, ip: str | None = None) -> Iterator[None]:
    assert source in SOURCES, source
    t1 = _source.set(source)
    t2 = _ip.set(ip)
    try:
        yield
    finally:
        _source.reset(t1)
        _ip.reset(t2)
