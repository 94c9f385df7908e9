"""No sequence of actions, by anyone, reaches an illegal state (hypothesis stateful testing)."""

import datetime

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from duban.core.errors import DubanError
from duban.core.testing import BaseTestCase
from duban.reports import services
from duban.reports.models import Report
from duban.reports.tests.helpers import published_plan

S = Report.State
ROLES = ["reporter", "head", "admin", "leader", "other"]

# (action, from states, roles allowed) — the rules the services must follow
ALLOWED = {
    "submit": ({S.DRAFT, S.RETURNED}, {"reporter", "head"}),
    "approve": ({S.SUBMITTED}, {"head"}),
    "head_return": ({S.SUBMITTED}, {"head"}),
    "accept": ({S.APPROVED}, {"admin"}),
    "return": ({S.APPROVED}, {"admin"}),
    "save": ({S.DRAFT, S.RETURNED}, {"reporter", "head"}),
}


class Cast(BaseTestCase):
    """Only for its named cast; not run as a test case here."""

    __test__ = False


@pytest.fixture
def world(db):
    Cast.setUpTestData()
    cast = Cast
    plan = published_plan(cast)
    return cast, plan


def make_machine(cast, plan):
    counter = {"n": 0}

    class ReportMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            counter["n"] += 1
            round_ = services.round_open(
                actor=cast.admin,
                plan=plan,
                period=f"第{counter['n']}轮",
                period_start=datetime.date(2014, 5, 1),
                period_end=datetime.date(2014, 5, 31),
                due_date=datetime.date(2014, 6, 5),
                units=[cast.unit],
            )
            self.report = Report.objects.filter(round=round_, unit=cast.unit).first()
            self.expected = S.DRAFT
            self.filled = False

        def _do(self, action: str, role: str, fn, **kwargs):
            states, roles = ALLOWED[action]
            actor = getattr(cast, role)
            before = Report.objects.get(pk=self.report.pk)
            try:
                fn(actor=actor, report=self.report, **kwargs)
                ok = True
            except DubanError:
                ok = False
            legal = before.state in states and role in roles
            if action in ("submit",) and not self.filled:
                legal = False
            if action in ("head_return", "return") and not kwargs.get("comment", "").strip():
                legal = False
            assert ok == legal, (action, role, before.state, ok)
            if ok and action != "save":
                self.expected = {
                    "submit": S.SUBMITTED,
                    "approve": S.APPROVED,
                    "head_return": S.RETURNED,
                    "accept": S.ACCEPTED,
                    "return": S.RETURNED,
                }[action]
            if ok and action == "save":
                self.filled = True

        @rule(role=st.sampled_from(ROLES), percent=st.integers(-5, 105))
        def save(self, role, percent):
            actor = getattr(cast, role)
            try:
                services.report_save(
                    actor=actor,
                    report=self.report,
                    version=None,
                    progress_status="on_track",
                    percent=percent,
                    progress="已推进。",
                    problems="",
                    next_steps="",
                )
                ok = True
            except DubanError:
                ok = False
            states, roles = ALLOWED["save"]
            state = Report.objects.get(pk=self.report.pk).state
            legal = state in states and role in roles and 0 <= percent <= 100
            assert ok == legal, ("save", role, state, percent)
            if ok:
                self.filled = True

        @rule(role=st.sampled_from(ROLES))
        def submit(self, role):
            self._do("submit", role, services.report_submit)

        @rule(role=st.sampled_from(ROLES))
        def approve(self, role):
            self._do("approve", role, services.report_approve)

        @rule(role=st.sampled_from(ROLES), comment=st.sampled_from(["", "请补充", "  "]))
        def head_return(self, role, comment):
            self._do("head_return", role, services.report_head_return, comment=comment)

        @rule(role=st.sampled_from(ROLES))
        def accept(self, role):
            self._do("accept", role, services.report_accept)

        @rule(role=st.sampled_from(ROLES), comment=st.sampled_from(["", "数据不全"]))
        def office_return(self, role, comment):
            self._do("return", role, services.report_return, comment=comment)

        @invariant()
        def state_is_the_expected_one_and_consistent(self):
            r = Report.objects.get(pk=self.report.pk)
            assert r.state == self.expected
            assert r.state in S.values
            if r.state in (S.SUBMITTED, S.APPROVED, S.ACCEPTED):
                assert r.progress and r.percent is not None and 0 <= r.percent <= 100
                assert r.submitted_at is not None
            if r.state in (S.APPROVED, S.ACCEPTED):
                assert r.approved_at is not None and r.approved_by_id == cast.head.pk
            if r.state == S.ACCEPTED:
                assert r.reviewed_by_id == cast.admin.pk
            if r.state == S.RETURNED:
                assert r.review_comment.strip()
            assert r.events.count() == r.events.values("id").count()

    return ReportMachine


def test_no_sequence_of_actions_reaches_an_illegal_state(world):
    from hypothesis.stateful import run_state_machine_as_test

    cast, plan = world
    run_state_machine_as_test(
        make_machine(cast, plan), settings=settings(max_examples=25, stateful_step_count=15, deadline=None)
    )
