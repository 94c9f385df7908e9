"""The real corpus (realcorpus/, see its README for the sources): every document parses
into valid, lossless JSON, and the whole corpus meets the goals of issue 15 — mean item
F1 ≥ 0.97 and ≥ 95 % of tagged items with the right lead unit — against the hand-checked
expected items."""

from __future__ import annotations

import pytest

import docparse
from docparse.readers import read_file

from .scoring import real_corpus_files, score_corpus, score_document, summarise
from .util import check

FILES = real_corpus_files()


def test_the_real_corpus_has_at_least_twenty_documents_each_with_its_expected_items():
    assert len(FILES) >= 20
    for path in FILES:
        assert path.with_name(path.stem + ".expected.json").exists(), path.name


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_real_document_parses_into_valid_lossless_json_or_is_refused_for_having_no_plan(path):
    try:
        document = docparse.parse_file(path, entities=False)
    except docparse.ParseError:
        assert score_document(path).expected == 0  # only a document without items may be refused
        return
    check(document, read_file(path))


def test_the_real_corpus_meets_the_item_and_lead_unit_goals():
    summary = summarise(score_corpus(FILES))
    assert summary["mean_item_f1"] >= 0.97, summary
    assert summary["lead_accuracy"] >= 0.95, summary


@pytest.mark.parametrize(
    "name", ["r10_hangzhou_2020_zerenfenjie_notice", "r21_mingxi_2016_shipin_anquan_yingji"]
)
def test_a_notice_without_its_plan_yields_no_items(name):
    path = next(p for p in FILES if p.stem == name)
    assert score_document(path).predicted == 0


@pytest.mark.parametrize(
    ("name", "title", "issuer", "date"),
    [
        # the 落款 of the notice comes before the plan's body: it gives issuer and date, not the title
        (
            "r07_beijing_2016_zhengwu_gongkai",
            "北京市2016年政务公开工作要点",
            "北京市人民政府办公厅",
            "2016-05-28",
        ),
        (
            "r12_yueyang_2017_zhengwu_gongkai",
            "关于全面推进政务公开工作的实施意见",
            "中共岳阳市委办公室、岳阳市人民政府办公室",
            "2017-01-10",
        ),
        (
            "r14_sichuan_2022_xiandai_liutong",
            "四川省“十四五”现代流通体系建设实施方案",
            "四川省发展和改革委员会",
            "2022-10-18",
        ),
        (
            "r18_guobanhan_2016_38_lianghua_zhibiao",
            "2016年《政府工作报告》量化指标任务分工",
            "国务院办公厅",
            "2016-04-06",
        ),
    ],
)
def test_the_header_of_a_forwarding_notice(name, title, issuer, date):
    document = docparse.parse_file(next(p for p in FILES if p.stem == name), entities=False)
    assert (document.title, document.issuer, document.date) == (title, issuer, date)
