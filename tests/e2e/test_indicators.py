"""The indicator system in a real browser: a unit enters figures in the grid (with a far-off figure
confirmed by a note), then a leader reads the pivot, the trend chart and the map of Jilin."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from duban.indicators import calc
from duban.indicators.catalog import load_catalog
from duban.indicators.demo import load_demo_indicators
from duban.indicators.excel import entry_template as template_bytes
from duban.indicators.models import RegionGroup, Value
from duban.indicators.values import Entry, values_save
from duban.org.demo import DEMO_PASSWORD, load_demo_org


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def demo(transactional_db):
    load_demo_org()
    load_demo_indicators()


@pytest.mark.django_db(transaction=True)
def test_a_unit_enters_figures_and_a_leader_reads_pivot_chart_and_map(page, screenshot, demo):
    login(page, "hunchun-reporter")
    page.get_by_role("link", name="统计指标").click()
    page.get_by_role("heading", name="统计指标").wait_for()
    expect(page.locator(".demo-banner")).to_contain_text("演示数据")
    screenshot("indicators-home-unit")

    page.get_by_role("link", name="数据填报").click()
    page.locator("input[name=period]").fill("2014-12")
    page.get_by_role("button", name="查询").click()
    row = page.locator("tr", has_text="珲春市").first
    cell = row.get_by_label("珲春市 边民互市贸易额")
    expect(cell).to_have_value("")
    expect(row).to_contain_text("上期")
    # a figure far outside its history is held back until a note confirms it
    cell.fill("99999")
    row.get_by_role("button", name="保存本行").click()
    row = page.locator("tr", has_text="珲春市").first
    expect(row.locator(".rowmsg.warning")).to_contain_text("明显偏离历史")
    screenshot("indicators-entry-warning")
    row.get_by_label("珲春市 边民互市贸易额").fill("3650.5")
    row.get_by_role("button", name="保存本行").click()
    row = page.locator("tr", has_text="珲春市").first
    expect(row.locator(".rowmsg.success")).to_contain_text("已保存珲春市")
    expect(row.get_by_label("珲春市 边民互市贸易额")).to_have_value("3650.5")
    screenshot("indicators-entry-saved")

    page.get_by_role("button", name="退出").click()
    login(page, "leader")
    page.goto("/indicators/pivot/")
    page.locator("select[name=indicator]").select_option(label="边民互市贸易额（万元）")
    page.wait_for_url("**indicator=*")
    page.locator("input[name=from]").fill("2014-07")
    page.locator("input[name=to]").fill("2014-12")
    page.get_by_role("button", name="查询").click()
    table = page.locator("#pivot")
    expect(table).to_contain_text("3,650.5")  # figures are shown with thousands separators
    expect(table.locator("thead")).to_contain_text("2014年12月")
    screenshot("indicators-pivot")

    group = RegionGroup.objects.get(code="cjt")
    page.goto(f"/indicators/pivot/?mode=indicators&period=2014-11&scope=g{group.pk}")
    expect(page.locator("#pivot")).to_contain_text("合计")
    screenshot("indicators-pivot-indicators-by-region")

    page.goto("/indicators/chart/")
    expect(page.locator("#chart canvas")).to_have_count(1)
    page.wait_for_timeout(800)
    screenshot("indicators-chart")

    page.goto("/indicators/map/?level=county")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    expect(page.locator("#map canvas")).to_have_count(1)
    page.wait_for_timeout(800)
    screenshot("indicators-map-counties")
    page.goto("/indicators/map/")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    page.wait_for_timeout(800)
    screenshot("indicators-map-prefectures")


@pytest.mark.django_db(transaction=True)
def test_a_leader_cannot_enter_and_an_admin_publishes_a_period(page, screenshot, demo):
    login(page, "leader")
    expect(page.get_by_role("link", name="数据填报")).to_have_count(0)
    resp = page.goto("/indicators/entry/")
    assert resp is not None and resp.status == 403
    page.get_by_role("button", name="退出").click()
    login(page, "admin")
    page.goto("/indicators/periods/?kind=month")
    page.once("dialog", lambda d: d.accept())
    row = page.locator("#period-table tr", has_text="2014年11月")
    row.get_by_role("button", name="发布并锁定").click()
    expect(page.locator(".msg-success")).to_contain_text("已发布并锁定")
    screenshot("indicators-periods")
    page.goto("/indicators/completeness/?period=2014-12")
    expect(page.locator("#completeness")).to_contain_text("珲春市政府")  # short names, as in the dictionary
    screenshot("indicators-completeness")
    page.goto("/indicators/targets/?year=2014")
    expect(page.locator("#target-table")).to_contain_text("长春市")
    screenshot("indicators-targets")


@pytest.mark.django_db(transaction=True)
def test_an_upload_with_mistakes_lists_them_by_cell_and_imports_nothing(page, screenshot, demo, tmp_path):
    cat = load_catalog()
    ind = cat.by_code["MARKET"]
    data = template_bytes(cat, [ind], calc.parse_period("2014-12"), "珲春市人民政府")
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    ws["C7"] = "约三千"
    ws["A8"], ws["C8"] = "229999", 12
    path = tmp_path / "珲春-2014-12.xlsx"
    wb.save(path)
    login(page, "hunchun-reporter")
    page.goto("/indicators/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="校验并导入").click()
    page.wait_for_url("**/indicators/import/*/")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("约三千")
    expect(errors).to_contain_text("229999")
    expect(page.locator(".msg-error")).to_contain_text("未导入任何数据")
    screenshot("indicators-import-errors")
    assert not Value.objects.filter(indicator__code="MARKET", period__code="2014-12").exists()


@pytest.mark.django_db(transaction=True)
def test_cities_are_rolled_up_in_the_grid_and_a_published_period_reads_as_locked(page, screenshot, demo):
    login(page, "fgw-reporter")
    page.goto("/indicators/entry/?period=2014-12")
    city = page.locator("tr", has_text="长春市").first
    expect(city.locator("input")).to_have_count(0)
    expect(city.locator(".tag.rollup")).to_have_text("汇总")
    total_before = city.locator("td.rolled .fig").inner_text()
    district = page.locator("tr", has_text="南关区").first
    cell = district.get_by_label("南关区 固定资产投资")
    cell.fill(f"{float(cell.input_value()) + 1:.2f}")
    district.get_by_label("说明 南关区").fill("年底集中入统")
    district.get_by_role("button", name="保存本行").click()
    district = page.locator("tr", has_text="南关区").first
    expect(district.locator(".rowmsg.success")).to_contain_text("已保存南关区")
    expect(district).to_have_class("depth-1")  # indented as before the save
    expect(district.locator(".cellnote")).to_contain_text("年底集中入统")
    expect(city.locator("td.rolled .fig")).not_to_have_text(total_before)  # the city's total follows
    screenshot("indicators-entry-rollup-saved")

    page.goto("/indicators/entry/?period=2013-12")  # the demo publishes 2013
    expect(page.locator("#locked-banner")).to_contain_text("重新开放")
    expect(page.locator("#entry-grid input")).to_have_count(0)
    expect(page.get_by_role("button", name="保存本行")).to_have_count(0)
    screenshot("indicators-entry-locked")

    page.get_by_role("button", name="退出").click()
    login(page, "admin")
    page.goto("/indicators/periods/?kind=month")
    row = page.locator("#period-2014-12")
    expect(row).to_contain_text("缺")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    row.get_by_role("button", name="发布并锁定").click()
    expect(page.locator(".msg-success")).to_contain_text("已发布并锁定")
    assert "未填报" in asked[0]
    assert page.url.endswith("?kind=month")
    expect(page.locator("#period-2014-12")).to_contain_text("王督办")
    screenshot("indicators-periods-published-incomplete")
    page.once("dialog", lambda d: d.accept())
    page.locator("#period-2014-12").get_by_role("button", name="重新开放").click()
    expect(page.locator(".msg-success")).to_contain_text("重新开放")
    expect(page.locator("#period-2014-12")).not_to_contain_text("王督办")
    assert page.url.endswith("?kind=month")


@pytest.mark.django_db(transaction=True)
def test_partial_totals_are_marked_and_empty_views_say_so(page, screenshot, demo):
    """The demo lacks 延边's December investment: the total says so in the pivot and on the map. A
    wide pivot scrolls inside its card with the region column kept in view."""
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, "leader")
    fai = load_catalog().by_code["FAI"]
    page.goto(f"/indicators/pivot/?indicator={fai.pk}&scope=pref&from=2014-01&to=2014-12")
    total = page.locator("#pivot tr.total td").last
    expect(total).to_have_class(re.compile(r"\bpartial\b"))
    expect(total).to_have_attribute("title", re.compile(r"已报送"))
    expect(page.locator(".legend")).to_contain_text("不完整")
    # the filters stay on one line: 至 sits beside 起始期
    top_from = page.locator("input[name=from]").bounding_box()["y"]
    top_to = page.locator("input[name=to]").bounding_box()["y"]
    assert abs(top_from - top_to) < 2
    screenshot("indicators-pivot-partial")

    page.goto(f"/indicators/pivot/?indicator={fai.pk}&scope=applies&from=2013-01&to=2014-12")
    scroller = page.locator(".card .scroll")
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    head = page.locator("#pivot tbody th.rowhead").first
    box, card = head.bounding_box(), scroller.bounding_box()
    assert box["x"] <= card["x"] + 2  # the region column stays at the left edge
    expect(page.locator("#pivot thead th").last).to_be_in_viewport()
    screenshot("indicators-pivot-scrolled")

    # 南关区 has not reported November: 长春市 on the map is partial, and its tooltip says so
    Value.objects.filter(indicator=fai, region__code="220102", period__code="2014-11").delete()
    page.goto(f"/indicators/map/?indicator={fai.pk}&period=2014-11")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    page.locator("#map-table").evaluate("el => el.closest('details').open = true")
    partial = page.locator("#map-table td.partial")
    expect(partial).to_have_count(1)
    expect(partial).to_have_attribute("title", re.compile(r"已报送"))
    screenshot("indicators-map-partial")
    page.goto(f"/indicators/map/?indicator={fai.pk}&period=2012-01")
    expect(page.locator("#map-empty")).to_contain_text("暂无数据")
    expect(page.locator("#map canvas")).to_have_count(0)
    screenshot("indicators-map-empty")
    page.goto(f"/indicators/chart/?indicator={fai.pk}&from=2012-01&to=2012-06")
    expect(page.locator("#chart-empty")).to_contain_text("暂无数据")
    screenshot("indicators-chart-empty")
    page.goto("/indicators/targets/?year=2014")
    gdp = page.locator("#target-table tr", has_text="地区生产总值").filter(has_text="长春市")
    expect(gdp.locator("td.met")).to_have_text("100.0%")
    screenshot("indicators-targets-rounded")


def map_option(page, path):
    return page.evaluate(
        f"() => window.echarts.getInstanceByDom(document.getElementById('map')).getOption(){path}"
    )


@pytest.mark.django_db(transaction=True)
def test_unsaved_figures_ask_before_leaving_the_grid(page, screenshot, demo):
    login(page, "fgw-reporter")
    page.goto("/indicators/entry/?period=2014-12")
    district = page.locator("tr", has_text="南关区").first
    cell = district.get_by_label("南关区 固定资产投资")
    cell.fill(f"{float(cell.input_value()) + 1:.2f}")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.get_by_role("link", name="下期").click()
    page.wait_for_timeout(300)
    assert "尚未保存" in asked[0]
    assert page.url.endswith("period=2014-12")  # stayed, with the figure typed
    expect(cell).not_to_have_value("")
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("input[name=period]").fill("2014-11")
    page.locator("input[name=period]").press("Enter")
    page.wait_for_timeout(300)
    assert len(asked) == 2 and page.url.endswith("period=2014-12")
    expect(page.locator("input[name=period]")).to_have_value("2014-12")  # back to the grid's own
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("link", name="上期").click()
    page.wait_for_url("**period=2014-11")
    # nothing typed: no question
    page.get_by_role("link", name="下期").click()
    page.wait_for_url("**period=2014-12")


@pytest.mark.django_db(transaction=True)
def test_targets_map_and_chart_show_partial_and_single_figures_plainly(page, screenshot, demo):
    cat = load_catalog()
    fai = cat.by_code["FAI"]
    counties = ["222401", "222402", "222403"]
    regions = {r.code: r for r in cat.regions.values()}
    last = {
        v.region.code: v.value
        for v in Value.objects.filter(indicator=fai, period__code="2014-11", region__code__in=counties)
    }
    values_save(
        actor=None,
        entries=[
            Entry(
                fai,
                regions[c],
                calc.parse_period("2014-12"),
                calc.quantize(last[c] * Decimal("1.1"), 2),
                note="测试",
            )
            for c in counties
        ],
    )
    login(page, "leader")
    page.goto("/indicators/targets/?year=2014")
    yanbian = page.locator("#target-table tr", has_text="固定资产投资").filter(has_text="延边朝鲜族自治州")
    expect(yanbian.locator("td.partial").first).to_have_attribute("title", re.compile("已报送 3 个"))
    expect(page.locator("#targets-partial")).to_contain_text("同口径")
    screenshot("indicators-targets-partial")

    # 延边's December is 3 of 8 counties: hatched on the map, * on its name
    page.goto(f"/indicators/map/?indicator={fai.pk}&period=2014-12")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    item = map_option(page, ".series[0].data.find(d => d.name === '延边朝鲜族自治州')")
    assert item["itemStyle"]["decal"]
    expect(page.locator("#map-partial")).to_contain_text("斜线")
    page.wait_for_timeout(600)
    screenshot("indicators-map-partial-hatched")

    # one region with a figure: its figure, not a made-up range
    market = cat.by_code["MARKET"]
    page.goto(f"/indicators/map/?indicator={market.pk}&period=2014-11")
    expect(page.locator("#map[data-ready='1']")).to_have_count(1)
    vm = map_option(page, ".visualMap[0]")
    assert vm["type"] == "piecewise" and len(vm["pieces"]) == 1
    page.wait_for_timeout(600)
    screenshot("indicators-map-single")

    page.goto(f"/indicators/chart/?indicator={fai.pk}&scope=applies")
    expect(page.locator("#chart canvas")).to_have_count(1)
    expect(page.locator("#chart-legend")).to_contain_text("黑色虚线")
    opt = "() => window.echarts.getInstanceByDom(document.getElementById('chart')).getOption()"
    total = page.evaluate(opt + ".series.find(s => s.lineStyle.type === 'dashed')")
    assert total["lineStyle"]["color"] == "#111"
    assert page.evaluate(opt + ".yAxis[0].min") == 0
    page.wait_for_timeout(600)
    screenshot("indicators-chart-total")
    page.goto(f"/indicators/chart/?indicator={market.pk}")
    expect(page.locator("#chart canvas")).to_have_count(1)
    expect(page.locator(".card")).not_to_contain_text("虚线")

    # a quarterly indicator chosen on the pivot: its own quarters, no complaint
    page.goto(f"/indicators/pivot/?indicator={fai.pk}&from=2014-01&to=2014-12")
    page.locator("select[name=indicator]").select_option(label="地区生产总值（亿元）")
    page.wait_for_url(re.compile(rf"indicator={cat.by_code['GDP'].pk}"))
    expect(page.locator(".msg-error")).to_have_count(0)
    expect(page.locator("input[name=from]")).to_have_value(re.compile(r"-Q\d$"))
    expect(page.locator("#pivot thead")).to_contain_text("季度")
