"""The tamper-evident audit log (issue 12, item 14): the hash chain, `duban audit verify`, pruning with a
checkpoint, exports, concurrent writers, the migration that chains old events, backup and restore."""

import io
import itertools
import json
import threading
import unittest
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from duban.audit import chain
from duban.audit.chain import audit_seal, audit_verify
from duban.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from duban.audit.retention import audit_prune
from duban.audit.services import audit_record
from duban.core.errors import InvalidInput
from duban.core.testing import BaseTestCase
from duban.org import services
from duban.org.models import Unit


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write_events(n: int, prefix: str = "单位") -> None:
    for i in range(n):
        services.unit_create(actor=None, name=f"{prefix}{i}", kind="other")


class ChainTests(TestCase):
    def setUp(self):
        write_events(6)
        audit_seal()

    def test_events_are_chained_in_order(self):
        events = list(AuditEvent.objects.order_by("seq"))
        self.assertEqual([e.seq for e in events], list(range(1, 7)))
        self.assertEqual(events[0].prev_hash, "")
        for before, after in itertools.pairwise(events):
            self.assertEqual(after.prev_hash, before.hash)
        head = AuditChainHead.objects.get()
        self.assertEqual((head.last_seq, head.last_hash), (6, events[-1].hash))
        result = audit_verify()
        self.assertTrue(result.ok)
        self.assertEqual((result.checked, result.first_seq, result.last_seq), (6, 1, 6))

    def test_a_changed_event_is_the_first_broken_link(self):
        ev = AuditEvent.objects.get(seq=4)
        AuditEvent.objects.filter(pk=ev.pk).update(after={**ev.after, "name": "篡改"})
        result = audit_verify()
        self.assertEqual(result.broken, (4, ev.pk, chain.BROKEN_CONTENT))
        self.assertEqual(result.checked, 3)

    def test_changing_any_hashed_field_is_seen(self):
        ev = AuditEvent.objects.get(seq=2)
        for change in (
            {"created_at": ev.created_at + timedelta(microseconds=1)},
            {"actor_name": "别人"},
            {"action": "unit.delete"},
            {"ip": "10.0.0.1"},
            {"unit_id": ev.unit_id + 1},
            {"object_repr": ev.object_repr + " "},
        ):
            with self.subTest(change=change), transaction.atomic():
                AuditEvent.objects.filter(pk=ev.pk).update(**change)
                self.assertEqual(audit_verify(seal=False).broken[0], 2)
                transaction.set_rollback(True)
        self.assertTrue(audit_verify().ok)

    def test_a_recomputed_hash_still_breaks_the_next_link(self):
        ev = AuditEvent.objects.get(seq=3)
        ev.object_repr = "伪造"
        row = {f: getattr(ev, f) for f in chain.HASH_FIELDS}
        AuditEvent.objects.filter(pk=ev.pk).update(
            object_repr="伪造", hash=chain.event_digest(ev.prev_hash, row)
        )
        self.assertEqual(audit_verify().broken[:1], (4,))
        self.assertEqual(audit_verify().broken[2], chain.BROKEN_LINK)

    def test_a_removed_event_leaves_a_gap(self):
        AuditEvent.objects.filter(seq=3).delete()
        result = audit_verify()
        self.assertEqual(result.broken[0], 4)
        self.assertIn("from 2 to 4", result.broken[2])

    def test_removed_last_events_are_seen_at_the_head(self):
        AuditEvent.objects.filter(seq__gte=5).delete()
        result = audit_verify()
        self.assertIsNone(result.broken[0])
        self.assertIn("head is at 6", result.broken[2])

    def test_events_of_a_rolled_back_transaction_leave_no_trace(self):
        try:
            with transaction.atomic():
                services.unit_create(actor=None, name="回滚", kind="other")
                raise RuntimeError
        except RuntimeError:
            pass
        write_events(1, "之后")
        self.assertTrue(audit_verify().ok)
        self.assertEqual(AuditEvent.objects.count(), 7)


