"""``python -m docparse`` as a subprocess: output, exit status, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .util import CORPUS_DIR, PROJECT_ROOT, corpus_files, validate

LIAONING = next(p for p in corpus_files() if p.name.startswith("02_liaoning"))
GANSU = next(p for p in corpus_files() if p.name.startswith("04_gansu"))


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DOCPARSE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "docparse", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        **kwargs,
    )


def test_it_prints_the_contract_json():
    result = run(LIAONING)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = validate(json.loads(result.stdout))
    assert data["title"] == "辽宁省2018年推进“一带一路”建设工作要点"
    item = data["sections"][0]["items"][0]["children"][0]
    assert item["entities"] and "measures" in item and "suggestions" in item


def test_it_prints_structure_only_with_no_entities():
    data = validate(json.loads(run(LIAONING, "--no-entities").stdout))
    item = data["sections"][0]["items"][0]["children"][0]
    assert item["entities"] == {} and item["measures"] == [] and "suggestions" not in item
    expected = json.loads((CORPUS_DIR / (LIAONING.stem + ".expected.json")).read_text(encoding="utf-8"))
    assert data == expected


def test_it_prints_a_readable_tree():
    result = run(LIAONING, "--format", "text")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "辽宁省2018年推进“一带一路”建设工作要点"
    assert "一 推进设施联通" in lines
    assert any(line.strip().startswith("一 › （一） › 1 ") for line in lines)
    assert any("【" in line for line in lines)  # entities marked
    assert any(line.strip() == "责任：牵头 省发展改革委；配合 省交通运输厅、沈阳铁路局" for line in lines)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_it_diffs_two_plans(tmp_path, fmt):
    newer = tmp_path / "newer.txt"
    newer.write_text(
        LIAONING.read_text(encoding="utf-8").replace(
            "4.推进丹东至朝鲜新义州跨境电力联网前期研究。（牵头单位：省能源局）\n", ""
        ),
        encoding="utf-8",
    )
    result = run("diff", LIAONING, newer, "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert isinstance(json.loads(result.stdout), dict)
    else:
        assert result.stdout.strip()


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    undecodable = tmp_path / "latin.txt"
    undecodable.write_bytes(b"\x80\x81\xff\xfe abc \x80")
    prose = tmp_path / "prose.txt"
    prose.write_text("这是一段没有编号的文字。\n又一段文字。\n", encoding="utf-8")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(21 * 1024 * 1024)
    return [
        (empty, "文件为空 / file is empty"),
        (binary, "binary data, not text"),
        (undecodable, "undecodable text"),
        (prose, "no recognisable structure"),
        (huge, "file too large (limit 20 MiB)"),
        (tmp_path / "missing.txt", "file not found"),
    ]


def test_bad_input_exits_2_with_one_line_on_stderr(tmp_path):
    for path, reason in _bad_inputs(tmp_path):
        result = run(path)
        assert result.returncode == 2, (path, result.stderr)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert reason in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(f"docparse: {path}: ")


def test_an_image_only_pdf_exits_2_needing_ocr(tmp_path):
    from weasyprint import HTML

    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(HTML(string='<div style="width:80mm;height:40mm;background:#000"></div>').write_pdf())
    result = run(pdf)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"docparse: {pdf}: PDF 没有文字层，需要先做文字识别（OCR） / no text layer: needs OCR\n"
    )


def test_bad_arguments_exit_2_with_one_line():
    for args in ([], ["--format", "xml", str(GANSU)], ["diff", str(GANSU)]):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_a_bad_file_in_a_diff_exits_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run("diff", GANSU, empty)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "file is empty" in result.stderr


def test_main_can_be_called_in_process(capsys):
    from docparse.cli import main

    assert main([str(GANSU), "--no-entities"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["doc_number"] == "甘政发〔2018〕21号"
