import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from duban.plans.models import Assignment, Plan
from duban.plans.tests.helpers import SEED
from tests.e2e.test_login_roles import login


@pytest.mark.django_db(transaction=True)
def test_import_assign_export_edit_reimport(page, screenshot, tmp_path):
    from duban.org.demo import load_demo_org

    load_demo_org()
    login(page, "admin")
    # 1. import the seed document in the browser
    page.get_by_role("link", name="工作要点", exact=True).click()
    page.get_by_role("link", name="导入工作要点文件").click()
    page.get_by_label("工作要点文件").set_input_files(str(SEED))
    page.get_by_label("年度：", exact=True).fill("2014")
    page.get_by_role("button", name="解析文件").click()
    page.get_by_role("heading", name="核对解析结果").wait_for()
    expect(page.locator("#preview-tree .pv-item")).to_have_count(45)
    expect(page.locator("mark.ent-doc_numbers").first).to_be_visible()
    screenshot("plan-import-preview")
    page.get_by_role("button", name="创建计划").click()
    page.get_by_role("heading", name="任务分工").wait_for()
    expect(page.locator("tr.dv-row")).to_have_count(45)
    screenshot("plan-division")

    # 2. assign a lead unit inline with the picker (pinyin initials, keyboard)
    row = page.locator("tr.dv-row").first
    row.get_by_role("button", name="编辑").click()
    edit = page.locator("tr.editing")
    picker = edit.locator("[data-picker]").first.locator("[data-picker-input]")
    picker.fill("sfgw")
    expect(edit.locator(".picker-results li").first).to_contain_text("省发展改革委")
    picker.press("Enter")
    coop = edit.locator("[data-picker]").nth(1).locator("[data-picker-input]")
    coop.fill("商务")
    expect(edit.locator(".picker-results li").first).to_contain_text("省商务厅")
    coop.press("Enter")
    screenshot("plan-division-editing")
    edit.get_by_role("button", name="保存").click()
    expect(page.locator("tr.editing")).to_have_count(0)  # the server answered with the saved row
    expect(page.locator("tr.dv-row").first.locator("td").nth(3).locator("b")).to_have_text("省发展改革委")
    expect(page.locator("tr.dv-row").first).to_contain_text("省商务厅")
    plan = Plan.objects.get()
    a = Assignment.objects.get(item__plan=plan, item__key="（一）", measure=None)
    assert a.lead_unit.short_name == "省发展改革委"

    # 3. export the xlsx, change it, import it back
    with page.expect_download() as dl:
        page.get_by_role("link", name="导出 Excel").click()
    path = tmp_path / "division.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    ws = wb["分工"]
    assert ws["B2"].value == "（一）"
    ws["E2"] = "珲春市人民政府"
    ws["G2"] = "金承办"
    wb.save(path)
    page.get_by_role("link", name="导入修改后的 Excel").click()
    page.get_by_label("修改后的分工表（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="检查表格").click()
    page.get_by_role("heading", name="表格带来的变化").wait_for()
    expect(page.locator("table.diff")).to_contain_text("珲春市政府")
    screenshot("plan-division-upload-diff")
    page.get_by_role("button", name="应用全部修改").click()
    expect(page.locator("tr.dv-row").first).to_contain_text("珲春市政府")
    expect(page.locator("tr.dv-row").first).to_contain_text("金承办")
    a.refresh_from_db()
    assert a.lead_unit.short_name == "珲春市政府"
    screenshot("plan-division-after-reimport")


@pytest.mark.django_db(transaction=True)
def test_a_unit_signs_for_its_tasks(page, screenshot):
    call_command("demo", "--quiet-logins")
    login(page, "hunchun-reporter")
    page.get_by_role("link", name="我的任务").click()
    page.get_by_role("heading", name="请签收").wait_for()
    screenshot("my-tasks-before-receipt")
    page.get_by_role("button", name="签收").first.click()
    page.get_by_text("已签收").first.wait_for()
    expect(page.locator("table")).to_contain_text("珲春")
    screenshot("my-tasks")


@pytest.mark.django_db(transaction=True)
def test_a_word_division_table_is_imported_fully_assigned(page, screenshot, tmp_path):
    """A 任务分工表 as a Word table (merged group cells, a header row repeated by hand)
    imported in the browser: the preview says every item has its lead unit, and the 分工
    screen shows them."""
    from docparse.tests.builders import GD_TABLE, GD_TITLE, TABLE_HEADER, docx_table
    from duban.org.demo import load_demo_org
    from duban.org.models import Unit

    load_demo_org()
    for k, name in enumerate(["省科技厅", "省工业和信息化厅", "省政务和数据局", "省国资委"]):
        Unit.objects.get_or_create(
            short_name=name, defaults={"code": f"gd{k}", "name": f"广东{name}", "kind": Unit.Kind.DEPARTMENT}
        )
    path = tmp_path / "数字广东2025任务分工表.docx"
    path.write_bytes(docx_table(GD_TITLE, TABLE_HEADER, GD_TABLE, merge_column=1, repeat_header_at=3))
    login(page, "admin")
    page.goto("/plans/import/")
    page.get_by_label("工作要点文件").set_input_files(str(path))
    page.get_by_label("年度：", exact=True).fill("2025")
    page.get_by_role("button", name="解析文件").click()
    page.get_by_role("heading", name="核对解析结果").wait_for()
    expect(page.locator("#preview-tree .pv-item")).to_have_count(5)
    expect(page.get_by_text("5 条中有 5 条已由文件确定牵头单位")).to_be_visible()
    screenshot("plan-import-preview-division-table")
    page.get_by_role("button", name="创建计划").click()
    page.get_by_role("heading", name="任务分工").wait_for()
    expect(page.locator("tr.dv-row")).to_have_count(5)
    expect(page.locator("tr.dv-row").first).to_contain_text("省科技厅")
    screenshot("plan-division-from-table")
    assert Assignment.objects.filter(item__plan=Plan.objects.get(), lead_unit__isnull=True).count() == 0
