from pathlib import Path

from django.core.management.base import CommandError

from duban.core.backup import BackupError, create_backup
from duban.core.management.base import DubanCommand


class Command(DubanCommand):
    help = (
        "Write a backup of all data and uploaded files to FILE (a zip). / 备份全部数据和附件到一个 zip 文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            manifest = create_backup(Path(file))
        except (BackupError, OSError) as e:
            raise CommandError(str(e)) from e
        total = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"备份完成 / backup written: {file} ({total} records / 条记录)"))
