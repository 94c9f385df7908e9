"""The ``duban`` console script: Django's management commands plus duban's own (demo, backup, …).

``duban parse FILE`` and ``duban parse diff OLD NEW`` are docparse's own command line, run
without starting Django.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "duban"
    if argv[1:2] == ["parse"]:
        import docparse

        return docparse.main(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0
