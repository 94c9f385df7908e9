"""Readers: text encodings, .docx (numbering, tables) and PDF (text layer, page furniture)."""

from __future__ import annotations

import html
import io
import zipfile

import pytest

import docparse
from docparse import ParseError, squash
from docparse import errors as E
from docparse.readers import decode_text, drop_page_furniture, format_number, join_pdf_lines, read_bytes

from .util import SEED_PATH, check, corpus_files, items_of

PLAN = "吉林省2016年工作要点\n为做好工作，制定本要点。\n一、总体要求\n（一）加快建设。完成投资。\n（二）强化保障。\n"


def reason(error: ParseError) -> tuple[str, str]:
    return error.zh, error.en


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("utf-16"),
        lambda t: t.replace("\n", "\r\n").encode("gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-bom", "gb18030-crlf"],
)
def test_it_decodes_text_by_content(encode):
    text = read_bytes(encode(PLAN))
    assert text == PLAN
    document = docparse.parse_text(text, entities=False)
    assert document.title == "吉林省2016年工作要点"


def test_the_file_name_does_not_decide_the_encoding(tmp_path):
    path = tmp_path / "plan.utf8.txt"
    path.write_bytes(PLAN.encode("gb18030"))
    assert docparse.parse_file(path, entities=False).title == "吉林省2016年工作要点"


def test_the_gb18030_corpus_document_is_gb18030():
    path = next(p for p in corpus_files() if "gb18030" in p.name)
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_bytes(data) == data.decode("gb18030")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", E.EMPTY),
        (b"  \r\n\t\n", E.EMPTY),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", E.BINARY),
        (bytes(range(256)) * 4, E.BINARY),
        ("一、計画".encode("shift_jis") + b"\x80\xff\xfe\x80", E.UNDECODABLE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, E.LEGACY_DOC),
        (b"%PDF-1.4\n garbage that is not a pdf", E.BAD_PDF),
        (b"PK\x03\x04 broken zip", E.BAD_DOCX),
    ],
    ids=["empty", "blank", "png", "bytes", "undecodable", "legacy-doc", "bad-pdf", "bad-zip"],
)
def test_it_refuses_bad_input_with_a_reason(data, message):
    with pytest.raises(ParseError) as info:
        read_bytes(data, "upload.bin")
    assert reason(info.value) == message
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("upload.bin: ")


def test_a_zip_that_is_not_a_docx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ParseError) as info:
        read_bytes(buffer.getvalue())
    assert reason(info.value) == E.UNSUPPORTED_ZIP


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(docparse.readers, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_bytes(PLAN.encode("utf-8") * 100)
    with pytest.raises(ParseError) as info:
        docparse.parse_file(path)
    assert info.value.en == "file too large (limit 1000 B)"


def test_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(docparse.readers, "MAX_TEXT_CHARS", 50)
    with pytest.raises(ParseError) as info:
        read_bytes(PLAN.encode("utf-8") * 10)
    assert info.value.en.startswith("file too large")


def test_a_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(ParseError) as info:
        docparse.parse_file(tmp_path / "nope.txt")
    assert reason(info.value) == E.NOT_FOUND


def test_carriage_returns_and_the_bom_are_removed():
    assert decode_text("\ufeff一、甲\r\n（一）乙。\r".encode()) == "一、甲\n（一）乙。\n"


# --- .docx --------------------------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _level(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
    )


