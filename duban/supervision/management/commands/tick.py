import json
import time

from django.utils import timezone

from duban.core.management.base import DubanCommand
from duban.supervision.services import tick


class Command(DubanCommand):
    help = (
        "Send the reminders (催办) and open the scheduled rounds that are due. Idempotent. "
        "--dry-run lists what would be sent. / 发送到期的催办并开启计划中的反馈；可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--loop", type=int, default=0, help="run every N seconds (for the worker) / 每 N 秒运行一次"
        )
        parser.add_argument(
            "--date", help="evaluate as of this day (YYYY-MM-DD), for checks and tests / 按指定日期计算"
        )

    def handle(self, *args, dry_run, json: bool, loop, date, **options):
        import datetime

        from django.core.management.base import CommandError

        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"日期无效 / bad date: {date}") from None
        while True:
            self.once(dry_run=dry_run, as_json=json, day=day)
            if not loop:
                return
            time.sleep(loop)

    def once(self, *, dry_run: bool, as_json: bool, day=None) -> None:
        from duban.reports.services import schedules_run

        day = day or timezone.localdate()
        opened = [] if dry_run else schedules_run(today=day)
        reminders = tick(dry_run=dry_run, today=day)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "date": day.isoformat(),
                        "dry_run": dry_run,
                        "rounds_opened": [r.pk for r in opened],
                        "reminders": reminders,
                    },
                    ensure_ascii=False,
                )
            )
            return
        verb = "would send / 将发送" if dry_run else "sent / 已发送"
        self.stdout.write(
            f"{verb} {len(reminders)} reminders / 条催办; rounds opened / 开启反馈 {len(opened)}"
        )
        for r in reminders:
            self.stdout.write(f"  {r['level']:<6} {r['title']}")