class PruneTests(TestCase):
    def setUp(self):
        old = timezone.now() - timedelta(days=400)
        for i in range(5):
            ev = audit_record(actor=None, action="unit.create", object_type="org.unit", object_repr=f"旧{i}")
            AuditEvent.objects.filter(pk=ev.pk).update(created_at=old + timedelta(minutes=i))
        write_events(3, "新")

    def test_pruning_keeps_a_verifiable_chain_from_the_checkpoint(self):
        plan = audit_prune(actor=None, before=timezone.now() - timedelta(days=200))
        self.assertEqual((plan.count, plan.last_seq), (5, 5))
        self.assertEqual(AuditEvent.objects.filter(object_repr__startswith="旧").count(), 0)
        cp = AuditCheckpoint.objects.get()
        self.assertEqual((cp.last_seq, cp.count), (5, 5))
        result = audit_verify()
        self.assertTrue(result.ok, result.broken)
        self.assertEqual((result.first_seq, result.checkpoint_seq, result.checked), (6, 5, 4))
        prune_event = AuditEvent.objects.get(action="audit.prune")
        self.assertEqual(prune_event.after["last_hash"], cp.last_hash)

    def test_a_forged_checkpoint_is_seen(self):
        audit_prune(actor=None, before=timezone.now() - timedelta(days=200))
        # Someone deletes more events and moves the checkpoint to hide it.
        AuditEvent.objects.filter(seq=6).delete()
        nxt = AuditEvent.objects.get(seq=7)
        AuditCheckpoint.objects.update(last_seq=6, last_hash=nxt.prev_hash)
        self.assertEqual(audit_verify().broken[2], chain.BROKEN_CHECKPOINT)

    def test_the_minimum_retention_is_kept(self):
        with self.assertRaises(InvalidInput):
            audit_prune(actor=None, before=timezone.now() - timedelta(days=30))
        self.assertEqual(AuditEvent.objects.count(), 8)

    def test_the_command_is_a_dry_run_unless_committed(self):
        out = run("audit", "prune", "--days", "365")
        self.assertIn("would remove 5 events", out)
        self.assertEqual(AuditEvent.objects.count(), 8)
        self.assertIn("removed 5 events", run("audit", "prune", "--days", "365", "--commit"))
        self.assertIn("kept for ever", run("audit", "prune"))
        with self.assertRaisesMessage(CommandError, "180"):
            run("audit", "prune", "--days", "30", "--commit")


class VerifyCommandTests(TestCase):
    def test_it_reports_whole_and_broken_chains(self):
        write_events(3)
        out = run("audit", "verify")
        self.assertIn("the audit chain is whole: 3 events", out)
        self.assertIn("events/s", out)
        ev = AuditEvent.objects.get(seq=2)
        AuditEvent.objects.filter(pk=ev.pk).update(actor_name="篡改者")
        with self.assertRaisesMessage(CommandError, f"broken at #2 (id {ev.pk}): content changed"):
            run("audit", "verify")


class ExportTests(BaseTestCase):
    def setUp(self):
        services.unit_create(actor=self.admin, name='=HYPERLINK("http://x","点我")', kind="other")
        write_events(2)

    def test_the_command_exports_each_format_and_json_verifies(self):
        folder = Path(settings.MEDIA_ROOT).parent / "audit-export"
        folder.mkdir(parents=True, exist_ok=True)
        # Each export is itself an audit event, so each file has one event more than the one before.
        for n, fmt in enumerate(("json", "csv", "xlsx"), start=3):
            self.assertIn(f"exported {n} events", run("audit", "export", str(folder / f"log.{fmt}")))
        rows = (folder / "log.csv").read_text(encoding="utf-8-sig").splitlines()
        self.assertEqual(len(rows), 5)
        self.assertIn("'=HYPERLINK", rows[1])  # never a live formula
        ws = load_workbook(folder / "log.xlsx").active
        cell = next(c for c in ws[2] if str(c.value).startswith("=HYPERLINK"))
        self.assertEqual(cell.data_type, "s")  # stored as text, not as a formula
        self.assertEqual(ws[2][0].value, 1)
        self.assertIn(
            "the exported chain is whole: 3 events",
            run("audit", "verify", "--file", str(folder / "log.json")),
        )
        data = json.loads((folder / "log.json").read_text())
        data["events"][1]["object_repr"] = "改过"
        (folder / "bad.json").write_text(json.dumps(data))
        with self.assertRaisesMessage(CommandError, "event #2"):
            run("audit", "verify", "--file", str(folder / "bad.json"))
        self.assertEqual(AuditEvent.objects.filter(action="audit.export").count(), 3)

    def test_the_audit_admin_exports_a_date_range_from_the_page(self):
        self.login(self.auditor)
        today = timezone.localdate().isoformat()
        r = self.client.get(reverse("audit-export"), {"format": "json", "date_from": today, "date_to": today})
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        events = json.loads(r.content)["events"]
        self.assertGreaterEqual(len(events), 3)
        self.assertEqual([e["seq"] for e in events], sorted(e["seq"] for e in events))
        r = self.client.get(reverse("audit-export"), {"format": "json", "date_to": "2000-01-01"})
        self.assertEqual(json.loads(r.content)["events"], [])
        ev = AuditEvent.objects.filter(action="audit.export").latest("id")
        self.assertEqual(ev.actor_id, self.auditor.pk)


