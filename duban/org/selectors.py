"""Reads over the organisation: the unit tree and name resolution (names, short names, aliases, pinyin)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from pypinyin import Style, lazy_pinyin

from duban.org.models import Unit, UnitGroup


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    children: list["TreeNode"] = field(default_factory=list)


def unit_tree(units) -> list[TreeNode]:
    """Roots of the tree built from ``units`` (one query; orphans whose parent is filtered out become roots)."""
    rows = list(units.annotate(member_count=Count("memberships", distinct=True)))
    nodes = {u.pk: TreeNode(unit=u, depth=0) for u in rows}
    roots: list[TreeNode] = []
    for u in rows:
        node = nodes[u.pk]
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(node)

    def set_depth(ns: list[TreeNode], d: int) -> None:
        for n in ns:
            n.depth = d
            set_depth(n.children, d + 1)

    set_depth(roots, 0)
    return roots


def flatten_tree(roots: list[TreeNode]) -> list[TreeNode]:
    out: list[TreeNode] = []
    stack = list(reversed(roots))
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(reversed(n.children))
    return out


def pinyin_initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


def unit_search(qs, term: str):
    """Filter by full name, short name, alias (substring) or pinyin initials (prefix, e.g. “sfgw” → 省发改委)."""
    term = term.strip()
    if not term:
        return qs
    base = qs.filter(Q(name__icontains=term) | Q(short_name__icontains=term) | Q(code__icontains=term))
    ids = set(base.values_list("pk", flat=True))
    t = term.lower()
    for u in qs.only("pk", "name", "short_name", "aliases"):
        if u.pk in ids:
            continue
        if any(term in a for a in u.aliases) or any(
            pinyin_initials(n).startswith(t) for n in u.all_names() if t.isascii()
        ):
            ids.add(u.pk)
    return qs.filter(pk__in=ids)


def normalise_name(name: str) -> str:
    """Documents write 各市(州) and 各市（州）; spaces creep in. Compare names in one form."""
    table = str.maketrans({"（": "(", "）": ")", "\u3000": "", " ": ""})
    return name.translate(table).strip()


def resolve_unit_name(name: str, units=None) -> Unit | None:
    """The active unit a document means by ``name`` (full, short or alias), or None."""
    key = normalise_name(name)
    qs = units if units is not None else Unit.objects.filter(is_active=True)
    for u in qs:
        if any(normalise_name(n) == key for n in u.all_names()):
            return u
    return None


def resolve_group_name(name: str) -> UnitGroup | None:
    key = normalise_name(name)
    for g in UnitGroup.objects.prefetch_related("members"):
        if any(normalise_name(n) == key for n in g.all_names()):
            return g
    return None
