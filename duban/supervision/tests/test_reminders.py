"""The reminder rules (reminders.py): what is due on a day, the lines people read, and when a
person's grouped message may go. Pure: no database, the clock is an argument."""

import datetime

import pytest
from django.utils import translation

from duban.supervision.reminders import (
    DEADLINE,
    HEAD,
    LEADER,
    REPORT,
    UNIT,
    Due,
    Policy,
    Preference,
    Rule,
    in_quiet_hours,
    may_send,
    message_for,
    schedule,
)

D = datetime.date
ROUND = Due(kind=REPORT, key="report:7", unit_id=3, due=D(2014, 6, 5), what="2014年5月 （三）", report_id=7)


DEFAULT = Rule()


def steps(today, rule=DEFAULT):
    return [(r.step, r.level) for r in schedule(rule, today, ROUND)]


def test_before_on_and_after_the_day_then_escalated():
    assert steps(D(2014, 6, 1)) == []
    assert steps(D(2014, 6, 2)) == [("before3", UNIT)]
    assert steps(D(2014, 6, 5)) == [("day", UNIT)]
    assert steps(D(2014, 6, 6)) == []
    assert steps(D(2014, 6, 7)) == [("after2", UNIT)]
    assert steps(D(2014, 6, 8)) == [("head", HEAD)]
    assert steps(D(2014, 6, 12)) == [("head", HEAD), ("leader", LEADER)]
    assert steps(D(2014, 6, 13)) == [("after8", UNIT), ("head", HEAD), ("leader", LEADER)]


def test_keys_are_stable_and_an_inactive_rule_sends_nothing():
    assert [r.key for r in schedule(Rule(), D(2014, 6, 2), ROUND)] == ["report:7:before3"]
    assert schedule(Rule(active=False), D(2014, 6, 13), ROUND) == []
    assert steps(D(2014, 6, 5), Rule(on_the_day=False)) == []


def test_titles_are_in_the_active_language():
    head, leader = schedule(Rule(), D(2014, 6, 12), ROUND)
    with translation.override("en"):
        assert (
            head.title
            == "2014年5月 （三）: the report is 7 days overdue; the unit head is asked to see to it"
        )
    with translation.override("zh-hans"):
        assert head.title == "2014年5月 （三）：已超过报送时限7天，请单位负责人督促"
        assert leader.title == "2014年5月 （三）：已超过报送时限7天，报请领导关注"
    deadline = Due(
        kind=DEADLINE, key="deadline:1:2014-12-31", unit_id=3, due=D(2014, 12, 31), what="2014年计划（三）"
    )
    (before,) = schedule(Rule(), D(2014, 12, 28), deadline)
    with translation.override("zh-hans"):
        assert before.title == "2014年计划（三）：还有3天到完成时限（2014-12-31）"
    with translation.override("en"):
        assert before.title == "2014年计划（三）: to be completed in 3 days (2014-12-31)"


POLICY = Policy(
    quiet_start=datetime.time(22), quiet_end=datetime.time(7), digest_at=datetime.time(8), daily_cap=3
)


def at(hour, minute=0):
    return datetime.datetime(2014, 6, 20, hour, minute)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"), [(21, 59, False), (22, 0, True), (3, 0, True), (6, 59, True), (7, 0, False)]
)
def test_quiet_hours_span_midnight(hour, minute, quiet):
    assert in_quiet_hours(datetime.time(hour, minute), POLICY) is quiet


def test_quiet_hours_within_a_day_and_none():
    lunch = Policy(quiet_start=datetime.time(12), quiet_end=datetime.time(13))
    assert in_quiet_hours(datetime.time(12, 30), lunch)
    assert not in_quiet_hours(datetime.time(13), lunch)
    assert not in_quiet_hours(
        datetime.time(3), Policy(quiet_start=datetime.time(0), quiet_end=datetime.time(0))
    )


def test_a_message_per_tick_outside_quiet_hours_up_to_the_cap():
    each = Preference()
    assert may_send(now=at(10), preference=each, policy=POLICY, sent_today=0)
    assert may_send(now=at(10), preference=each, policy=POLICY, sent_today=2)
    assert not may_send(now=at(10), preference=each, policy=POLICY, sent_today=3)
    assert not may_send(now=at(23), preference=each, policy=POLICY, sent_today=0)
    assert not may_send(now=at(10), preference=Preference(daily_cap=1), policy=POLICY, sent_today=1)
    assert may_send(now=at(10), preference=Preference(daily_cap=5), policy=POLICY, sent_today=4)


def test_a_daily_digest_goes_once_from_the_digest_hour():
    daily = Preference(daily=True)
    assert not may_send(now=at(7, 59), preference=daily, policy=POLICY, sent_today=0)
    assert may_send(now=at(8), preference=daily, policy=POLICY, sent_today=0)
    assert may_send(now=at(16), preference=daily, policy=POLICY, sent_today=0)
    assert not may_send(now=at(16), preference=daily, policy=POLICY, sent_today=1)


def test_one_message_lists_each_line_once_escalations_first():
    reminders = schedule(Rule(), D(2014, 6, 13), ROUND)  # after8, head, leader
    other = schedule(
        Rule(),
        D(2014, 6, 13),
        Due(kind=REPORT, key="report:8", unit_id=3, due=D(2014, 6, 5), what="2014年5月 （四）"),
    )
    with translation.override("en"):
        m = message_for([*reminders, *other, reminders[0]])
        assert m.title == "Reminder (催办): 6 items need attention"
        lines = m.body.split("\n")
        assert len(lines) == 6
        assert lines[0].endswith("brought to the leader's attention")
        assert lines[-1] == "· 2014年5月 （四）: the report is 8 days overdue"
        assert (
            message_for(reminders[:1], daily=True).title
            == "Daily reminders (催办日报): 1 item needs attention"
        )