def _numbered(document, text: str, num_id: int, ilvl: int):
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {W}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def build_docx() -> bytes:
    """A plan whose numbers are all Word automatic numbering, with a task table."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="90">'
        + _level(0, "chineseCounting", "%1、")
        + _level(1, "chineseCounting", "（%2）")
        + _level(2, "decimal", "%3.")
        + _level(3, "decimalEnclosedCircle", "%4")
        + "</w:abstractNum>"
    )
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    # a second list instance of the same definition that starts its items at （五）
    numbering.append(
        parse_xml(
            f'<w:num {W} w:numId="91"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
        )
    )

    document.add_paragraph("吉林省2020年冰雪产业发展工作要点")
    document.add_paragraph("为加快冰雪产业发展，制定本工作要点。")
    _numbered(document, "加快冰雪基础设施建设", 90, 0)
    _numbered(document, "推进雪场建设。新建改造雪道20条。", 90, 1)
    _numbered(document, "北大壶滑雪场扩建。", 90, 2)
    _numbered(document, "松花湖滑雪场二期。", 90, 2)
    _numbered(document, "完善交通配套。", 90, 1)
    _numbered(document, "开通滑雪专线。", 90, 2)
    _numbered(document, "新增专线4条。", 90, 3)
    _numbered(document, "增设停车场。", 90, 3)
    _numbered(document, "培育冰雪产业", 90, 0)
    document.add_paragraph("重点任务见下表：")
    table = document.add_table(rows=4, cols=3)
    rows = [
        ("序号", "工作任务", "责任单位"),
        ("1", "建设冰雪旅游度假区", "省文化和旅游厅、省体育局"),
        ("2", "举办冰雪博览会", "省商务厅"),
        ("3", "培养冰雪人才", "省教育厅"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    _numbered(document, "强化保障", 90, 0)
    _numbered(document, "加强组织领导。", 91, 1)
    document.add_paragraph("吉林省冰雪产业发展领导小组办公室")
    document.add_paragraph("2020年3月2日")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_bytes():
    return build_docx()


def test_it_renders_word_automatic_numbering_as_a_reader_sees_it(docx_bytes):
    text = read_bytes(docx_bytes)
    lines = text.splitlines()
    assert lines[2:11] == [
        "一、加快冰雪基础设施建设",
        "（一）推进雪场建设。新建改造雪道20条。",
        "1.北大壶滑雪场扩建。",
        "2.松花湖滑雪场二期。",
        "（二）完善交通配套。",
        "1.开通滑雪专线。",
        "①新增专线4条。",
        "②增设停车场。",
        "二、培育冰雪产业",
    ]
    assert "三、强化保障" in lines
    assert "（五）加强组织领导。" in lines


def test_it_reads_tables_one_cell_per_line_in_document_order(docx_bytes):
    lines = read_bytes(docx_bytes).splitlines()
    start = lines.index("序号")
    assert lines[start - 1] == "重点任务见下表："
    assert lines[start : start + 7] == [
        "序号",
        "工作任务",
        "责任单位",
        "1",
        "建设冰雪旅游度假区",
        "省文化和旅游厅、省体育局",
        "2",
    ]
    assert lines[start + 12] == "三、强化保障"


def test_a_docx_plan_parses_into_its_structure(docx_bytes, tmp_path):
    path = tmp_path / "plan.bin"  # the name says nothing: the content decides
    path.write_bytes(docx_bytes)
    document = docparse.parse_file(path, entities=False)
    data = check(document, read_bytes(docx_bytes))
    assert data["title"] == "吉林省2020年冰雪产业发展工作要点"
    assert [s["number"] for s in data["sections"]] == ["一", "二", "三"]
    first, second, third = data["sections"]
    assert [i["number"] for i in first["items"]] == ["（一）", "（二）"]
    assert [c["number"] for c in first["items"][1]["children"][0]["children"]] == ["①", "②"]
    assert [(i["number"], i["title"]) for i in second["items"]] == [
        ("1", "建设冰雪旅游度假区"),
        ("2", "举办冰雪博览会"),
        ("3", "培养冰雪人才"),
    ]
    assert second["items"][0]["responsibility"]["lead"] == ["省文化和旅游厅", "省体育局"]
    assert second["body"] == "重点任务见下表：\n序号\n工作任务\n责任单位"
    assert third["items"][0]["number"] == "（五）"
    assert data["issuer"] == "吉林省冰雪产业发展领导小组办公室"
    assert data["date"] == "2020-03-02"


def test_merged_cells_are_read_once():
    import docx

    document = docx.Document()
    document.add_paragraph("一、任务")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "范围"
    table.cell(1, 0).text = "1"
    table.cell(2, 0).text = "2"
    merged = table.cell(1, 1).merge(table.cell(2, 1))
    merged.text = "全省"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue()).splitlines() == ["一、任务", "序号", "范围", "1", "全省", "2"]


@pytest.mark.parametrize(
    ("n", "fmt", "text"),
    [
        (3, "decimal", "3"),
        (12, "chineseCounting", "十二"),
        (21, "chineseCountingThousand", "二十一"),
        (3, "decimalEnclosedCircle", "③"),
        (3, "decimalEnclosedCircleChinese", "③"),
        (4, "ideographTraditional", "丁"),
        (12, "chineseLegalSimplified", "拾贰"),
        (2014, "ideographDigital", "二〇一四"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (7, "decimalFullWidth", "７"),
        (7, "none", ""),
    ],
)
def test_it_formats_word_number_formats(n, fmt, text):
    assert format_number(n, fmt) == text


# --- PDF ----------------------------------------------------------------------------------

PAGE_CSS = """
@page {{ size: A4; margin: 30mm 25mm;
  @top-center {{ content: "{header}"; font-size: 9pt }}
  @bottom-center {{ content: {footer}; font-size: 10pt }} }}
