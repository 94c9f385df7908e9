import datetime

from duban.supervision.lights import GREEN, RED, YELLOW, MilestoneState, Thresholds, status_light

D = datetime.date
START, DUE = D(2014, 1, 1), D(2014, 12, 31)  # 364 days


def light(today, percent, **kw):
    return status_light(
        today=today, start=START, due=DUE, percent=percent, has_report=kw.pop("has_report", True), **kw
    )


def test_done_is_green_whatever_the_date():
    assert light(D(2015, 3, 1), 100).color == GREEN
    assert light(D(2015, 3, 1), 60, progress_status="done").color == GREEN


def test_the_gap_boundaries():
    # 2014-07-02 is day 182 of 364: exactly 50% of the time
    today = D(2014, 7, 2)
    assert light(today, 36).color == GREEN  # gap 14 < 15
    assert light(today, 35).color == YELLOW  # gap 15
    lt = light(today, 21)  # gap 29
    assert lt.color == YELLOW
    lt = light(today, 20)  # gap 30
    assert lt.color == RED
    assert lt.reason == "进度20%，时间已过50%"


def test_overdue_is_red_with_days():
    lt = light(D(2015, 1, 3), 80)
    assert lt.color == RED
    assert "已超过完成时限3天" in lt.reason
    assert light(DUE, 99).color == YELLOW  # on the day itself: due soon, not overdue


def test_due_soon_and_custom_thresholds():
    today = D(2014, 12, 16)  # 15 days left
    assert light(today, 99).color == YELLOW
    assert light(D(2014, 12, 15), 99).color == GREEN  # 16 days left
    t = Thresholds(yellow_gap=5, red_gap=10, due_soon_days=0)
    assert light(D(2014, 7, 2), 44, thresholds=t).color == YELLOW
    assert light(D(2014, 7, 2), 40, thresholds=t).color == RED


def test_milestones_drive_the_expected_progress_and_missed_ones_warn():
    ms = (MilestoneState("方案", D(2014, 3, 31), 40, True), MilestoneState("开工", D(2014, 6, 30), 60, False))
    lt = light(D(2014, 7, 1), 40, milestones=ms)
    assert lt.color == RED  # 100% of the weight is due, 40% reported
    assert "节点“开工”已逾期" in lt.reason
    assert light(D(2014, 4, 1), 40, milestones=ms).color == GREEN


def test_no_report_lagging_and_paused():
    assert light(D(2014, 2, 1), None, has_report=False).color == GREEN  # early in the year
    lt = light(D(2014, 5, 1), None, has_report=False)
    assert lt.color == RED  # a third of the time gone, nothing reported
    assert "尚无进展报告" in lt.reason
    assert light(D(2014, 2, 1), 10, progress_status="lagging").color == YELLOW
    assert "暂缓" in light(D(2014, 2, 1), 10, progress_status="paused").reason


def test_no_dates_means_no_time_pressure():
    assert status_light(today=D(2014, 6, 1), start=None, due=None, percent=10, has_report=True).color == GREEN
