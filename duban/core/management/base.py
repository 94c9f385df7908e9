from django.core.management.base import BaseCommand, CommandError

from duban.core.context import change_source
from duban.core.errors import DubanError


class DubanCommand(BaseCommand):
    """A management command whose changes are audited as coming from the command line, and whose
    domain errors print as one clear line instead of a traceback."""

    def execute(self, *args, **options):
        with change_source("cli"):
            try:
                return super().execute(*args, **options)
            except DubanError as e:
                raise CommandError(e.bilingual()) from e
