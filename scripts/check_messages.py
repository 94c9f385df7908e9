"""Fail if a Chinese catalogue is incomplete or stale.

Catalogues: locale/ (project-wide strings) and duban/<app>/locale/ (each app owns its strings).
Checks: every msgid translated, nothing fuzzy, each compiled .mo identical to its .po (the .mo files
are committed, so no gettext is needed at run time), and no string marked in the code that is
missing from the catalogues — found by running makemessages in a scratch copy of the tree.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
MAKEMESSAGES = ["makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete", "-v0"]
IGNORE = [".venv/*", "var/*", "docparse/*", "bench/*", "tests/*", "static/*", "test-artifacts/*"]


def catalogues(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
        if ".venv" not in p.parts and "var" not in p.relative_to(root).parts[:1]
    )


def check_po(po_path: Path, problems: list[str]) -> None:
    rel = po_path.relative_to(ROOT)
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{rel}: fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                problems.append(f"{rel}: untranslated: {entry.msgid!r}")
        elif not entry.msgstr:
            problems.append(f"{rel}: untranslated: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path.relative_to(ROOT)} is missing: run make messages")
        return
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(mo_path))}
    source = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po.translated_entries()}
    if compiled != source:
        problems.append(f"{mo_path.relative_to(ROOT)} is stale: run make messages")


def check_sources(problems: list[str]) -> None:
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            src = ROOT / f
            if src.is_file():
                dst = Path(tmp) / f
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
        env = {
            **os.environ,
            "DUBAN_LOCALE_DIR": str(Path(tmp) / "locale"),
            "DUBAN_VAR_DIR": str(Path(tmp) / "var"),
        }
        args = [sys.executable, "manage.py", *MAKEMESSAGES]
        for pattern in IGNORE:
            args += ["-i", pattern]
        subprocess.run(args, cwd=tmp, env=env, check=True)
        for fresh_path in catalogues(Path(tmp)):
            rel = fresh_path.relative_to(tmp)
            real = ROOT / rel
            known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(real))} if real.exists() else set()
            for entry in polib.pofile(str(fresh_path)):
                if not entry.obsolete and (entry.msgctxt, entry.msgid) not in known:
                    problems.append(
                        f"{rel}: not in the catalogue (run make messages, then translate): {entry.msgid!r}"
                    )


def main() -> int:
    problems: list[str] = []
    for po_path in catalogues(ROOT):
        check_po(po_path, problems)
    check_sources(problems)
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} translation problem(s) / 翻译不完整")
        return 1
    print("translations complete / 翻译完整")
    return 0


if __name__ == "__main__":
    sys.exit(main())
