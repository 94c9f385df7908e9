import json

from duban.api.testing import openapi_doc, validate_response
from duban.indicators.models import Value
from duban.indicators.tests.base import IndicatorTestCase
from duban.org import services as org_services


class IndicatorApiTestCase(IndicatorTestCase):
    def setUp(self):
        self.tokens = {}

    def call(self, user, method, path, body=None, template=None, expect=200):
        if user.pk not in self.tokens:
            _t, raw = org_services.api_token_create(actor=user, user=user, name="test")
            self.tokens[user.pk] = raw
        headers = {"Authorization": f"Bearer {self.tokens[user.pk]}"}
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        r = getattr(self.client, method)("/api" + path, headers=headers, **kwargs)
        self.assertEqual(r.status_code, expect, r.content)
        data = r.json() if r.content else None
        validate_response(method, "/api" + (template or path.split("?")[0]), r.status_code, data)
        return data


class DictionaryTests(IndicatorApiTestCase):
    def test_the_endpoints_are_documented_with_examples(self):
        doc = openapi_doc()
        for path in (
            "/api/indicators",
            "/api/regions",
            "/api/region-groups",
            "/api/values",
            "/api/values/bulk",
        ):
            self.assertIn(path, doc["paths"])
        self.assertIn("examples", doc["components"]["schemas"]["BulkIn"]["properties"]["items"])

    def test_indicators_are_scoped_like_the_pages(self):
        codes = {i["code"] for i in self.call(self.leader, "get", "/indicators")}
        self.assertEqual(codes, {"FAI", "FAI_YOY", "TRADE", "BORDER"})
        codes = {i["code"] for i in self.call(self.reporter, "get", "/indicators")}
        self.assertEqual(codes, {"FAI", "FAI_YOY"})
        one = self.call(self.reporter, "get", "/indicators/FAI_YOY", template="/indicators/{code}")
        self.assertEqual(one["formula"], "yoy(FAI)")
        self.call(self.reporter, "get", "/indicators/TRADE", template="/indicators/{code}", expect=404)
        self.call(self.reporter, "get", "/indicators/NOPE", template="/indicators/{code}", expect=404)

    def test_regions_and_groups(self):
        regions = self.call(self.other, "get", "/regions?level=prefecture")
        self.assertEqual(len(regions), 9)
        self.assertEqual(regions[-1]["name"], "延边朝鲜族自治州")
        self.assertEqual(self.call(self.other, "get", "/region-groups"), [])


class ValueQueryTests(IndicatorApiTestCase):
    def test_filters(self):
        data = self.call(
            self.leader, "get", "/values?indicator=FAI&region=220102&period_from=2014-01&period_to=2014-03"
        )
        self.assertEqual(data["count"], 3)
        self.assertEqual([i["period"] for i in data["items"]], ["2014-01", "2014-02", "2014-03"])
        data = self.call(self.leader, "get", "/values?indicator=FAI_YOY&region=220100*&period=2014-05")
        self.assertEqual({i["region"] for i in data["items"]}, {"220100", "220102", "220103"})
        self.assertTrue(all(i["is_derived"] for i in data["items"]))
        data = self.call(self.reporter, "get", "/values?indicator=TRADE")
        self.assertEqual(data["count"], 0)
        self.call(self.leader, "get", "/values?period=2014-13", expect=400)


class BulkTests(IndicatorApiTestCase):
    def item(self, **kw):
        return {"indicator": "FAI", "region": "220102", "period": "2014-06", "value": "660", **kw}

    def test_it_writes_all_and_recomputes(self):
        data = self.call(
            self.reporter,
            "post",
            "/values/bulk",
            {"items": [self.item(), self.item(region="220103", value="330")]},
        )
        self.assertEqual((data["created"], data["dry_run"]), (2, False))
        self.assertGreater(data["derived"], 0)
        self.assertTrue(Value.objects.filter(indicator=self.fai_yoy, period__code="2014-06").exists())

    def test_a_null_value_clears_a_figure(self):
        v = Value.objects.get(indicator=self.fai, region__code="220102", period__code="2014-05")
        data = self.call(
            self.reporter,
            "post",
            "/values/bulk",
            {"items": [self.item(period="2014-05", value=None, version=v.version)]},
        )
        self.assertEqual((data["cleared"], data["created"]), (1, 0))
        self.assertFalse(Value.objects.filter(pk=v.pk).exists())

    def test_dry_run_writes_nothing(self):
        data = self.call(self.reporter, "post", "/values/bulk", {"items": [self.item()], "dry_run": True})
        self.assertEqual(data["checked"], 1)
        self.assertFalse(Value.objects.filter(period__code="2014-06").exists())

    def test_all_or_nothing_with_each_problem_listed(self):
        data = self.call(
            self.reporter,
            "post",
            "/values/bulk",
            {"items": [self.item(), self.item(region="999999"), self.item(indicator="TRADE")]},
            expect=400,
        )
        self.assertEqual([e["index"] for e in data["extra"]["errors"]], [1])
        data = self.call(
            self.reporter,
            "post",
            "/values/bulk",
            {"items": [self.item(), self.item(indicator="TRADE")]},
            expect=400,
        )
        self.assertEqual(data["extra"]["errors"][0]["indicator"], "TRADE")
        self.assertFalse(Value.objects.filter(period__code="2014-06").exists())

    def test_a_stale_version_is_409_and_a_far_off_figure_needs_a_note(self):
        self.call(
            self.reporter,
            "post",
            "/values/bulk",
            {"items": [self.item(period="2014-05", version=7)]},
            expect=409,
        )
        data = self.call(
            self.reporter, "post", "/values/bulk", {"items": [self.item(value="9000")]}, expect=400
        )
        self.assertEqual(data["code"], "confirm")
        self.call(
            self.reporter, "post", "/values/bulk", {"items": [self.item(value="9000", note="核实无误")]}
        )

    def test_leaders_are_read_only(self):
        data = self.call(self.leader, "post", "/values/bulk", {"items": [self.item()]}, expect=403)
        self.assertEqual(data["code"], "forbidden")
