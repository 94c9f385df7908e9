"""Key projects in the browser: confirm proposals, file a monthly project report through approval and
review, and see the project's point change stage on the map; nothing is loaded from outside."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from duban.projects.models import Candidate, Project
from duban.reports.models import Report
from tests.e2e.test_login_roles import login
from tests.e2e.test_reports import logout

STAGE_COLORS = {"planning": "#7a8aa6", "construction": "#e07b00"}


def point_color(page, name: str) -> str:
    """The colour ECharts draws the project's marker in (its stage), read from the live chart."""
    page.wait_for_selector("#pmap[data-ready='1']")
    return page.evaluate(
        """(name) => {
            const s = document.getElementById('pmap')._chart.getOption().series.find(s => s.name === 'projects');
            const d = s.data.find(d => d.name === name);
            return d ? d.itemStyle.color : null;
        }""",
        name,
    )


@pytest.mark.django_db(transaction=True)
def test_confirm_report_and_see_the_stage_change_on_the_map(page, screenshot, live_server):
    call_command("demo", "--quiet-logins")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)

    # the office confirms two proposals at once, one of them renamed
    login(page, "admin")
    page.goto("/projects/proposals/")
    tumen = Candidate.objects.get(name="图们至罗津铁路", status="proposed", plan__year=2014)
    chongjin = Candidate.objects.get(name="清津港", status="proposed", plan__year=2014)
    page.locator(f"#tick-{tumen.pk}").check()
    page.locator(f"input[name='name-{chongjin.pk}']").fill("朝鲜清津港")
    expect(page.locator(f"#tick-{chongjin.pk}")).to_be_checked()  # editing a row ticks it
    screenshot("projects-proposals")
    page.locator("button[name=action][value=confirm]").click()
    expect(page.locator(".msg-success")).to_be_visible()
    assert Project.objects.filter(name="图们至罗津铁路", geometry="line").exists()
    assert Project.objects.filter(name="朝鲜清津港", countries=["KP"]).exists()

    # the map: markers, lines for railways and routes, a card on click
    page.goto("/projects/?year=2014")
    assert point_color(page, "敦化至松江河铁路") == STAGE_COLORS["planning"]
    screenshot("projects-map")  # docs/screenshot-projects-map.png is a copy of this one
    logout(page)

    # 省发展改革委 files the monthly report of 敦化至松江河铁路: construction has started
    report = Report.objects.get(project_report__project__name="敦化至松江河铁路", round__period="2014年5月")
    login(page, "fgw-reporter")
    page.goto(f"/projects/reports/{report.pk}/")
    page.locator("select[name=stage]").select_option("construction")
    page.locator("input[name=investment_month]").fill("4500")
    page.locator("select[name=progress_status]").select_option("on_track")
    page.locator("input[name=percent]").fill("5")
    page.locator("textarea[name=progress]").fill("全线控制性工程开工，完成征地拆迁的60%。")
    page.locator("textarea[name=problems]").fill("林地占用审批尚未完成。")
    screenshot("projects-monthly-report")
    page.locator("button[name=then][value=submit]").click()
    expect(page.locator(".tag.big")).to_have_class("tag state-submitted big")
    logout(page)

    login(page, "fgw-head")
    page.goto(f"/projects/reports/{report.pk}/")
    page.locator("form[action$='/approve/'] button").click()
    expect(page.locator(".tag.big")).to_have_class("tag state-approved big")
    logout(page)

    # the office accepts from the report page; the registry and the map follow
    login(page, "admin")
    page.goto(f"/projects/reports/{report.pk}/")
    page.locator("form[action$='/accept/'] button").click()
    expect(page.locator(".tag.big")).to_have_class("tag state-accepted big")
    assert Project.objects.get(name="敦化至松江河铁路").stage == "construction"
    page.goto("/projects/?year=2014")
    assert point_color(page, "敦化至松江河铁路") == STAGE_COLORS["construction"]

    # the map view saves as PNG and as PDF, made in the browser
    with page.expect_download() as png:
        page.locator("button[data-pmap-export=png]").click()
    assert png.value.suggested_filename.endswith(".png")
    with page.expect_download() as pdf:
        page.locator("button[data-pmap-export=pdf]").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-1.4")

    # a phone-width view of the list and map
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projects/?year=2014")
    page.wait_for_selector("#pmap[data-ready='1']")
    screenshot("projects-map-390")
    # nothing in the page's content is wider than the phone (the shared header is base.html's)
    wider = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391"
        " && !e.closest('.tablewrap, .pmap')).map(e => e.tagName + '.' + e.className)"
    )
    assert wider == [], wider

    assert outside == [], outside
