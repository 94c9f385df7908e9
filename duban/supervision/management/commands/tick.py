import datetime
import json
import time

from django.core.management.base import CommandError
from django.utils import timezone

from duban.core.management.base import DubanCommand
from duban.supervision.services import tick


class Command(DubanCommand):
    help = (
        "The periodic work, in three named steps: (1) open the reporting rounds schedules call for today, "
        "(2) record the reminders (催办) due today, (3) send each person one message listing what waits for "
        "them (quiet hours, daily digests and the daily cap respected). Idempotent. Run it as its own "
        "process with --loop 300 (make run does). --dry-run lists the reminders that would be recorded. / "
        "定时任务，分三步：开启计划中的反馈轮次；记录今天到期的催办；按人合并发送（遵守免打扰时段、每日汇总和每日上限）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--loop", type=int, default=0, help="run every N seconds (the tick process) / 每 N 秒运行一次"
        )
        parser.add_argument(
            "--date", help="evaluate as of this day (YYYY-MM-DD), for checks and tests / 按指定日期计算"
        )

    def handle(self, *args, dry_run, json: bool, loop, date, **options):
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
        result = tick(today=day, dry_run=dry_run)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "date": (day or timezone.localdate()).isoformat(),
                        "dry_run": dry_run,
                        "rounds_opened": [r.pk for r in result.rounds_opened],
                        "reminders": [r.as_dict() for r in result.recorded],
                        "messages": result.messages,
                        "waiting": result.waiting,
                    },
                    ensure_ascii=False,
                )
            )
            return
        if dry_run:
            self.stdout.write(f"reminders that would be recorded / 将记录的催办: {len(result.recorded)}")
        else:
            self.stdout.write(
                f"1. rounds opened / 开启反馈轮次: {len(result.rounds_opened)}\n"
                f"2. reminders recorded / 记录催办: {len(result.recorded)}\n"
                f"3. messages sent / 发送消息: {result.messages}"
                f" (reminders waiting for quiet hours, digest or cap / 等待发送的催办: {result.waiting})"
            )
        for r in result.recorded:
            self.stdout.write(f"  {r.level:<6} {r.title}")
