"""The audit log's hash chain: every event carries the hash of the one before it.

An event is written by audit_record() inside the service's transaction; right after that transaction
commits, audit_seal() gives the new events their place in the chain (``seq``), the previous event's hash
(``prev_hash``) and their own (``hash``), under a lock on the one chain-head row, so concurrent writers
on SQLite and PostgreSQL alike build one line. Chaining after the commit (rather than inside the
writing transaction) keeps the head locked for milliseconds instead of for a whole service, and cannot
deadlock with the row locks services take.

The hash is SHA-256 over a canonical JSON of the event as it reads back from the database (UTC time to
the microsecond, JSON with sorted keys, the IP address as bytes), so it survives a backup and restore
onto SQLite or PostgreSQL. audit_verify() recomputes it and names the first broken link; pruning keeps
a checkpoint (the last removed event's place and hash) so what is kept still verifies.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

# The fields the hash covers, in this order; the version lets the canonical form change one day
# without making old events unverifiable.
HASH_VERSION = 1
HASH_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_name",
    "source",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "unit_id",
    "before",
    "after",
)
SEAL_BATCH = 2000


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical_ip(value: str | None) -> str | None:
    if not value:
        return None
    if ":" not in value:
        return value  # IPv4 has one text form (Django refuses leading zeros); IPv6 has several
    try:
        return ipaddress.ip_address(value).packed.hex()
    except ValueError:
        return value


def event_digest(prev_hash: str, row: dict[str, Any]) -> str:
    """The hash of one event (``row`` has HASH_FIELDS) chained to ``prev_hash``."""
    payload = [
        HASH_VERSION,
        prev_hash,
        row["seq"],
        _canonical_time(row["created_at"]),
        row["actor_id"],
        row["actor_name"],
        row["source"],
        _canonical_ip(row["ip"]),
        row["action"],
        row["object_type"],
        row["object_id"],
        row["object_repr"],
        row["unit_id"],
        row["before"],
        row["after"],
    ]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_chain_head(head_model):
    head = head_model.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                head_model.objects.create(pk=1)
        except IntegrityError:
            pass  # another process created it first
        head = head_model.objects.select_for_update().get(pk=1)
    return head


def seal_with(event_model, head_model, *, batch: int = SEAL_BATCH) -> int:
    """Chain every committed event not chained yet, oldest first. Returns how many were chained.
    Used by audit_seal() and by the migration that chains the events written before the chain existed."""
    from django.utils import timezone

    sealed = 0
    while True:
        with transaction.atomic():
            head = lock_chain_head(head_model)
            rows = list(
                event_model.objects.filter(seq=None).order_by("id").values("id", *HASH_FIELDS)[:batch]
            )
            if not rows:
                return sealed
            prev, seq = head.last_hash, head.last_seq
            updates = []
            for row in rows:
                seq += 1
                row["seq"] = seq
                digest = event_digest(prev, row)
                updates.append((seq, prev, digest, row["id"]))
                prev = digest
            # One prepared UPDATE per row (executemany): bulk_update's CASE expressions cost the square
            # of the batch size, which shows when the upgrade migration chains a large log.
            table = connection.ops.quote_name(event_model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                    updates,
                )
            head.last_seq, head.last_hash, head.updated_at = seq, prev, timezone.now()
            head.save(update_fields=["last_seq", "last_hash", "updated_at"])
            sealed += len(rows)
        if len(rows) < batch:
            return sealed  # a short batch was the last: no need to look again


def audit_seal() -> int:
    from duban.audit.models import AuditChainHead, AuditEvent

    return seal_with(AuditEvent, AuditChainHead)


def _seal_callback() -> None:
    audit_seal()


def seal_after_commit() -> None:
    """Ask for the events of the current transaction to be chained once it commits (once per
    transaction, however many events it writes). A rolled-back transaction drops the request with
    its events."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        audit_seal()
        return
    if any(func is _seal_callback for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_seal_callback, robust=True)


# --- verification ---------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str = ""
    unsealed: int = 0
    checkpoint_seq: int | None = None
    # The first broken link: (seq, event id, what is wrong); None when the chain is whole.
    broken: tuple[int | None, int | None, str] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None


BROKEN_CONTENT = "content changed (hash does not match)"
BROKEN_LINK = "link broken (prev_hash is not the previous event's hash)"
BROKEN_GAP = "events missing before this one (sequence jumps from {prev} to {seq})"
BROKEN_TAIL = "events missing at the end (the chain head is at {head}, the last event at {last})"
BROKEN_CHECKPOINT = "the pruning checkpoint does not match the prune event recorded in the chain"


def audit_verify(*, seal: bool = True, chunk: int = 5000) -> VerifyResult:
    """Walk the whole chain and recompute every hash. ``seal`` first chains the committed events that
    are not chained yet (normally none: they are chained when their transaction commits)."""
    from duban.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent

    result = VerifyResult()
    if seal:
        sealed = audit_seal()
        if sealed:
            result.notes.append(f"chained {sealed} events written since the last chaining")
    result.unsealed = AuditEvent.objects.filter(seq=None).count()
    checkpoint = AuditCheckpoint.objects.order_by("-last_seq").first()
    prev_hash, expected = "", 1
    if checkpoint is not None:
        prev_hash, expected = checkpoint.last_hash, checkpoint.last_seq + 1
        result.checkpoint_seq = checkpoint.last_seq
    prune_seen = checkpoint is None
    qs = (
        AuditEvent.objects.exclude(seq=None)
        .order_by("seq")
        .values_list("id", "prev_hash", "hash", *HASH_FIELDS)
    )
    for values in qs.iterator(chunk_size=chunk):
        event_id, stored_prev, stored_hash = values[0], values[1], values[2]
        row = dict(zip(HASH_FIELDS, values[3:], strict=True))
        seq = row["seq"]
        if result.first_seq is None:
            result.first_seq = seq
        if seq != expected:
            result.broken = (seq, event_id, BROKEN_GAP.format(prev=expected - 1, seq=seq))
            return result
        if stored_prev != prev_hash:
            result.broken = (seq, event_id, BROKEN_LINK)
            return result
        if event_digest(prev_hash, row) != stored_hash:
            result.broken = (seq, event_id, BROKEN_CONTENT)
            return result
        if (
            not prune_seen
            and row["action"] == "audit.prune"
            and isinstance(row["after"], dict)
            and row["after"].get("last_seq") == checkpoint.last_seq  # type: ignore[union-attr]
            and row["after"].get("last_hash") == checkpoint.last_hash  # type: ignore[union-attr]
        ):
            prune_seen = True
        prev_hash, expected = stored_hash, expected + 1
        result.checked += 1
        result.last_seq, result.last_hash = seq, stored_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    last = result.last_seq if result.last_seq is not None else (checkpoint.last_seq if checkpoint else 0)
    if head is not None and (head.last_seq != last or (result.checked and head.last_hash != prev_hash)):
        result.broken = (None, None, BROKEN_TAIL.format(head=head.last_seq, last=last))
        return result
    if not prune_seen:
        result.broken = (checkpoint.last_seq if checkpoint else None, None, BROKEN_CHECKPOINT)
    return result
