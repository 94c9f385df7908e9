"""The ``duban`` console script: Django's management commands plus duban's own (demo, backup, …)."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "duban"
    execute_from_command_line(argv)
    return 0
