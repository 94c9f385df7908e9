import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase, TransactionTestCase

from duban.audit.models import AuditEvent
from duban.org import services
from duban.org.models import Membership, Unit, UnitGroup, User


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class DemoTests(TestCase):
    def test_demo_loads_real_units_and_one_user_per_role_and_is_idempotent(self):
        out = run("demo")
        for username in ("admin", "leader", "fgw-reporter", "fgw-head", "multi-staff"):
            self.assertIn(username, out)
        self.assertIn("Jilin#2014", out)
        prefectures = set(Unit.objects.filter(kind="prefecture").values_list("short_name", flat=True))
        self.assertEqual(len(prefectures), 9)
        self.assertIn("延边州政府", prefectures)
        for name in (
            "珲春市人民政府",
            "延吉市人民政府",
            "图们市人民政府",
            "龙井市人民政府",
            "敦化市人民政府",
            "和龙市人民政府",
        ):
            self.assertTrue(Unit.objects.filter(name=name).exists(), name)
        office = Unit.objects.get(short_name="省长吉图办")
        self.assertEqual(office.kind, "office")
        group = UnitGroup.objects.get(name="各市(州)人民政府")
        self.assertEqual(group.members.count(), 9)
        self.assertTrue(any("领导小组成员单位" in g.aliases for g in UnitGroup.objects.all()))
        multi = User.objects.get(username="multi-staff")
        self.assertEqual(multi.memberships.count(), 2)
        counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
        services.unit_update(
            actor=None,
            unit=office,
            version=office.version,
            name=office.name + "（改）",
            short_name="省长吉图办",
            aliases=office.aliases,
            kind="office",
        )
        run("demo", "--quiet-logins")
        self.assertEqual((Unit.objects.count(), User.objects.count(), Membership.objects.count()), counts)
        self.assertTrue(Unit.objects.filter(name__endswith="（改）").exists(), "a re-run must keep edits")


class CreateAdminTests(TestCase):
    def test_it_creates_an_office_admin(self):
        out = run("createadmin", "--username", "boss", "--password", "Very-long-pass-1")
        self.assertIn("boss", out)
        user = User.objects.get(username="boss")
        self.assertTrue(Membership.objects.filter(user=user, role="admin", unit__kind="office").exists())
        ev = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
        self.assertEqual(ev.source, "cli")

    def test_a_taken_username_is_a_clear_error(self):
        run("createadmin", "--username", "boss", "--password", "Very-long-pass-1")
        with self.assertRaisesMessage(CommandError, "boss"):
            run("createadmin", "--username", "boss", "--password", "Very-long-pass-1")