body {{ font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 14pt; line-height: 1.6 }}
p {{ margin: 0; text-indent: 2em; text-align: justify }}
"""


def render_pdf(text: str, header: str = "", footer: str = '"- " counter(page) " -"') -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    css = PAGE_CSS.format(header=header, footer=footer)
    return HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf()


@pytest.fixture(scope="module")
def seed_text():
    if not SEED_PATH.exists():
        pytest.skip("the seed document (../shared/seeds) is not on this machine")
    return SEED_PATH.read_text(encoding="utf-8")


def _same_structure(a: docparse.Document, b: docparse.Document) -> None:
    assert (a.title, a.issuer, a.date, a.addressees) == (b.title, b.issuer, b.date, b.addressees)
    assert squash(a.header) == squash(b.header)
    assert squash(a.preamble) == squash(b.preamble)
    assert [(s.number, s.title) for s in a.sections] == [(s.number, s.title) for s in b.sections]
    got = list(a.items())
    want = list(b.items())
    assert [i.number for i in got] == [i.number for i in want]
    for x, y in zip(got, want, strict=True):
        assert squash(x.title) == squash(y.title)
        assert squash(x.body) == squash(y.body)


def test_a_pdf_of_the_seed_parses_like_the_text(seed_text):
    pdf = render_pdf(seed_text, header="吉林省人民政府办公厅文件")
    text = read_bytes(pdf)
    assert "- 2 -" not in text and "吉林省人民政府办公厅文件" not in text
    from_pdf = docparse.parse_text(text, entities=False)
    check(from_pdf, text)
    _same_structure(from_pdf, docparse.parse_text(seed_text, entities=False))
    assert from_pdf.warnings == []


@pytest.mark.parametrize("name", ["02_liaoning", "06_sichuan"])
def test_a_pdf_of_a_corpus_document_parses_like_the_text(name):
    path = next(p for p in corpus_files() if p.name.startswith(name))
    source = path.read_text(encoding="utf-8")
    pdf = render_pdf(source, footer='"第 " counter(page) " 页"')
    text = read_bytes(pdf)
    from_pdf = docparse.parse_text(text, entities=False)
    check(from_pdf, text)
    _same_structure(from_pdf, docparse.parse_text(source, entities=False))
    assert len(from_pdf.attachments) == len(docparse.parse_text(source, entities=False).attachments)


def test_an_image_only_pdf_needs_ocr():
    from weasyprint import HTML

    pdf = HTML(string='<div style="width:100mm;height:60mm;background:#333"></div>').write_pdf()
    with pytest.raises(ParseError) as info:
        read_bytes(pdf, "scan.pdf")
    assert info.value.en == "no text layer: needs OCR"
    assert str(info.value) == "scan.pdf: PDF 没有文字层，需要先做文字识别（OCR） / no text layer: needs OCR"


def test_page_numbers_and_running_heads_are_dropped():
    pages = [
        "吉林省人民政府公报\n一、甲\n（一）乙。\n- 1 -",
        "吉林省人民政府公报\n（二）丙。\n第2页 共3页",
        "吉林省人民政府公报\n（三）丁。\n3",
    ]
    assert drop_page_furniture(pages) == ["一、甲", "（一）乙。", "（二）丙。", "（三）丁。"]


def test_lines_broken_by_the_page_width_are_joined():
    full = "这" * 30
    lines = ["一、总体要求", "（一）加快" + "建" * 27, "设步伐。完成投资。", full, "继续。", "（二）保障。"]
    assert join_pdf_lines(lines) == [
        "一、总体要求",
        "（一）加快" + "建" * 27 + "设步伐。完成投资。",
        full + "继续。",
        "（二）保障。",
    ]


def test_items_of_a_docx_are_schema_valid_with_entities(docx_bytes):
    document = docparse.parse_bytes(docx_bytes, name="plan.docx")
    data = check(document, read_bytes(docx_bytes))
    assert all("entities" in item for item in items_of(data))