class ConcurrentWritersTests(TransactionTestCase):
    """Writers in parallel threads (each its own database connection, as in gunicorn's workers) build
    one linear chain: every event chained once, no sequence number twice, every link right."""

    THREADS = 6
    EACH = 15

    def test_parallel_writers_build_one_chain(self):
        errors: list[BaseException] = []
        start = threading.Barrier(self.THREADS)

        def writer(k: int) -> None:
            try:
                start.wait()
                for i in range(self.EACH):
                    with transaction.atomic():
                        services.unit_create(actor=None, name=f"并发{k}-{i}", kind="other")
            except BaseException as e:
                errors.append(e)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(self.THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        total = self.THREADS * self.EACH
        self.assertEqual(AuditEvent.objects.count(), total)
        # Chained right after each commit: nothing waits for a later sealing.
        self.assertEqual(AuditEvent.objects.filter(seq=None).count(), 0)
        self.assertEqual(sorted(AuditEvent.objects.values_list("seq", flat=True)), list(range(1, total + 1)))
        result = audit_verify(seal=False)
        self.assertTrue(result.ok, result.broken)
        self.assertEqual(result.checked, total)


class ChainMigrationTests(TransactionTestCase):
    """The migration that adds the chain chains the events written before it, in the order written."""

    def test_existing_events_are_chained(self):
        executor = MigrationExecutor(connection)
        executor.migrate([("audit", "0002_initial")])
        old = MigrationExecutor(connection).loader.project_state(("audit", "0002_initial")).apps
        Event = old.get_model("audit", "AuditEvent")
        for i in range(4):
            Event.objects.create(
                action="unit.create", object_type="org.unit", object_repr=f"旧{i}", after={"i": i}
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        self.assertEqual(
            sorted(AuditEvent.objects.values_list("seq", "object_repr")),
            [(i + 1, f"旧{i}") for i in range(4)],
        )
        self.assertTrue(audit_verify().ok)


class BackupRestoreKeepsTheChainTests(TransactionTestCase):
    # Fails until the backup keeps datetimes to the microsecond (issue 12, item 4, on the backup branch):
    # Django's JSON serializer cuts them to milliseconds, so every restored event's time differs from the
    # one its hash covers. With microseconds kept (checked by patching the encoder) the test passes; then
    # this decorator makes the suite fail as an unexpected success, to be removed at the merge.
    @unittest.expectedFailure
    def test_a_restored_backup_still_verifies(self):
        write_events(3, "备份前")
        services.user_create(actor=None, username="backup-user", password="Backup-pass-2014")
        before = audit_verify()
        self.assertTrue(before.ok)
        path = Path(settings.MEDIA_ROOT).parent / "audit-chain.zip"
        run("backup", str(path))
        services.unit_create(actor=None, name="备份后", kind="other")
        run("restore", str(path), "--yes")
        self.assertFalse(Unit.objects.filter(name="备份后").exists())
        after = audit_verify()
        self.assertTrue(after.ok, after.broken)
        self.assertEqual((after.checked, after.last_hash), (before.checked, before.last_hash))
        # … and the chain goes on from the restored head.
        services.unit_create(actor=None, name="恢复后", kind="other")
        self.assertTrue(audit_verify().ok)
