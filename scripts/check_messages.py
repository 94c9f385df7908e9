"""Fail if the Chinese catalogue is incomplete or stale: every msgid translated, nothing fuzzy,
and the compiled .mo up to date with the .po (the .mo is committed: no gettext needed at run time)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
MAKEMESSAGES_IGNORE = [
    "-i",
    ".venv/*",
    "-i",
    "var/*",
    "-i",
    "docparse/*",
    "-i",
    "bench/*",
    "-i",
    "tests/*",
    "-i",
    "static/*",
]
problems = []
for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{po_path.relative_to(ROOT)}: fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                problems.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path.relative_to(ROOT)} is missing: run make messages")
    else:
        compiled = {
            (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(mo_path))
        }
        source = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po.translated_entries()}
        if compiled != source:
            problems.append(f"{mo_path.relative_to(ROOT)} is stale: run make messages")

# Every string marked in the code must be in the catalogue: run makemessages into a scratch copy
# of locale/ (the real one is left untouched) and look for entries the copy gained.
with tempfile.TemporaryDirectory() as tmp:
    shutil.copytree(ROOT / "locale", Path(tmp) / "locale")
    env = {**os.environ, "DUBAN_LOCALE_DIR": str(Path(tmp) / "locale")}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "-v0",
            *MAKEMESSAGES_IGNORE,
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    fresh = polib.pofile(str(Path(tmp) / "locale/zh_Hans/LC_MESSAGES/django.po"))
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    for entry in fresh:
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known:
            problems.append(f"not in the catalogue (run make messages, then translate): {entry.msgid!r}")

if problems:
    print("\n".join(problems))
    print(f"{len(problems)} translation problem(s) / 翻译不完整")
    sys.exit(1)
print("translations complete / 翻译完整")
