"""Every corpus document parses exactly into its hand-checked ``*.expected.json``.

The expected files hold the structure (entities=False); entities are covered by the
entity tests.  See corpus/README.md for what each document exercises.
"""

from __future__ import annotations

import re

import pytest

import docparse
from docparse import squash
from docparse.numbering import int_to_cn
from docparse.readers import read_file

from .util import SEED_PATH, check, corpus_files, expected_for, items_of

CORPUS = corpus_files()


def test_the_corpus_has_at_least_ten_documents():
    assert len(CORPUS) >= 10
    for path in CORPUS:
        assert path.with_name(path.stem + ".expected.json").exists(), path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_it_parses_the_corpus_document_exactly(path):
    text = read_file(path)
    document = docparse.parse_file(path, entities=False)
    data = check(document, text)
    assert data == expected_for(path)


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_it_parses_the_corpus_with_entities_into_valid_json(path):
    document = docparse.parse_file(path)
    data = check(document, read_file(path))
    for item in items_of(data):
        assert set(item["entities"]) >= {"documents", "places", "projects", "organisations"}
        text = item["title"] + item["body"]
        for found in item["entities"].values():
            for entity in found:
                assert text[entity["start"] : entity["end"]] == entity["text"]
    # the structure is the same with and without entities
    plain = docparse.parse_file(path, entities=False).to_dict()
    assert [i["title"] for i in items_of(plain)] == [i["title"] for i in items_of(data)]


# --- the seed, checked independently of the expected JSON --------------------------------

SEED_ITEM = re.compile(r"^\((.+?)\)(.+)$")


@pytest.fixture(scope="module")
def seed_text():
    if not SEED_PATH.exists():
        pytest.skip("the seed document (../shared/seeds) is not on this machine")
    return SEED_PATH.read_text(encoding="utf-8")


def test_the_seed_comes_out_exactly(seed_text):
    document = docparse.parse_text(seed_text, entities=False)
    data = check(document, seed_text)
    assert data["title"] == "长吉图开发开放先导区战略实施2014年工作要点"
    assert data["issuer"] == "吉林省人民政府办公厅"
    assert data["date"] == "2014-04-25"
    assert data["doc_number"] is None
    assert data["addressees"] == [
        "各市(州)人民政府",
        "省长吉图开发开放先导区战略实施领导小组成员单位",
        "各有关部门、单位",
    ]
    # the header is the forwarding notice, verbatim: addressees, notice, issuer, date
    assert data["header"] == "\n".join(seed_text.splitlines()[:4])
    assert data["preamble"].startswith("2013年,在省委、省政府的正确领导下")
    assert data["preamble"].endswith("重点抓好以下几方面工作:")
    assert [s["number"] for s in data["sections"]] == [int_to_cn(n) for n in range(1, 11)]
    assert data["sections"][0]["title"] == "强化战略实施的总体设计"
    assert data["sections"][9]["title"] == "保障措施"
    assert data["closing"] == ""
    assert data["warnings"] == []
    assert data["attachments"] == []

    # every "(N)…" line of the file is an item: number, lead sentence, rest
    lines = [line for line in seed_text.splitlines() if SEED_ITEM.match(line)]
    items = items_of(data)
    assert len(items) == len(lines) == 45
    for n, (item, line) in enumerate(zip(items, lines, strict=True), 1):
        _, rest = SEED_ITEM.match(line).groups()
        stop = rest.index("。") + 1
        assert item["number"] == f"（{int_to_cn(n)}）"
        assert item["title"] == rest[:stop]
        assert item["body"] == rest[stop:]
        assert item["children"] == []
    assert items[34]["title"] == "进一步加强与俄罗斯、朝鲜的边境贸易合作,大力发展边境贸易、互市贸易。"


def test_the_corpus_copy_of_the_seed_is_the_seed(seed_text):
    copy = next(p for p in CORPUS if p.name.startswith("00_seed"))
    assert squash(copy.read_text(encoding="utf-8")) == squash(seed_text)
