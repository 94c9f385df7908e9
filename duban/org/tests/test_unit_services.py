from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.core.testing import BaseTestCase
from duban.org import services, work
from duban.org.models import Membership, Unit, UnitGroup


class UnitCreateTests(BaseTestCase):
    def test_it_creates_and_audits(self):
        unit = services.unit_create(
            actor=self.admin,
            name=" 吉林省  财政厅 ",
            short_name="省财政厅",
            aliases=["财政厅", "财政厅", ""],
            kind="department",
        )
        self.assertEqual(unit.name, "吉林省 财政厅")
        self.assertEqual(unit.aliases, ["财政厅"])
        self.assertTrue(unit.code)
        ev = AuditEvent.objects.get(action="unit.create", object_id=str(unit.pk))
        self.assertEqual(ev.actor, self.admin)
        self.assertEqual(ev.unit, unit)
        self.assertEqual(ev.after["name"], "吉林省 财政厅")
        self.assertIsNone(ev.before)

    def test_it_refuses_a_duplicate_active_name(self):
        with self.assertRaisesMessage(InvalidInput, "吉林省商务厅"):
            services.unit_create(actor=self.admin, name="吉林省商务厅", kind="department")
        self.assertEqual(Unit.objects.filter(name="吉林省商务厅").count(), 1)

    def test_it_refuses_an_empty_name(self):
        with self.assertRaises(InvalidInput):
            services.unit_create(actor=self.admin, name="   ", kind="department")

    def test_it_refuses_an_inactive_parent(self):
        services.unit_deactivate(actor=self.admin, unit=self.other_unit)
        self.other_unit.refresh_from_db()
        with self.assertRaises(InvalidInput):
            services.unit_create(actor=self.admin, name="新单位", kind="other", parent=self.other_unit)


class UnitUpdateTests(BaseTestCase):
    def test_rename_keeps_old_name_as_alias(self):
        unit = services.unit_update(
            actor=self.admin,
            unit=self.unit,
            version=1,
            name="吉林省发展改革委",
            short_name="省发改委",
            aliases=["省发改委"],
            kind="department",
        )
        self.assertEqual(unit.name, "吉林省发展改革委")
        self.assertIn("吉林省发展和改革委员会", unit.aliases)
        self.assertEqual(unit.version, 2)
        ev = AuditEvent.objects.get(action="unit.update")
        self.assertEqual(ev.before["name"], "吉林省发展和改革委员会")
        self.assertEqual(ev.after["name"], "吉林省发展改革委")

    def test_a_stale_version_is_refused_and_nothing_changes(self):
        services.unit_update(
            actor=self.admin,
            unit=self.unit,
            version=1,
            name="甲",
            short_name="",
            aliases=[],
            kind="department",
        )
        with self.assertRaises(StaleEdit):
            services.unit_update(
                actor=self.admin,
                unit=self.unit,
                version=1,
                name="乙",
                short_name="",
                aliases=[],
                kind="department",
            )
        self.unit.refresh_from_db()
        self.assertEqual(self.unit.name, "甲")

    def test_renaming_to_another_units_name_is_refused(self):
        with self.assertRaises(InvalidInput):
            services.unit_update(
                actor=self.admin,
                unit=self.unit,
                version=1,
                name="吉林省商务厅",
                short_name="",
                aliases=[],
                kind="department",
            )

    def test_no_change_writes_no_event(self):
        services.unit_update(
            actor=self.admin,
            unit=self.unit,
            version=1,
            name=self.unit.name,
            short_name=self.unit.short_name,
            aliases=self.unit.aliases,
            kind=self.unit.kind,
        )
        self.assertFalse(AuditEvent.objects.filter(action="unit.update").exists())


class UnitMoveTests(BaseTestCase):
    def test_it_moves(self):
        services.unit_move(actor=self.admin, unit=self.third_unit, new_parent=self.unit)
        self.third_unit.refresh_from_db()
        self.assertEqual(self.third_unit.parent, self.unit)
        self.assertTrue(AuditEvent.objects.filter(action="unit.move").exists())

    def test_it_refuses_to_move_under_its_own_descendant(self):
        services.unit_move(actor=self.admin, unit=self.third_unit, new_parent=self.unit)
        self.unit.refresh_from_db()
        with self.assertRaises(InvalidInput):
            services.unit_move(actor=self.admin, unit=self.unit, new_parent=self.third_unit)
        with self.assertRaises(InvalidInput):
            services.unit_move(actor=self.admin, unit=self.unit, new_parent=self.unit)
        self.unit.refresh_from_db()
        self.assertIsNone(self.unit.parent)


