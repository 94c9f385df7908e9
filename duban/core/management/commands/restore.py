from pathlib import Path

from django.core.management.base import CommandError

from duban.core.backup import BackupError, read_manifest, restore_backup
from duban.core.management.base import DubanCommand


class Command(DubanCommand):
    help = (
        "Replace all data with a backup made by `duban backup`. Without --yes only checks the file. / "
        "用备份替换全部数据；不加 --yes 时只检查文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="really replace the current data / 确认替换当前数据"
        )

    def handle(self, *args, file, yes, **options):
        try:
            zf, manifest = read_manifest(Path(file))
            zf.close()
            total = sum(manifest["counts"].values())
            self.stdout.write(
                f"备份 / backup: duban {manifest['duban_version']}, {manifest['created_at']}, {total} records / 条记录"
            )
            if not yes:
                self.stdout.write(
                    "检查通过；加 --yes 以替换当前数据 / the file is valid: add --yes to replace the current data"
                )
                return
            result = restore_backup(Path(file))
        except BackupError as e:
            raise CommandError(str(e)) from e
        n = sum(result["restored"].values())
        self.stdout.write(self.style.SUCCESS(f"恢复完成 / restored: {n} records / 条记录"))
