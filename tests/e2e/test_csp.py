"""The Content-Security-Policy (self only, no inline code) breaks nothing: the main pages, htmx, ECharts
and Swagger UI run in a real browser without one violation; and the three administrators of separate
duties (三员分立) each find their own work. One test, so the demo loads once."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from duban.org.demo import DEMO_PASSWORD
from duban.plans.models import Plan

# Reports every violation the browser sees into window.__csp, before any page script runs.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator(".who").wait_for()


def watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: (
            seen.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None
        ),
    )
    return seen


def violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__csp || []"), *console]


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_and_the_three_administrators_run_under_the_policy(page, screenshot):
    call_command("demo", "--quiet-logins")
    plan = Plan.objects.order_by("id").first()
    console = watch(page)
    login(page, "admin")
    pages = [
        ("/", "h1"),
        ("/plans/", "h1"),
        (f"/plans/{plan.pk}/", "h1"),
        (f"/plans/{plan.pk}/division/", "[data-picker]"),
        ("/rounds/", "h1"),
        ("/supervision/", "h1"),
        ("/indicators/pivot/", "h1"),
        ("/indicators/chart/", "canvas"),  # ECharts drew
        ("/indicators/map/", "canvas"),
    ]
    for url, ready in pages:
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], url
    # htmx: a filter on the division screen swaps a fragment in place.
    page.goto(f"/plans/{plan.pk}/division/")
    with page.expect_response(
        lambda r: "division" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.locator("form.filters select").first.select_option(index=1)
    page.wait_for_load_state("networkidle")
    assert violations(page, console) == []
    screenshot("csp-division-after-htmx")
    # Swagger UI, offline, under the same policy.
    page.goto("/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert violations(page, console) == []
    screenshot("csp-swagger")

    # The three administrators of separate duties (三员分立), on the same demo data.
    page.goto("/")
    page.get_by_role("button", name="退出").click()
    login(page, "secadmin")
    expect(page.get_by_role("heading", name="账号与安全")).to_be_visible()
    page.get_by_role("link", name="安全策略").first.click()
    page.get_by_label("密码最短长度").fill("10")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("安全策略已保存。").wait_for()
    screenshot("duties-security-policy")
    expect(page.locator("nav.mainnav")).not_to_contain_text("审计日志")
    page.get_by_role("button", name="退出").click()

    login(page, "auditor")
    expect(page.get_by_role("heading", name="审计")).to_be_visible()
    page.get_by_role("link", name="审计日志", exact=True).first.click()
    expect(page.locator("#events")).to_contain_text("安全策略已修改")
    page.get_by_role("button", name="校验哈希链").click()
    expect(page.locator(".msg-success")).to_contain_text("哈希链完整")
    screenshot("duties-audit-verify")
    expect(page.locator("nav.mainnav")).not_to_contain_text("用户")
    page.get_by_role("button", name="退出").click()

    login(page, "admin")
    expect(page.locator("nav.mainnav")).not_to_contain_text("审计日志")
    expect(page.locator("nav.mainnav")).not_to_contain_text("用户")
    assert violations(page, console) == []
