"""Every API schema has its own name: ninja files them in the OpenAPI components by class name, so
two routers each with a ``ProblemOut`` would silently describe one with the other's fields."""

import importlib
import inspect

from ninja import Schema

MODULES = [
    "duban.api.schemas",
    "duban.api.routers.org",
    "duban.api.routers.plans",
    "duban.api.routers.reports",
    "duban.api.routers.supervision",
    "duban.indicators.api",
]


def test_schema_class_names_are_unique():
    seen: dict[str, str] = {}
    clashes = []
    for name in MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls is not Schema and cls.__module__ == module.__name__:
                if cls_name in seen:
                    clashes.append(f"{cls_name}: {seen[cls_name]} and {name}")
                seen[cls_name] = name
    assert clashes == []
