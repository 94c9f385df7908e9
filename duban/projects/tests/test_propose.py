"""Proposals on the seed, measured against the hand-made list of its key projects."""

from django.test import SimpleTestCase

from duban.core.testing import BaseTestCase
from duban.plans.tests.helpers import SEED, import_seed, parsed
from duban.projects.models import Candidate
from duban.projects.propose import propose
from duban.projects.tests.yardstick import load, score


def _items(doc: dict) -> list[dict]:
    out = []

    def walk(items):
        for it in items:
            out.append(
                {
                    "id": len(out) + 1,
                    "key": it["number"],
                    "text": it["title"] + it["body"],
                    "projects": it.get("entities", {}).get("projects", []),
                }
            )
            walk(it.get("children", []))

    for s in doc["sections"]:
        walk(s["items"])
    return out


def _as_scored(proposals) -> list[dict]:
    return [p.as_dict() | {"aliases": p.aliases} for p in proposals]


class SeedProposalTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proposals = propose(_items(parsed(SEED)))
        cls.by_name = {p.name: p for p in cls.proposals}
        cls.score = score(_as_scored(cls.proposals))

    def test_the_hand_made_list_is_found_with_high_precision_and_recall(self):
        s = self.score
        self.assertGreaterEqual(s["confirmable"], 20)
        self.assertGreaterEqual(s["recall"], 0.95, s["missed"])
        self.assertGreaterEqual(s["precision"], 0.95, s["false_positives"])
        self.assertEqual(s["duplicates"], [])

    def test_obvious_noise_is_not_proposed(self):
        self.assertEqual(self.score["noise_proposed"], [])
        names = set(self.by_name)
        self.assertNotIn("上海自由贸易区", names)  # 参照上海自由贸易区: a reference, not a project
        self.assertFalse([n for n in names if n.startswith("工业化")])  # cut off after 信息化和

    def test_three_names_of_the_food_zone_are_one_candidate(self):
        p = self.by_name["中新吉林食品区"]
        self.assertEqual(set(p.aliases), {"中新食品区", "中新合作吉林食品区"})
        self.assertNotIn("中新食品区", self.by_name)

    def test_a_port_mentioned_in_two_items_is_one_candidate_with_both(self):
        p = self.by_name["罗津港"]
        self.assertEqual(p.item_keys, ["（十五）", "（十七）"])
        self.assertIn("4号新建码头", p.aliases)
        self.assertEqual(p.countries, ["KP"])

    def test_routes_and_railways_are_lines_through_their_places(self):
        route = self.by_name["珲春—扎鲁比诺—束草航线"]
        self.assertEqual(route.kind, "route")
        self.assertEqual(route.geometry, "line")
        self.assertEqual([p.name for p in route.places], ["珲春", "扎鲁比诺", "束草"])
        self.assertEqual(self.by_name["图们至罗津铁路"].geometry, "line")  # 图们到罗津 renamed
        bridge = self.by_name["中朝圈河跨境桥"]
        self.assertEqual((bridge.kind, bridge.geometry), ("bridge", "point"))

    def test_the_yardstick_has_required_and_optional_entries(self):
        y = load()
        required = [e for e in y["projects"] if e["status"] == "required"]
        self.assertGreaterEqual(len(required), 60)
        # the score falls when a proposal is wrong: the yardstick can fail
        bad = [*_as_scored(self.proposals), {"name": "上海自由贸易区", "aliases": [], "kind": "zone"}]
        self.assertLess(score(bad)["precision"], self.score["precision"])


class ProposeOnImportTests(BaseTestCase):
    def test_importing_the_seed_proposes_its_projects(self):
        plan, _s = import_seed(self.admin)
        self.assertGreaterEqual(Candidate.objects.filter(plan=plan).count(), 60)
        c = Candidate.objects.get(plan=plan, name="扎鲁比诺港")
        self.assertEqual(c.kind, "port")
        self.assertEqual(c.places, ["扎鲁比诺"])
        self.assertEqual([i.key for i in c.items.all()], ["（十五）"])
