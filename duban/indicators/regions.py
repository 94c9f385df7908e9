"""The region hierarchy of Jilin, read from the committed GB/T 2260 list in docparse/data/.

``load_regions`` is idempotent: it adds what is missing and corrects names and parents that changed
in the file, and never deletes a region (values may point at it). The data migration calls it with
the historical model; ``duban indicators regions`` calls it with the real one.
"""

import json
from pathlib import Path

from django.conf import settings

REGIONS_FILE = Path(settings.BASE_DIR) / "docparse" / "data" / "regions_jilin.json"


def read_regions(path: Path = REGIONS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_regions(region_model, path: Path = REGIONS_FILE) -> dict[str, int]:
    rows = read_regions(path)
    by_code = {r.code: r for r in region_model.objects.all()}
    created = updated = 0
    # the file is sorted by code, so a parent always comes before its children
    for row in sorted(rows, key=lambda r: r["adcode"]):
        parent = by_code.get(row["parent"]) if row.get("parent") else None
        fields = {
            "name": row["name"],
            "short_name": row.get("short") or "",
            "level": row["level"],
            "parent_id": parent.pk if parent else None,
        }
        region = by_code.get(row["adcode"])
        if region is None:
            by_code[row["adcode"]] = region_model.objects.create(code=row["adcode"], **fields)
            created += 1
        elif any(getattr(region, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(region, k, v)
            region.save(update_fields=["name", "short_name", "level", "parent"])
            updated += 1
    return {"regions_created": created, "regions_updated": updated}
