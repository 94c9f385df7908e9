"""Notification fan-out at province scale.

* ``fanout_1000_webhooks`` — notify_units() to 1,000 units, each with one enabled webhook channel
  (and one reporter, so 1,000 inbox rows too), then send every delivery to a local receiver on
  127.0.0.1 with duban's sender (signed JSON, claims, outcome recorded per row). Every answer is
  200, so nothing is retried ("retries off"). Goal: ≤ 10 s.
* ``queue_1000`` — the part a web request pays: the on-commit inbox rows + delivery rows + the
  task enqueue, no network.
* baselines in the same run against the same receiver: ``baseline_raw_posts_1000`` = 1,000 plain
  urllib POSTs of a similar JSON body one after another, and ``baseline_raw_posts_1000_8threads``
  the same spread over 8 threads, as duban's sender does.

The receiver runs in its own process (as a real one would), so that its threads do not compete
with the sender's for this process's GIL. Each case runs REPEAT times; p50/p95 are over those runs
(milliseconds per 1,000 messages).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = 1000
REPEAT = 3

# A threaded HTTP receiver in a child process: POST answers {"errcode":0}, GET /count the POSTs so far.
RECEIVER = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            count += 1
        self.reply(b'{"errcode":0,"errmsg":"ok"}')
    def do_GET(self):
        self.reply(str(count).encode())
    def reply(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
ThreadingHTTPServer.request_queue_size = 128  # socketserver's default of 5 drops connects under load
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class Receiver:
    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
        self.url = f"http://127.0.0.1:{self.proc.stdout.readline().strip()}"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def count(self) -> int:
        with urllib.request.urlopen(self.url + "/count", timeout=10) as r:
            return int(r.read())


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def build(receiver_url: str) -> list[int]:
    from duban.notify.models import Channel
    from duban.org.models import Membership, Unit, User

    units = Unit.objects.bulk_create(
        [Unit(code=f"bn{i}", name=f"第{i}县人民政府", short_name=f"第{i}县", kind="county") for i in range(N)]
    )
    users = User.objects.bulk_create([User(username=f"bn-reporter-{i}", password="!") for i in range(N)])
    Membership.objects.bulk_create(
        [Membership(user=u, unit=unit, role="reporter") for u, unit in zip(users, units, strict=True)]
    )
    Channel.objects.bulk_create(
        [
            Channel(
                kind="webhook",
                name=f"{unit.short_name}工作群",
                target=f"{receiver_url}/hook/{unit.pk}",
                secret=f"secret-{unit.pk}",
                unit=unit,
            )
            for unit in units
        ]
    )
    return [u.pk for u in units]


def run() -> dict:
    setup_django()
    from django.db import connection, transaction

    from bench.harness import summary, with_ratio
    from duban.notify.models import Delivery, Notification
    from duban.notify.sending import send_due
    from duban.notify.services import notify_units

    results: dict = {}
    with Receiver() as rx:
        unit_ids = build(rx.url)
        body = json.dumps(
            {
                "event": "plan.published",
                "title": "计划已发布：长吉图开发开放先导区战略实施2014年工作要点",
                "body": "贵单位牵头或配合本计划的事项，请到“我的任务”签收。" * 2,
                "link": "http://x/tasks/",
            },
            ensure_ascii=False,
        ).encode()

        def raw_post(i: int) -> None:
            req = urllib.request.Request(
                f"{rx.url}/hook/{i}", data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()
                assert r.status == 200

        def timed(fn) -> float:
            t0 = time.perf_counter()
            fn()
            return (time.perf_counter() - t0) * 1000.0

        def raw_sequential():
            for i in range(N):
                raw_post(i)

        def raw_threads():
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(raw_post, range(N)))

        queue_ms, fanout_ms, sent_counts = [], [], []

        def fanout():
            nonlocal queue_ms
            Delivery.objects.all().delete()
            Notification.objects.all().delete()
            t0 = time.perf_counter()
            with transaction.atomic():
                notify_units(
                    unit_ids=unit_ids,
                    kind="plan.published",
                    title="计划已发布：2014年工作要点",
                    body="请到“我的任务”签收。",
                    link="/tasks/",
                )
            queue_ms.append((time.perf_counter() - t0) * 1000.0)
            result = send_due()
            sent_counts.append(result.sent)
            assert result.sent == N and result.failed == 0, result

        raw_post(0)  # warm up the receiver
        baseline = summary([timed(raw_sequential) for _ in range(REPEAT)])
        baseline_threads = summary([timed(raw_threads) for _ in range(REPEAT)])
        before = rx.count()
        fanout_ms = [timed(fanout) for _ in range(REPEAT)]
        received = rx.count() - before
        assert received == N * REPEAT, received
        assert Delivery.objects.filter(status="sent").count() == N

    results["baseline_raw_posts_1000"] = baseline
    results["baseline_raw_posts_1000_8threads"] = with_ratio(baseline_threads, baseline)
    results["fanout_1000_webhooks"] = with_ratio(summary(fanout_ms), baseline)
    results["queue_1000"] = with_ratio(summary(queue_ms), baseline)
    results["_meta"] = {
        "messages": N,
        "repeat": REPEAT,
        "database": connection.vendor,
        "goal_fanout_s": 10,
        "fanout_p95_s": round(results["fanout_1000_webhooks"]["p95_ms"] / 1000, 2),
        "fanout_vs_8_threads_raw": round(
            results["fanout_1000_webhooks"]["p50_ms"] / baseline_threads["p50_ms"], 2
        ),
        "received_per_run": received // REPEAT,
    }
    return results


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=1))
