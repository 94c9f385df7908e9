import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from duban.org.demo import DEMO_PASSWORD

ROLES = [
    ("admin", "督办工作概览"),
    ("leader", "领导总览"),
    ("fgw-reporter", "我的单位"),
    ("fgw-head", "我的单位"),
    ("multi-staff", "我的单位"),
]


def login(page, username, password=DEMO_PASSWORD):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.django_db(transaction=True)
def test_every_demo_role_signs_in_and_sees_its_home(page, screenshot):
    call_command("demo", "--quiet-logins")
    for username, heading in ROLES:
        login(page, username)
        page.get_by_role("heading", name=heading).wait_for()
        assert page.locator(".who").inner_text().strip() != ""
        shot = screenshot(f"home-{username}")
        assert shot.stat().st_size > 10_000
        page.get_by_role("button", name="退出").click()
        page.get_by_role("heading", name="登录督办系统").wait_for()


@pytest.mark.django_db(transaction=True)
def test_admin_searches_units_by_pinyin_and_renames_one(page, screenshot):
    call_command("demo", "--quiet-logins")
    login(page, "admin")
    page.get_by_role("link", name="单位", exact=True).click()
    page.get_by_label("搜索单位").fill("hcs")
    # hcs: 珲春市人民政府 and 珲春示范区管委会 (pinyin initials hcsfq…)
    expect(page.locator("#unit-table tbody tr")).to_have_count(2)
    expect(page.locator("#unit-table")).to_contain_text("珲春市人民政府")
    screenshot("units-search-hcs")
    page.get_by_role("link", name="珲春市人民政府").click()
    page.get_by_text("更名 / 编辑").click()
    page.get_by_label("简称").fill("珲春市府")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存。").wait_for()
    page.locator("#history").get_by_text("单位更名或编辑").wait_for()
    screenshot("unit-detail-after-rename")


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_lock_the_account_with_a_clear_message(page, screenshot):
    call_command("demo", "--quiet-logins")
    for _ in range(5):
        login(page, "fgw-reporter", "wrong-password")
    page.get_by_text("账户已锁定").wait_for()
    screenshot("login-locked")
