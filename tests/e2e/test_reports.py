import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from duban.reports.models import Report
from tests.e2e.test_login_roles import login


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.get_by_role("heading", name="登录督办系统").wait_for()


@pytest.mark.django_db(transaction=True)
def test_write_approve_return_revise_accept(page, screenshot):
    call_command("demo", "--quiet-logins")
    report = (
        Report.objects.filter(
            round__period="2014年5月", unit__code="drc", state="draft", assignment__isnull=False
        )
        .order_by("assignment__item__order")
        .first()
    )
    url = f"/reports/{report.pk}/"

    # the reporter writes (starting from April's accepted report) and submits
    login(page, "fgw-reporter")
    page.get_by_role("link", name="进展报送").click()
    screenshot("reports-my-list")
    page.goto(url)
    page.get_by_label("完成百分比：", exact=True).fill("60")
    page.get_by_label("进展情况").fill("已完成方案编制并报省政府审定，正在组织实施。")
    page.get_by_label("存在问题").fill("配套资金尚未完全落实。")
    screenshot("report-writing")
    page.get_by_role("button", name="保存并提交单位负责人").click()
    expect(page.locator(".tag.big")).to_have_text("待单位负责人审核")
    logout(page)

    # the unit head approves
    login(page, "fgw-head")
    page.goto(url)
    page.get_by_role("button", name="审核通过并报送督办办").click()
    expect(page.locator(".tag.big")).to_have_text("待督办审核")
    logout(page)

    # the office returns it with comments, from the review queue
    login(page, "admin")
    page.goto("/review/")
    expect(page.locator("table.review")).to_contain_text(report.assignment.item.title)
    screenshot("review-queue")
    page.goto(url)
    page.get_by_placeholder("需要单位修改的内容").fill("请补充配套资金的具体缺口。")
    page.get_by_role("button", name="退回并附意见").click()
    expect(page.locator(".tag.big")).to_have_text("已退回")
    logout(page)

    # the reporter revises and resubmits; the head approves again
    login(page, "fgw-reporter")
    page.goto(url)
    expect(page.locator(".msg-warning")).to_contain_text("请补充配套资金的具体缺口。")
    page.get_by_label("存在问题").fill("配套资金缺口约2000万元，已申请省级专项资金。")
    page.get_by_role("button", name="保存并提交单位负责人").click()
    logout(page)
    login(page, "fgw-head")
    page.goto(url)
    page.get_by_role("button", name="审核通过并报送督办办").click()
    logout(page)

    # the office accepts
    login(page, "admin")
    page.goto(url)
    page.get_by_role("button", name="采纳").click()
    expect(page.locator(".tag.big")).to_have_text("已采纳")
    expect(page.locator("ol.history li")).to_have_count(6)
    screenshot("report-accepted")
    report.refresh_from_db()
    assert report.state == "accepted"
