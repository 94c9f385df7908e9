"""Benchmarks measure the app as it is deployed: with DEBUG off, Django does not keep (and format)
every query it runs, which at 100,000-row imports would cost more than the work measured."""

import os

os.environ.setdefault("DUBAN_DEBUG", "0")
