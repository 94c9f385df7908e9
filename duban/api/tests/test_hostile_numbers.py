"""Numbers no route should take, sent to every route of the published schema: ids beyond 64 bits
(2**70) in paths, queries, bodies and id lists, and 1.1e-30 where an integer or a date is meant.
Each answer is a 4xx the schema documents — never a 500. Generated from the OpenAPI document, so a
new route is covered the day it is added."""

import json

from duban.api.testing import openapi_doc, validate_response
from duban.core.testing import BaseTestCase
from duban.plans.tests.helpers import import_seed

HUGE = 2**70
TINY = 1.1e-30
SKIP = {("post", "/api/plans/import")}  # multipart: the hostile-upload suite feeds it files


def resolve(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def plain(schema: dict, doc: dict) -> dict:
    """The non-null branch of an ``anyOf`` (``int | None``), resolved."""
    schema = resolve(schema, doc)
    for option in schema.get("anyOf", []):
        option = resolve(option, doc)
        if option.get("type") != "null":
            return option
    return schema


def sample(schema: dict, doc: dict):
    """A plausible value of ``schema``: its example, its default, or the simplest of its type."""
    schema = plain(schema, doc)
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: sample(v, doc) for k, v in props.items() if k in schema.get("required", [])}
    return {
        "array": [],
        "integer": 1,
        "number": 1,
        "boolean": False,
        "string": {"date": "2014-05-01", "date-time": "2014-05-01T08:00:00+08:00"}.get(
            schema.get("format"), "x"
        ),
    }.get(kind)


def hostile_values(schema: dict, doc: dict) -> list:
    """What to send instead of a valid value of ``schema``."""
    schema = plain(schema, doc)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return [HUGE, -HUGE, TINY]
    if kind == "string" and fmt == "date":
        return [TINY, 0]
    if kind == "array" and plain(schema.get("items", {}), doc).get("type") == "integer":
        return [[HUGE], [1, -HUGE]]
    return []


class HostileNumberTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, _ = import_seed(cls.admin)

    def call(self, method: str, path: str, params: dict, query: dict, body):
        url = path
        for k, v in params.items():
            url = url.replace("{" + k + "}", str(v))
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return getattr(self.client, method)(url, **kwargs)

    def test_no_number_makes_a_route_fail(self):
        doc = openapi_doc()
        self.login(self.admin)
        sent = 0
        for path, methods in doc["paths"].items():
            for method, op in methods.items():
                if (method, path) in SKIP:
                    continue
                params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
                query = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
                body_schema = (
                    op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                )
                good_path = {k: self.plan.pk for k in params}
                good_body = sample(body_schema, doc) if body_schema else None
                # (path values, query, body, whether the answer must be a 4xx)
                cases = []
                for name, p in params.items():
                    cases += [
                        ({**good_path, name: v}, {}, good_body, True)
                        for v in hostile_values(p["schema"], doc)
                    ]
                for name, p in query.items():
                    # a filter by an id no row can have may answer an empty list, like any unknown id
                    cases += [
                        (good_path, {name: v}, good_body, v == TINY) for v in hostile_values(p["schema"], doc)
                    ]
                if body_schema:
                    props = plain(body_schema, doc).get("properties", {})
                    for name, s in props.items():
                        for v in hostile_values(s, doc):
                            cases.append((good_path, {}, {**good_body, name: v}, True))
                for path_values, query_values, body, refused in cases:
                    with self.subTest(
                        method=method, path=path, params=path_values, query=query_values, body=body
                    ):
                        r = self.call(method, path, path_values, query_values, body)
                        self.assertLess(r.status_code, 500)
                        if refused:
                            self.assertGreaterEqual(r.status_code, 400)
                        validate_response(method, path, r.status_code, r.json() if r.content else None)
                        sent += 1
        self.assertGreater(sent, 100)

    def test_every_operation_documents_the_errors_it_can_answer(self):
        doc = openapi_doc()
        for path, methods in doc["paths"].items():
            for method, op in methods.items():
                codes = set(op["responses"])
                wanted = {"400", "401", "403", "404", "409"}
                if op.get("parameters") or op.get("requestBody"):
                    wanted.add("422")
                if op.get("requestBody"):
                    wanted.add("413")
                with self.subTest(method=method, path=path):
                    self.assertLessEqual(wanted, codes)


class HostilePagePathTests(BaseTestCase):
    """Every page whose path takes an id, with an id beyond 64 bits: a 4xx (or the login/redirect a
    page answers anyway), never a 500. Generated from the URL resolver."""

    def test_no_page_fails_on_a_huge_id(self):
        import re

        from django.urls import URLPattern, URLResolver, get_resolver

        def routes(patterns, prefix=""):
            for p in patterns:
                if isinstance(p, URLResolver):
                    yield from routes(p.url_patterns, prefix + str(p.pattern))
                elif isinstance(p, URLPattern):
                    yield prefix + str(p.pattern)

        self.login(self.admin)
        tried = 0
        for route in routes(get_resolver().url_patterns):
            if "<int:" not in route or route.startswith("^"):
                continue
            path = "/" + re.sub(r"<str:\w+>", "x", re.sub(r"<int:\w+>", str(HUGE), route))
            for method in ("get", "post"):
                with self.subTest(path=path, method=method):
                    r = getattr(self.client, method)(path)
                    self.assertLess(r.status_code, 500)
                    tried += 1
        self.assertGreater(tried, 50)
