"""The OpenAPI document is well formed: every API schema has its own name (ninja files them in the
components by class name, so two routers each with a ``ProblemOut`` would silently describe one with
the other's fields), and no object in it has the same key twice (Swagger UI's YAML reader refuses
the whole document then, and /api/docs shows nothing)."""

import importlib
import inspect
import json
import pkgutil

from ninja import Schema

import duban.api.routers
from duban.api.api import api


def schema_modules() -> list[str]:
    routers = [f"duban.api.routers.{m.name}" for m in pkgutil.iter_modules(duban.api.routers.__path__)]
    return ["duban.api.schemas", *routers, "duban.indicators.api"]


def test_schema_class_names_are_unique():
    seen: dict[str, str] = {}
    clashes = []
    for name in schema_modules():
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls is not Schema and cls.__module__ == module.__name__:
                if cls_name in seen:
                    clashes.append(f"{cls_name}: {seen[cls_name]} and {name}")
                seen[cls_name] = name
    assert clashes == []


def test_no_key_appears_twice_in_the_openapi_document():
    repeated: list[str] = []

    def pairs(items):
        keys = [k for k, _v in items]
        repeated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    text = json.dumps(api.get_openapi_schema(path_prefix="/api/"), default=str)
    json.loads(text, object_pairs_hook=pairs)
    assert repeated == []
