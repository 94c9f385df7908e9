import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from duban.supervision.models import SupervisionNotice
from tests.e2e.test_login_roles import login
from tests.e2e.test_reports import logout


@pytest.mark.django_db(transaction=True)
def test_issue_a_notice_respond_as_the_unit_and_close_it(page, screenshot):
    call_command("demo", "--quiet-logins")
    login(page, "admin")
    page.goto("/supervision/?date=2014-06-10")
    expect(page.locator(".light-tile.red .num")).not_to_have_text("0")
    screenshot("supervision-dashboard")
    page.goto("/notices/new/")
    page.get_by_label("督办单位").select_option(label="珲春市人民政府")
    page.get_by_label("任务编号").fill("（二十九）")
    page.get_by_label("事由").fill("珲春新城建设进度")
    page.get_by_label("基本情况").fill("新城道路和供热项目尚未开工。")
    page.get_by_label("督办要求").fill("请说明原因并报送开工计划。")
    page.get_by_label("办理时限").fill("2099-01-10")
    page.get_by_role("button", name="下发").click()
    heading = page.locator("h1")
    expect(heading).to_contain_text("督办〔")
    notice = SupervisionNotice.objects.order_by("-id").first()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Word 文件").click()
    assert dl.value.suggested_filename.endswith(".docx")
    screenshot("notice-issued")
    logout(page)

    login(page, "hunchun-reporter")
    page.goto(f"/notices/{notice.pk}/")
    page.get_by_label("办理情况").fill("已制定开工计划，道路项目7月开工。")
    page.get_by_role("button", name="提交回复").click()
    expect(page.locator(".tag.notice-answered")).to_be_visible()
    screenshot("notice-answered")
    logout(page)

    login(page, "admin")
    page.goto(f"/notices/{notice.pk}/")
    page.get_by_placeholder("办结意见").fill("措施明确，予以办结。")
    page.get_by_role("button", name="办结").click()
    expect(page.locator(".tag.notice-closed")).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == "closed"
    screenshot("notice-closed")
