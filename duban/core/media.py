"""Files in media that no row refers to: what an upload killed between writing its file and
committing its row leaves behind (a refused upload writes nothing; a failed one rolls back its
row, but a file is not part of a transaction)."""

import datetime
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import FileField


def referenced() -> set[str]:
    """The media-relative names every FileField of every model holds."""
    names: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, FileField):
                names.update(model._base_manager.exclude(**{f.attname: ""}).values_list(f.attname, flat=True))
    return names


def orphans(older_than: datetime.timedelta) -> list[Path]:
    """Files under MEDIA_ROOT that no row names, last written more than ``older_than`` ago (younger
    ones may belong to an upload still in progress)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    known = referenced()
    cutoff = time.time() - older_than.total_seconds()
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.relative_to(root).as_posix() not in known and p.stat().st_mtime < cutoff
    )
