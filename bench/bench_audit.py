"""The audit log's hash chain on a large log.

* ``verify_<N>`` — `duban audit verify` over N events (default 100,000, DUBAN_BENCH_AUDIT_EVENTS):
  read every event in chain order and recompute its SHA-256; reported with events/s.
* ``seal_<N>`` — chaining N events written without a hash (what the upgrade migration does).
* ``baseline_scan_<N>`` — the same read of the same rows in the same order without hashing: the cost
  the chain adds is verify / baseline.
* ``record_one`` vs ``baseline_insert_one`` — one audited write in its own transaction (insert, then
  the chaining after the commit) against a plain insert of the same row.

Events carry before/after JSON of the size services write (a unit's or assignment's fields).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import sample, summary, with_ratio  # noqa: E402

N = int(os.environ.get("DUBAN_BENCH_AUDIT_EVENTS", "100000"))
REPEAT = 2


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def _event(i: int):
    from duban.audit.models import AuditEvent

    return AuditEvent(
        actor_id=(i % 40) + 1,
        actor_name=f"承办人{i % 40}",
        source="web",
        ip=f"10.1.{i % 250}.{i % 200}",
        action="assignment.update",
        object_type="plans.assignment",
        object_id=str(i),
        object_repr=f"（{i % 45}）推进长吉图通道建设 第{i}项",
        unit_id=(i % 60) + 1,
        before={"owner": "张三", "deadline": "2014-06-30", "status": "in_progress", "percent": i % 100},
        after={"owner": "李四", "deadline": "2014-09-30", "status": "in_progress", "percent": (i + 5) % 100},
    )


def run() -> dict:
    setup_django()
    from django.db import transaction

    from duban.audit.chain import audit_seal, audit_verify
    from duban.audit.models import AuditEvent
    from duban.audit.services import audit_record

    for start in range(0, N, 5000):
        AuditEvent.objects.bulk_create(
            [_event(i) for i in range(start, min(N, start + 5000))], batch_size=5000
        )

    t0 = time.perf_counter()
    sealed = audit_seal()
    seal_ms = (time.perf_counter() - t0) * 1000
    assert sealed == N, sealed

    def scan():
        n = 0
        qs = (
            AuditEvent.objects.exclude(seq=None)
            .order_by("seq")
            .values_list("id", "prev_hash", "hash", "before")
        )
        for _row in qs.iterator(chunk_size=5000):
            n += 1
        assert n == N

    def verify():
        result = audit_verify(seal=False)
        assert result.ok and result.checked == N, result.broken

    baseline = summary(sample(scan, REPEAT, warmup=1))
    verified = summary(sample(verify, REPEAT, warmup=0))
    out = {
        f"baseline_scan_{N}": baseline,
        f"verify_{N}": {
            **with_ratio(verified, baseline),
            "events_per_s": round(N / (verified["p50_ms"] / 1000)),
        },
        f"seal_{N}": {
            "n": 1,
            "p50_ms": round(seal_ms, 1),
            "p95_ms": round(seal_ms, 1),
            "events_per_s": round(N / (seal_ms / 1000)),
        },
    }

    i = [N]

    def insert_one():
        i[0] += 1
        with transaction.atomic():
            _event(i[0]).save()

    def record_one():
        i[0] += 1
        with transaction.atomic():
            e = _event(i[0])
            audit_record(
                actor=None,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                before=e.before,
                after=e.after,
            )

    plain = summary(sample(insert_one, 300))
    audit_seal()  # the plain inserts above are chained here, not in the timed runs below
    out["baseline_insert_one"] = plain
    out["record_one"] = with_ratio(summary(sample(record_one, 300)), plain)
    assert audit_verify().ok
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
