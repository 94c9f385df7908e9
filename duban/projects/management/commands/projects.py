"""`duban projects …`: proposals from a plan, and the key-project ledger in Excel.

duban projects propose PLAN [--dry-run] [--json]   PLAN is the plan's id (or its year)
duban projects export --out FILE.xlsx [--year Y]
duban projects import FILE.xlsx [--dry-run] [--year Y] [--user USERNAME]
"""

import json
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.errors import InvalidInput, NotFound
from duban.core.management.base import DubanCommand
from duban.org.models import Membership, User
from duban.plans.models import Plan
from duban.projects import ledger, services
from duban.projects.models import Project

NO_PLAN = _("There is no plan “%(plan)s”. Give its id or its year.")
NO_SUCH_FILE = _("There is no file %(path)s.")
NO_ADMIN = _("No office admin to act as: create one (duban createadmin) or give --user.")
NO_USER = _("There is no user “%(name)s”.")


def _plan(ref: str) -> Plan:
    plan = None
    if ref.isdigit():
        plan = Plan.objects.filter(pk=int(ref)).first() or Plan.objects.filter(year=int(ref)).first()
    if plan is None:
        raise NotFound(NO_PLAN, params={"plan": ref})
    return plan


def _actor(username: str = "") -> User:
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise NotFound(NO_USER, params={"name": username})
        return user
    user = User.objects.filter(memberships__role=Membership.Role.ADMIN, is_active=True).first()
    user = user or User.objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        raise InvalidInput(NO_ADMIN)
    return user


class Command(DubanCommand):
    help = (
        "Key projects: propose them from a plan, export and import the ledger. / "
        "重点项目：从工作要点中提出项目，导出、导入重点项目台账。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        p = sub.add_parser("propose", help="propose the plan's key projects / 从工作要点提出重点项目")
        p.add_argument("plan", help="the plan's id or year")
        p.add_argument(
            "--dry-run", action="store_true", help="list the candidates, write nothing / 只列出不写入"
        )
        p.add_argument("--json", action="store_true", help="print JSON")
        e = sub.add_parser("export", help="write the ledger / 导出台账")
        e.add_argument("--out", required=True)
        e.add_argument("--year", type=int, default=0)
        i = sub.add_parser("import", help="check and import the ledger, all or nothing / 校验并导入台账")
        i.add_argument("file")
        i.add_argument("--dry-run", action="store_true", help="check only / 只校验不写入")
        i.add_argument("--year", type=int, default=0)
        i.add_argument("--user", default="", help="import as this user (an office admin)")

    def handle(self, *args, action, **options):
        return getattr(self, f"handle_{action}")(**options) or ""

    def handle_propose(self, *, plan, dry_run, json: bool, **_):
        plan_obj = _plan(plan)
        proposals = services.proposals_for(plan_obj)
        if json:
            self.stdout.write(_dumps([p.as_dict() for p in proposals]))
        else:
            for p in proposals:
                self.stdout.write(
                    f"{p.name}\t{p.kind}\t{'、'.join(p.item_keys)}\t{'—'.join(x.name for x in p.places) or '-'}"
                )
        if not dry_run:
            out = services.candidates_propose(actor=_actor(), plan=plan_obj)
            self.stderr.write(
                f"已写入 / written: {out['created']} new / 新增, {out['updated']} refreshed / 更新 "
                f"({out['proposals']} candidates / 个候选)"
            )
        else:
            self.stderr.write(
                f"{len(proposals)} candidates, nothing written / 共 {len(proposals)} 个候选，未写入"
            )

    def handle_export(self, *, out, year, **_):
        year = year or timezone.localdate().year
        data = ledger.export_ledger(Project.objects.all(), year)
        Path(out).write_bytes(data)
        self.stderr.write(f"{Project.objects.count()} projects → {out}")

    def handle_import(self, *, file, dry_run, year, user, **_):
        path = Path(file)
        if not path.is_file():
            raise NotFound(NO_SUCH_FILE, params={"path": file})
        year = year or timezone.localdate().year
        result = ledger.import_ledger(actor=_actor(user), data=path.read_bytes(), year=year, dry_run=dry_run)
        for e in result.errors:
            self.stdout.write(f"{e.sheet} 第{e.row}行 {e.column}: {e.message}")
        if not result.ok:
            from django.core.management.base import CommandError

            raise CommandError(
                f"{len(result.errors)} errors, nothing changed / {len(result.errors)} 处错误，未做任何修改"
            )
        if dry_run:
            self.stderr.write(
                f"{len(result.rows)} rows OK, nothing written (dry run) / {len(result.rows)} 行无误，未写入"
            )
        else:
            self.stderr.write(f"{len(result.rows)} rows imported, {result.changes} projects changed / 已导入")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
