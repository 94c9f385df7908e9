"""`duban media sweep [--minutes 60] [--commit]`: list (or remove) media files no row refers to."""

import datetime

from django.conf import settings

from duban.core.management.base import DubanCommand
from duban.core.media import orphans


class Command(DubanCommand):
    help = (
        "Uploaded files that no record refers to (left by an upload that was killed): list them, or remove "
        "them with --commit. / 列出（加 --commit 则删除）没有任何记录引用的上传文件。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        sweep = sub.add_parser("sweep", help="orphaned uploads / 孤立的上传文件")
        sweep.add_argument(
            "--minutes", type=int, default=60, help="only files older than this / 只处理早于此时间的文件"
        )
        sweep.add_argument("--commit", action="store_true", help="remove them / 删除")

    def handle(self, *args, what, minutes, commit, **options):
        found = orphans(datetime.timedelta(minutes=max(0, minutes)))
        root = settings.MEDIA_ROOT
        for p in found:
            self.stdout.write(f"  {p.relative_to(root)}")
            if commit:
                p.unlink(missing_ok=True)
        verb = "已删除 / removed" if commit else "将删除（加 --commit） / would remove (add --commit)"
        self.stdout.write(f"{verb}: {len(found)} 个文件 / files")
