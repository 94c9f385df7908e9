"""`duban audit …`: verify the hash chain, export a date range, prune past the retention time.

duban audit verify [--file EXPORT.json]      exit 0 when the chain is whole, 1 at the first broken link
duban audit export FILE [--from D] [--to D] [--format csv|xlsx|json]
duban audit prune [--days N | --before D] [--commit]   a dry run unless --commit
"""

import json
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from duban.audit import exports
from duban.audit.chain import audit_seal, audit_verify
from duban.audit.models import AuditEvent
from duban.audit.retention import audit_prune, audit_prune_plan, retention_cutoff
from duban.audit.services import audit_record
from duban.core.management.base import DubanCommand


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD / a date is YYYY-MM-DD, got {text!r}") from None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime.min))


class Command(DubanCommand):
    help = "The tamper-evident audit log: verify, export, prune. / 审计日志：校验哈希链、导出、清理过期记录。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))
        v = sub.add_parser("verify", help="check every event's hash and link / 校验哈希链")
        v.add_argument("--file", help="check an exported JSON file instead of the database / 校验导出的 JSON")
        e = sub.add_parser("export", help="write a date range to CSV, Excel or JSON / 导出")
        e.add_argument("file")
        e.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD (Asia/Shanghai)")
        e.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (inclusive)")
        e.add_argument("--format", choices=exports.FORMATS, help="default: from the file's extension")
        p = sub.add_parser("prune", help="remove events past the retention time / 清理过期记录")
        p.add_argument("--days", type=int, help="keep this many days (default DUBAN_AUDIT_RETENTION_DAYS)")
        p.add_argument("--before", help="remove events before this day, YYYY-MM-DD")
        p.add_argument("--commit", action="store_true", help="really remove (default: a dry run) / 确认执行")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_verify(self, *, file=None, **options):
        if file:
            try:
                data = json.loads(Path(file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise CommandError(f"无法读取 {file} / cannot read {file}: {e}") from None
            checked, broken = exports.verify_exported(data)
            if broken:
                raise CommandError(
                    f"第 {broken[0]} 号事件校验失败 / event #{broken[0]}: {broken[1]} (after {checked} good)"
                )
            self.stdout.write(
                self.style.SUCCESS(f"导出文件完整 / the exported chain is whole: {checked} events")
            )
            return
        started = time.monotonic()
        result = audit_verify()
        seconds = time.monotonic() - started
        for note in result.notes:
            self.stdout.write(note)
        rate = result.checked / seconds if seconds > 0 else 0
        summary = (
            f"{result.checked} events (#{result.first_seq}…#{result.last_seq}) in {seconds:.2f} s, "
            f"{rate:,.0f} events/s"
        )
        if result.checkpoint_seq is not None:
            summary += f"; pruned up to #{result.checkpoint_seq} (checkpoint)"
        if not result.ok:
            seq, event_id, reason = result.broken  # type: ignore[misc]
            where = f"#{seq} (id {event_id})" if event_id else (f"#{seq}" if seq else "")
            raise CommandError(
                f"审计日志哈希链断裂 / the audit chain is broken at {where}: {reason}. "
                f"Checked before it: {summary}"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完整 / the audit chain is whole: {summary}"))
        self.stdout.write(f"head hash: {result.last_hash}")

    def handle_export(self, *, file, date_from=None, date_to=None, format=None, **options):
        path = Path(file)
        fmt = format or path.suffix.lstrip(".").lower()
        if fmt not in exports.FORMATS:
            raise CommandError(f"格式应为 csv、xlsx 或 json / the format is csv, xlsx or json, got {fmt!r}")
        audit_seal()
        qs = AuditEvent.objects.all()
        if date_from:
            qs = qs.filter(created_at__gte=_start_of(_date(date_from)))
        if date_to:
            qs = qs.filter(created_at__lt=_start_of(_date(date_to) + timedelta(days=1)))
        meta = {"from": date_from, "to": date_to, "exported_at": timezone.now().isoformat()}
        data, n = exports.export(qs, fmt, meta=meta)
        try:
            path.write_bytes(data)
        except OSError as e:
            raise CommandError(f"无法写入 {path} / cannot write {path}: {e}") from None
        audit_record(
            actor=None,
            action="audit.export",
            object_type="audit.auditevent",
            object_repr=f"{date_from or '…'} – {date_to or '…'} ({fmt})",
            after={"from": date_from, "to": date_to, "format": fmt, "count": n},
        )
        self.stdout.write(self.style.SUCCESS(f"已导出 {n} 条 / exported {n} events to {path}"))

    def handle_prune(self, *, days=None, before=None, commit=False, **options):
        if before:
            cutoff = _start_of(_date(before))
        else:
            cutoff = retention_cutoff(days)
            if cutoff is None:
                self.stdout.write(
                    "审计日志永久保留，无需清理 / the audit log is kept for ever (DUBAN_AUDIT_RETENTION_DAYS=0)"
                )
                return
        if not commit:
            plan = audit_prune_plan(before=cutoff)
            self.stdout.write(
                f"将删除 {plan.count} 条早于 {cutoff:%Y-%m-%d} 的事件 / would remove {plan.count} events before "
                f"{cutoff:%Y-%m-%d}. Export them first (duban audit export …), then run again with --commit."
            )
            return
        plan = audit_prune(actor=None, before=cutoff)
        self.stdout.write(
            self.style.SUCCESS(
                f"已删除 {plan.count} 条 / removed {plan.count} events (up to #{plan.last_seq}); the chain "
                "still verifies from the checkpoint"
            )
        )
