"""What a person sees when a hostile file is uploaded: the message under the field, nothing saved."""

import pytest
from playwright.sync_api import expect

from duban.core.tests.hostile import docx_bomb, legacy_ole, real_docx
from duban.plans.models import ImportDraft, Plan
from tests.e2e.test_login_roles import login


@pytest.mark.django_db(transaction=True)
def test_a_bomb_and_a_password_protected_file_are_refused_with_a_message(page, screenshot, tmp_path):
    from duban.org.demo import load_demo_org

    load_demo_org()
    login(page, "admin")
    bomb = tmp_path / "工作要点.docx"
    bomb.write_bytes(docx_bomb(300))
    page.goto("/plans/import/")
    page.get_by_label("工作要点文件").set_input_files(str(bomb))
    page.get_by_label("年度：", exact=True).fill("2014")
    page.get_by_role("button", name="解析文件").click()
    expect(page.get_by_text("疑似压缩炸弹")).to_be_visible()
    screenshot("upload-refused-bomb")
    old = tmp_path / "旧版.docx"
    old.write_bytes(legacy_ole(real_docx()))
    page.get_by_label("工作要点文件").set_input_files(str(old))
    page.get_by_role("button", name="解析文件").click()
    expect(page.get_by_text("旧版 Office 文件")).to_be_visible()
    assert not ImportDraft.objects.exists() and not Plan.objects.exists()
