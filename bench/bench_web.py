"""Web pages at province scale: the home page and the unit tree with 500 units, p50/p95 over 200
requests through Django's test client (in process, so the figures are the server's own work).
Baseline: /healthz, the cheapest view, in the same run."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_UNITS = 500
N_REQUESTS = 200


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def build_tree():
    from duban.org.models import Membership, Unit, User

    group = Unit.objects.create(code="bench-lg", name="基准领导小组", kind="leading_group")
    office = Unit.objects.create(code="bench-office", name="基准督办办", kind="office", parent=group)
    units = [group, office]
    prefectures = [
        Unit(code=f"p{i}", name=f"第{i}市人民政府", kind="prefecture", aliases=[f"第{i}市"])
        for i in range(20)
    ]
    Unit.objects.bulk_create(prefectures)
    units += prefectures
    counties = []
    for i in range(N_UNITS - len(units)):
        parent = prefectures[i % len(prefectures)]
        counties.append(
            Unit(code=f"c{i}", name=f"第{i}县人民政府", short_name=f"第{i}县", kind="county", parent=parent)
        )
    Unit.objects.bulk_create(counties)
    admin = User.objects.create_user("bench-admin", password="x")
    Membership.objects.create(user=admin, unit=office, role="admin")
    reporter = User.objects.create_user("bench-reporter", password="x")
    Membership.objects.create(user=reporter, unit=counties[0], role="reporter")
    assert Unit.objects.count() == N_UNITS
    return admin, reporter


def run() -> dict:
    setup_django()
    from django.test import Client

    from bench.harness import sample, summary, with_ratio

    admin, reporter = build_tree()
    c = Client()
    c.force_login(admin)

    def get(url):
        def fn():
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return fn

    baseline = summary(sample(get("/healthz"), N_REQUESTS))
    results = {
        "baseline_healthz": baseline,
        "home_admin": with_ratio(summary(sample(get("/"), N_REQUESTS)), baseline),
        "unit_tree_500": with_ratio(summary(sample(get("/units/"), N_REQUESTS)), baseline),
        "unit_tree_search": with_ratio(summary(sample(get("/units/?q=第1"), N_REQUESTS)), baseline),
    }
    c.force_login(reporter)
    results["home_reporter"] = with_ratio(summary(sample(get("/"), N_REQUESTS)), baseline)
    from django.db import connection

    results["_meta"] = {"units": N_UNITS, "requests": N_REQUESTS, "database": connection.vendor}
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
