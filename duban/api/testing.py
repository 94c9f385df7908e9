"""Check API responses against the OpenAPI document the API itself publishes."""

import json
from functools import cache

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from duban.api.api import api

DOC_URI = "urn:duban:openapi"


@cache
def openapi_doc() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


def _rewrite(node):
    if isinstance(node, dict):
        return {
            k: (DOC_URI + v if k == "$ref" and v.startswith("#") else _rewrite(v)) for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def validate_response(method: str, path: str, status: int, body) -> None:
    """Raise jsonschema.ValidationError (or KeyError for an undocumented status) if ``body`` does not match."""
    doc = openapi_doc()
    op = doc["paths"][path][method.lower()]
    content = op["responses"][str(status)].get("content")
    if content is None:
        assert body in (None, b"", ""), f"{method} {path} {status} documents no body"
        return
    schema = _rewrite(content["application/json"]["schema"])
    registry = Registry().with_resource(DOC_URI, Resource.opaque(_rewrite(doc)))
    Draft202012Validator(schema, registry=registry).validate(body)
