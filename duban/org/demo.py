"""Demo organisation: the real units of Jilin that the seed plan involves, and one user per role.

Idempotent: existing units and users are left as they are (their edits survive re-runs).
"""

import json
from pathlib import Path

from django.db import transaction

from duban.org import services
from duban.org.models import Membership, Unit, User

DEMO_PASSWORD = "Jilin#2014"

# (username, full name, unit code, role)
DEMO_USERS = [
    ("admin", "王督办", "cjt-office", Membership.Role.ADMIN),
    ("leader", "李领导", "cjt-leading-group", Membership.Role.LEADER),
    ("fgw-reporter", "张承办", "drc", Membership.Role.REPORTER),
    ("fgw-head", "赵处长", "drc", Membership.Role.HEAD),
    ("hunchun-reporter", "金承办", "hunchun", Membership.Role.REPORTER),
    ("hunchun-head", "朴主任", "hunchun", Membership.Role.HEAD),
    ("multi-staff", "刘联络", "commerce", Membership.Role.REPORTER),
    # Separate administrator duties (三员分立): accounts and password rules; the audit log.
    ("secadmin", "孙安全", "cjt-office", Membership.Role.SECURITY),
    ("auditor", "周审计", "cjt-office", Membership.Role.AUDITOR),
]
# Staff of several units at once: the liaison also reports for the port office.
EXTRA_MEMBERSHIPS = [("multi-staff", "port-office", Membership.Role.REPORTER)]


def _data() -> dict:
    return json.loads((Path(__file__).parent / "data" / "demo_units.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_org() -> dict:
    data = _data()
    created_units = 0
    by_code = {u.code: u for u in Unit.objects.all()}
    for order, row in enumerate(data["units"]):
        if row["code"] in by_code:
            continue
        by_code[row["code"]] = services.unit_create(
            actor=None,
            code=row["code"],
            name=row["name"],
            short_name=row.get("short", ""),
            aliases=row.get("aliases", []),
            kind=row["kind"],
            parent=by_code.get(row["parent"]) if row.get("parent") else None,
            sort_order=order,
        )
        created_units += 1
    for g in data["groups"]:
        members = [u for u in by_code.values() if u.kind in g.get("kinds", []) and u.parent_id is None]
        members += [by_code[c] for c in g.get("extra", []) if c in by_code]
        services.unit_group_set(
            actor=None,
            code=g["code"],
            name=g["name"],
            aliases=g.get("aliases", []),
            members=members,
            description=g.get("description", ""),
        )
    created_users = 0
    for username, full_name, unit_code, role in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        services.user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            memberships=[(by_code[unit_code], role)],
        )
        created_users += 1
    for username, unit_code, role in EXTRA_MEMBERSHIPS:
        user = User.objects.get(username=username)
        Membership.objects.get_or_create(user=user, unit=by_code[unit_code], role=role)
    return {"units_created": created_units, "users_created": created_users}


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, username, password, unit) for every demo account, for printing."""
    out = []
    roles = dict(Membership.Role.choices)
    for username, _full, unit_code, role in DEMO_USERS:
        unit = Unit.objects.filter(code=unit_code).first()
        out.append((str(roles[role]), username, DEMO_PASSWORD, unit.display_name if unit else ""))
    return out
