"""Shared set-up for plan tests: the seed plan imported once per test class."""

from functools import cache
from pathlib import Path

import docparse
from duban.plans.importer import plan_import

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
SEED = DEMO / "2014_changjitu_work_points.txt"
SEED_2015 = DEMO / "2015_changjitu_work_points.txt"


@cache
def parsed(path: Path) -> dict:
    return docparse.parse_bytes(path.read_bytes(), name=path.name).to_dict()


def import_seed(actor=None, path: Path = SEED, year: int = 2014, previous=None):
    import copy

    data = path.read_bytes()
    return plan_import(
        actor=actor,
        doc=copy.deepcopy(parsed(path)),
        year=year,
        source_name=path.name,
        source_bytes=data,
        source_text=data.decode("utf-8"),
        previous=previous,
    )
