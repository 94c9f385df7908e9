"""Fill translations into a catalogue and compile it.

    python scripts/translate.py locale/zh_Hans/LC_MESSAGES/django.po translations.json

translations.json maps msgid → msgstr (for a plural msgid, msgstr is a list). Existing
translations are overwritten by the file's; fuzzy flags are dropped. Prints what is still missing.
"""

import json
import subprocess
import sys
from pathlib import Path

import polib


def main(po_path: str, json_path: str) -> int:
    table = json.loads(Path(json_path).read_text(encoding="utf-8"))
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid in table:
            value = table[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(value if isinstance(value, list) else [value]))
            else:
                entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(Path(po_path).with_suffix(".mo")), po_path], check=True
    )
    missing = [e.msgid for e in po.untranslated_entries()]
    for m in missing:
        print(f"missing: {m!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
