from duban.core.testing import BaseTestCase
from duban.org.models import Unit, UnitGroup
from duban.org.selectors import flatten_tree, resolve_group_name, resolve_unit_name, unit_search, unit_tree


class SelectorTests(BaseTestCase):
    def test_search_by_name_alias_and_pinyin_initials(self):
        units = Unit.objects.all()
        self.assertEqual(list(unit_search(units, "发展和改革")), [self.unit])
        self.assertEqual(list(unit_search(units, "省发改委")), [self.unit])
        self.assertIn(self.unit, unit_search(units, "sfgw"))  # 省发改委
        self.assertIn(self.other_unit, unit_search(units, "ssw"))  # 省商务厅
        self.assertNotIn(self.other_unit, unit_search(units, "sfgw"))

    def test_resolve_names_with_bracket_and_space_variants(self):
        self.assertEqual(resolve_unit_name("省发改委"), self.unit)
        self.assertEqual(resolve_unit_name(" 省发展改革委 "), self.unit)
        self.assertIsNone(resolve_unit_name("省不存在厅"))
        group = UnitGroup.objects.create(code="pg", name="各市(州)人民政府", aliases=["各市（州）政府"])
        self.assertEqual(resolve_group_name("各市（州）人民政府"), group)
        self.assertEqual(resolve_group_name("各市(州)政府"), group)

    def test_tree_orders_children_under_parents(self):
        rows = flatten_tree(unit_tree(Unit.objects.all()))
        names = [(n.unit.code, n.depth) for n in rows]
        self.assertLess(names.index(("lg", 0)), names.index(("office", 1)))
