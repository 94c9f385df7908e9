"""Extension points for other apps (a plan was imported), sent inside the service's transaction."""

from django.dispatch import Signal

# sender=Plan, plan=<Plan>, actor=<User|None>: the plan and its items exist; other apps may add to it.
plan_imported = Signal()
