"""Load Jilin's regions (GB/T 2260) from docparse/data/regions_jilin.json.

The loader is frozen here, written against the historical model, so later changes to the app's
own ``duban.indicators.regions`` (which ``duban indicators regions`` uses) cannot break this step."""

import json
from pathlib import Path

from django.db import migrations

REGIONS_FILE = Path(__file__).resolve().parents[3] / "docparse" / "data" / "regions_jilin.json"


def load(apps, schema_editor):
    Region = apps.get_model("indicators", "Region")
    rows = json.loads(REGIONS_FILE.read_text(encoding="utf-8"))
    by_code = {r.code: r for r in Region.objects.all()}
    for row in sorted(rows, key=lambda r: r["adcode"]):  # a parent's code sorts before its children's
        parent = by_code.get(row["parent"]) if row.get("parent") else None
        fields = {
            "name": row["name"],
            "short_name": row.get("short") or "",
            "level": row["level"],
            "parent_id": parent.pk if parent else None,
        }
        if row["adcode"] not in by_code:
            by_code[row["adcode"]] = Region.objects.create(code=row["adcode"], **fields)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
