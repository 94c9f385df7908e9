from pathlib import Path

from django.core.management.base import CommandError

from duban.core.errors import DubanError
from duban.core.management.base import DubanCommand
from duban.core.uploads import SPREADSHEET, check_upload
from duban.plans import services
from duban.plans.models import Plan


class Command(DubanCommand):
    help = (
        "Import an edited 分工 spreadsheet into a plan. Without --commit only checks it and lists the changes. / "
        "导入修改后的任务分工表；不加 --commit 时只检查并列出变化。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        imp = sub.add_parser("import", help="check and apply an edited sheet / 检查并导入")
        imp.add_argument("file")
        imp.add_argument("--plan", type=int, required=True)
        imp.add_argument("--commit", action="store_true", help="apply the changes / 应用修改")

    def handle(self, *args, what, file, plan, commit, **options):
        p = Plan.objects.filter(pk=plan).first()
        if p is None:
            raise CommandError(f"找不到计划 / no plan with id {plan}")
        checked = check_upload(Path(file), door=SPREADSHEET)  # refused: one line, nothing written
        from duban.org.models import User

        actor = (
            User.objects.filter(is_superuser=True).first()
            or User.objects.filter(memberships__role="admin").first()
        )
        if actor is None:
            raise CommandError("没有督办管理员账号 / there is no office admin account (duban createadmin)")
        upload = services.division_upload_create(
            actor=actor, plan=p, source_name=Path(file).name, data=checked.data
        )
        for err in upload.errors:
            self.stderr.write(f"{err['sheet']}!{err['column']}{err['row']}: {err['message']}")
        if upload.errors:
            raise CommandError(
                f"{len(upload.errors)} 处错误，未做任何修改 / {len(upload.errors)} errors, nothing changed"
            )
        for c in upload.changes:
            b, a = c["before_text"], c["after_text"]
            self.stdout.write(
                f"  row {c['row']} {c['key']}: {b['lead'] or '—'} → {a['lead'] or '—'}; {b['cooperating']} → {a['cooperating']}; {b['due']} → {a['due']}"
            )
        if not commit:
            self.stdout.write(
                f"{len(upload.changes)} 行将修改；加 --commit 以应用 / {len(upload.changes)} rows would change: add --commit to apply"
            )
            return
        try:
            n = services.division_upload_apply(actor=actor, upload=upload)
        except DubanError as e:
            raise CommandError(e.bilingual()) from None
        self.stdout.write(self.style.SUCCESS(f"已应用 {n} 行 / applied {n} rows"))
