"""Sending queued deliveries: the retry schedule (pure), claiming due rows, and recording outcomes.

Runs in the background worker (tasks.send_pending) and in `duban notify send-pending`; never in a
web request. Several senders may run at once: each claims its rows with a conditional UPDATE, so a
delivery is sent by one of them only.
"""

import datetime
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.notify.models import Delivery
from duban.notify.transports import Message, TransportError, transport_for

logger = logging.getLogger(__name__)

# After the 1st, 2nd, 3rd failed attempt wait this long; after the 4th give up.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed row is not picked up by another sender for this long: longer than one batch can take
# (BATCH rows / SEND_THREADS × the 10 s timeout). If the sender dies, the row is sent again after it.
CLAIM_LEASE = datetime.timedelta(minutes=10)
BATCH = 200
# Sends run in parallel so that one slow robot does not hold up everyone else's messages.
SEND_THREADS = 8
DUE_STATUSES = (Delivery.Status.PENDING, Delivery.Status.FAILED)

UNEXPECTED = _("Unexpected error while sending: %(error)s")


def next_attempt_after(attempts: int, now: datetime.datetime) -> datetime.datetime | None:
    """When to try again after ``attempts`` failed attempts, or None to give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.gave_up

    def add(self, other: "SendResult") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.gave_up += other.gave_up


def due_deliveries(now: datetime.datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)


def claim_due(now: datetime.datetime, limit: int) -> tuple[str, list[Delivery]]:
    """Take up to ``limit`` due rows for this sender. Rows another sender took in between are skipped:
    the UPDATE repeats the due condition and the claim pushes next_attempt_at past ``now``."""
    token = uuid.uuid4().hex
    ids = list(due_deliveries(now).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    if not ids:
        return token, []
    due_deliveries(now).filter(pk__in=ids).update(claim=token, next_attempt_at=now + CLAIM_LEASE)
    rows = list(Delivery.objects.filter(pk__in=ids, claim=token).select_related("channel", "unit"))
    return token, rows


def message_for(delivery: Delivery) -> Message:
    return Message(
        kind=delivery.kind,
        title=delivery.title,
        body=delivery.body,
        link=delivery.link,
        unit_name=delivery.unit.display_name if delivery.unit else "",
        delivery_id=delivery.pk,
        created_at=delivery.created_at,
    )


def attempt(delivery: Delivery) -> tuple[int | None, TransportError | None]:
    """Send one delivery (no database access: safe in a worker thread)."""
    try:
        return transport_for(delivery.channel).notify(message_for(delivery)), None
    except TransportError as e:
        return e.response_code, e
    except Exception as e:  # a bug in a transport must not stop the other deliveries
        logger.exception("notify: delivery %s failed unexpectedly", delivery.pk)
        return None, TransportError(UNEXPECTED, params={"error": repr(e)[:300]})


def record(
    delivery: Delivery, token: str, code: int | None, error: TransportError | None, now: datetime.datetime
) -> Delivery.Status:
    delivery.attempts += 1
    delivery.response_code = code
    delivery.updated_at = now
    delivery.claim = ""
    if error is None:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = error.bilingual()
        retry_at = None if error.permanent else next_attempt_after(delivery.attempts, now)
        delivery.status = Delivery.Status.FAILED if retry_at else Delivery.Status.GAVE_UP
        delivery.next_attempt_at = retry_at
    fields = [
        "attempts",
        "response_code",
        "updated_at",
        "claim",
        "status",
        "sent_at",
        "next_attempt_at",
        "last_error",
    ]
    # Only if this sender still holds the row (an admin's retry may have reset it meanwhile).
    Delivery.objects.filter(pk=delivery.pk, claim=token).update(**{f: getattr(delivery, f) for f in fields})
    return Delivery.Status(delivery.status)


def send_batch(limit: int = BATCH, now: datetime.datetime | None = None) -> SendResult:
    now = now or timezone.now()
    token, rows = claim_due(now, limit)
    result = SendResult()
    if not rows:
        return result
    if len(rows) == 1:
        outcomes = [attempt(rows[0])]
    else:
        with ThreadPoolExecutor(max_workers=min(SEND_THREADS, len(rows))) as pool:
            outcomes = list(pool.map(attempt, rows))
    done_at = timezone.now()
    # One transaction for the batch's outcomes: one commit instead of one per row.
    with transaction.atomic():
        for delivery, (code, error) in zip(rows, outcomes, strict=True):
            status = record(delivery, token, code, error, done_at)
            if status == Delivery.Status.SENT:
                result.sent += 1
            elif status == Delivery.Status.FAILED:
                result.failed += 1
            else:
                result.gave_up += 1
    return result


def send_due(limit: int | None = None) -> SendResult:
    """Send everything due now, batch by batch; at most ``limit`` deliveries if given."""
    total = SendResult()
    while limit is None or total.total < limit:
        size = BATCH if limit is None else min(BATCH, limit - total.total)
        result = send_batch(size)
        if not result.total:
            break
        total.add(result)
    return total


def next_due_at() -> datetime.datetime | None:
    """The earliest time a queued delivery becomes due (for scheduling the next run)."""
    return Delivery.objects.filter(status__in=DUE_STATUSES).aggregate(at=Min("next_attempt_at"))["at"]