class BackupRestoreTests(TransactionTestCase):
    def state(self):
        return {
            "units": sorted(
                Unit.objects.values_list("id", "name", "short_name", "parent_id", "is_active", "version")
            ),
            "users": sorted(User.objects.values_list("id", "username", "password", "full_name")),
            "memberships": sorted(Membership.objects.values_list("user_id", "unit_id", "role")),
            "groups": sorted(
                (g.name, tuple(sorted(g.members.values_list("id", flat=True))))
                for g in UnitGroup.objects.all()
            ),
            "audit": AuditEvent.objects.count(),
        }

    def test_round_trip_loses_nothing(self):
        run("demo", "--quiet-logins")
        unit = Unit.objects.get(short_name="省商务厅")
        services.unit_merge(actor=None, source=unit, target=Unit.objects.get(short_name="省口岸办"))
        from django.conf import settings

        media = Path(settings.MEDIA_ROOT)
        (media / "reports").mkdir(parents=True, exist_ok=True)
        (media / "reports" / "证据.pdf").write_bytes(b"%PDF-1.4 evidence")
        before = self.state()
        path = Path(settings.MEDIA_ROOT).parent / "b.zip"
        self.assertIn("backup written", run("backup", str(path)))
        # the data changes after the backup …
        services.unit_create(actor=None, name="备份之后的单位", kind="other")
        User.objects.filter(username="admin").delete()
        (media / "reports" / "证据.pdf").unlink()
        # … a dry run changes nothing …
        self.assertIn("--yes", run("restore", str(path)))
        self.assertTrue(Unit.objects.filter(name="备份之后的单位").exists())
        # … and the restore brings back exactly the backed-up state
        self.assertIn("restored", run("restore", str(path), "--yes"))
        self.assertEqual(self.state(), before)
        self.assertEqual((media / "reports" / "证据.pdf").read_bytes(), b"%PDF-1.4 evidence")
        # new rows get fresh ids after a restore (sequences were reset)
        u = services.unit_create(actor=None, name="恢复之后的单位", kind="other")
        self.assertGreater(u.pk, max(i[0] for i in before["units"]))

    def test_a_corrupt_file_is_refused_and_changes_nothing(self):
        run("demo", "--quiet-logins")
        before = self.state()
        from django.conf import settings

        bad = Path(settings.MEDIA_ROOT).parent / "bad.zip"
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_bytes(b"this is not a zip")
        with self.assertRaisesMessage(CommandError, "corrupt"):
            run("restore", str(bad), "--yes")
        with self.assertRaisesMessage(CommandError, "not found"):
            run("restore", str(bad) + ".missing", "--yes")
        self.assertEqual(self.state(), before)

    def test_a_backup_from_another_version_is_refused(self):
        run("demo", "--quiet-logins")
        from django.conf import settings

        path = Path(settings.MEDIA_ROOT).parent / "old.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        run("backup", str(path))
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            data = zf.read("data.json")
        manifest["migrations"]["org"] = ["0001_initial", "0099_future"]
        manifest["duban_version"] = "9.9"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("manifest.json", json.dumps(manifest))
            zf.writestr("data.json", data)
        before = self.state()
        with self.assertRaisesMessage(CommandError, "another version"):
            run("restore", str(path), "--yes")
        self.assertEqual(self.state(), before)

    def test_a_backup_whose_data_fails_to_load_changes_nothing(self):
        run("demo", "--quiet-logins")
        from django.conf import settings

        path = Path(settings.MEDIA_ROOT).parent / "broken.zip"
        path.parent.mkdir(parents=True, exist_ok=True)
        run("backup", str(path))
        with zipfile.ZipFile(path) as zf:
            manifest = zf.read("manifest.json")
            rows = json.loads(zf.read("data.json"))
        rows.append(
            {
                "model": "org.membership",
                "pk": 99999,
                "fields": {"user": 424242, "unit": 1, "role": "reporter"},
            }
        )
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("manifest.json", manifest)
            zf.writestr("data.json", json.dumps(rows))
        before = self.state()
        with self.assertRaisesMessage(CommandError, "not changed"):
            run("restore", str(path), "--yes")
        self.assertEqual(self.state(), before)


class ConsoleScriptTests(TestCase):
    def test_duban_is_installed_and_bilingual_on_errors(self):
        exe = Path(sys.executable).parent / "duban"
        self.assertTrue(exe.exists())
        r = subprocess.run(
            [str(exe), "restore", "/nonexistent.zip", "--yes"], capture_output=True, text=True, timeout=120
        )
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("找不到备份文件", r.stderr)
        self.assertIn("not found", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


class ParseCommandTests(TestCase):
    def test_duban_parse_prints_the_contract_and_the_text_tree(self):
        exe = Path(sys.executable).parent / "duban"
        corpus = Path(__file__).resolve().parents[3] / "docparse" / "tests" / "corpus"
        doc = sorted(corpus.glob("01_*.txt"))[0]
        r = subprocess.run([str(exe), "parse", str(doc)], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        self.assertTrue(data["sections"])
        r = subprocess.run(
            [str(exe), "parse", str(doc), "--format", "text"], capture_output=True, text=True, timeout=120
        )
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("›", r.stdout)

    def test_bad_input_exits_2_with_one_bilingual_line(self):
        exe = Path(sys.executable).parent / "duban"
        r = subprocess.run(
            [str(exe), "parse", "/nonexistent.txt"], capture_output=True, text=True, timeout=120
        )
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        self.assertNotIn("Traceback", r.stderr)