class UnitMergeTests(BaseTestCase):
    def test_merge_moves_members_children_groups_and_names(self):
        child = services.unit_create(actor=self.admin, name="下属单位", kind="other", parent=self.other_unit)
        group = UnitGroup.objects.create(code="g", name="成员单位")
        group.members.add(self.other_unit)
        services.unit_merge(actor=self.admin, source=self.other_unit, target=self.unit)
        self.other_unit.refresh_from_db()
        self.unit.refresh_from_db()
        child.refresh_from_db()
        self.assertFalse(self.other_unit.is_active)
        self.assertEqual(self.other_unit.merged_into, self.unit)
        self.assertEqual(child.parent, self.unit)
        self.assertTrue(Membership.objects.filter(user=self.other, unit=self.unit).exists())
        self.assertIn("吉林省商务厅", self.unit.aliases)
        self.assertIn("省商务厅", self.unit.aliases)
        self.assertEqual(list(group.members.all()), [self.unit])
        self.assertEqual(AuditEvent.objects.filter(action__startswith="unit.merge").count(), 2)

    def test_merge_into_itself_or_a_descendant_is_refused(self):
        with self.assertRaises(InvalidInput):
            services.unit_merge(actor=self.admin, source=self.unit, target=self.unit)
        services.unit_move(actor=self.admin, unit=self.third_unit, new_parent=self.unit)
        with self.assertRaises(InvalidInput):
            services.unit_merge(actor=self.admin, source=self.unit, target=self.third_unit)

    def test_registered_work_moves_too(self):
        moved = []
        work._movers.append(lambda a, b: moved.append((a, b)) or 3)
        try:
            services.unit_merge(actor=self.admin, source=self.other_unit, target=self.unit)
        finally:
            work._movers.pop()
        self.assertEqual(moved, [(self.other_unit.pk, self.unit.pk)])
        ev = AuditEvent.objects.get(action="unit.merge")
        self.assertEqual(ev.after["moved"]["work"], 3)


class UnitDeactivateDeleteTests(BaseTestCase):
    def test_deactivate_and_reactivate(self):
        services.unit_deactivate(actor=self.admin, unit=self.other_unit)
        self.other_unit.refresh_from_db()
        self.assertFalse(self.other_unit.is_active)
        with self.assertRaises(InvalidState):
            services.unit_deactivate(actor=self.admin, unit=self.other_unit)
        services.unit_reactivate(actor=self.admin, unit=self.other_unit)
        self.other_unit.refresh_from_db()
        self.assertTrue(self.other_unit.is_active)

    def test_a_unit_with_active_children_cannot_be_deactivated(self):
        with self.assertRaises(InvalidState):
            services.unit_deactivate(actor=self.admin, unit=self.group)

    def test_a_unit_holding_work_is_not_deleted(self):
        with self.assertRaisesMessage(InvalidState, "吉林省商务厅"):
            services.unit_delete(actor=self.admin, unit=self.other_unit)
        self.assertTrue(Unit.objects.filter(pk=self.other_unit.pk).exists())

    def test_registered_work_blocks_deletion(self):
        empty = services.unit_create(actor=self.admin, name="空单位", kind="other")
        work._counters.append(("任务", lambda unit_id: 2 if unit_id == empty.pk else 0))
        try:
            with self.assertRaisesMessage(InvalidState, "任务 2"):
                services.unit_delete(actor=self.admin, unit=empty)
        finally:
            work._counters.pop()
        self.assertTrue(Unit.objects.filter(pk=empty.pk).exists())

    def test_an_empty_unit_is_deleted_and_audited(self):
        empty = services.unit_create(actor=self.admin, name="空单位", kind="other")
        services.unit_delete(actor=self.admin, unit=empty)
        self.assertFalse(Unit.objects.filter(pk=empty.pk).exists())
        ev = AuditEvent.objects.get(action="unit.delete")
        self.assertEqual(ev.object_repr, "空单位")
        self.assertEqual(ev.before["name"], "空单位")
