"""The background task (django.tasks; the worker is `duban db_worker`). Queued on commit whenever
deliveries are created; after a run with failures it queues itself again for the next retry time
when the backend can defer. `duban notify send-pending` does the same work from cron."""

import datetime
import logging

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task()
def send_pending() -> dict:
    from duban.notify.sending import next_due_at, send_due

    result = send_due()
    retry_at = next_due_at()
    if retry_at is not None and retry_at > timezone.now():
        enqueue_sending(run_after=retry_at)
    return {"sent": result.sent, "failed": result.failed, "gave_up": result.gave_up}


def enqueue_sending(run_after: datetime.datetime | None = None) -> None:
    """Queue a sender run. Without run_after it runs as soon as a worker is free. A backend that
    cannot defer (the immediate one in tests) gets no deferred run: cron's send-pending covers it."""
    backend = send_pending.get_backend()
    if run_after is not None:
        if not backend.supports_defer:
            return
        send_pending.using(run_after=run_after).enqueue()
    else:
        send_pending.enqueue()
