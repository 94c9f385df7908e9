"""Extension points for other apps, sent inside the service's transaction."""

from django.dispatch import Signal

# sender=Report, report=<Report>, actor=<User>: the office accepted the report.
report_accepted = Signal()
