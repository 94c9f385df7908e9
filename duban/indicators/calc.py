"""Pure calculation for the indicator system: periods, formulas, the dependency graph, aggregation.

Nothing here touches the database. Formulas are parsed by a small tokenizer and a recursive-descent
parser into a tree of nodes; nothing is ever evaluated by Python's ``eval``. Values are ``Decimal``
so that sums are exact; ``None`` means "no value" and propagates through every operation.

Grammar (full-width operators and brackets are accepted and normalised first)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("-" | "+") unary | atom
    atom   := NUMBER | CODE | CODE "(" expr ("," expr)* ")" | "(" expr ")"

Functions: ``prev(e)`` the previous period, ``ly(e)`` the same period last year, ``yoy(e)`` year-on-year
growth in % (同比), ``mom(e)`` growth on the previous period in % (环比), ``abs``, ``min``, ``max``,
``round(e, n)``.
"""

from __future__ import annotations

import decimal
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

D = Decimal
CTX = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)
HUNDRED = D(100)

# --- periods ------------------------------------------------------------------------------------

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PER_YEAR = {MONTH: 12, QUARTER: 4, YEAR: 1}

PERIOD_BAD = _(
    "“%(code)s” is not a period: write 2014-05 for a month, 2014-Q2 for a quarter or 2014 for a year."
)


class PeriodError(ValueError):
    pass


class PeriodKey(NamedTuple):
    """A reporting period: (year, kind, number); number is the month, the quarter, or 1 for a year.
    A named tuple, not a dataclass: engines hash millions of these keys, and tuple hashing is in C."""

    year: int
    kind: str
    num: int

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.num:02d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.num}"
        return f"{self.year:04d}"

    @property
    def ordinal(self) -> int:
        return self.year * PER_YEAR[self.kind] + self.num - 1

    @classmethod
    def from_ordinal(cls, kind: str, ordinal: int) -> PeriodKey:
        year, rest = divmod(ordinal, PER_YEAR[kind])
        return cls(year, kind, rest + 1)

    def __str__(self) -> str:
        return self.code

    def shift(self, periods: int = 0, years: int = 0) -> PeriodKey:
        return PeriodKey.from_ordinal(self.kind, self.ordinal + periods + years * PER_YEAR[self.kind])

    def prev(self) -> PeriodKey:
        return self.shift(-1)

    def last_year(self) -> PeriodKey:
        return self.shift(years=-1)

    @property
    def first_of_year(self) -> bool:
        return self.num == 1


def parse_period(code: object) -> PeriodKey:
    """Read 2014-05 / 2014年5月 / 2014-Q2 / 2014Q2 / 2014年第2季度 / 2014 / 2014年 (and Excel's 201405)."""
    text = normalise(str(code or "")).strip().upper()
    text = text.replace("年第", "-Q").replace("季度", "").replace("年", "-").replace("月", "").rstrip("-")
    text = text.replace("/", "-").replace(".", "-").replace(" ", "")
    try:
        if len(text) == 4 and text.isdigit():
            key = PeriodKey(int(text), YEAR, 1)
        elif "Q" in text:
            y, q = text.replace("-Q", "Q").split("Q")
            key = PeriodKey(int(y), QUARTER, int(q))
        elif "-" in text:
            y, m = text.split("-")
            key = PeriodKey(int(y), MONTH, int(m))
        elif len(text) == 6 and text.isdigit():
            key = PeriodKey(int(text[:4]), MONTH, int(text[4:]))
        else:
            raise ValueError(text)
    except ValueError:
        raise PeriodError(PERIOD_BAD % {"code": code}) from None
    if not (1900 <= key.year <= 2200) or not (1 <= key.num <= PER_YEAR[key.kind]):
        raise PeriodError(PERIOD_BAD % {"code": code})
    return key


def current_ordinals(day) -> dict[str, int]:
    """The ordinal of the period under way on ``day``, for each period type: a later one has not begun."""
    return {
        MONTH: PeriodKey(day.year, MONTH, day.month).ordinal,
        QUARTER: PeriodKey(day.year, QUARTER, (day.month - 1) // 3 + 1).ordinal,
        YEAR: PeriodKey(day.year, YEAR, 1).ordinal,
    }


def period_range(first: PeriodKey, last: PeriodKey) -> list[PeriodKey]:
    if first.kind != last.kind:
        raise PeriodError(PERIOD_BAD % {"code": last.code})
    return [PeriodKey.from_ordinal(first.kind, o) for o in range(first.ordinal, last.ordinal + 1)]


# --- formulas: tokens ---------------------------------------------------------------------------

FORMULA_EMPTY = _("The formula is empty.")
FORMULA_BAD_CHAR = _("Unexpected character “%(char)s” at position %(pos)s of the formula.")
FORMULA_BAD_NUMBER = _("“%(text)s” at position %(pos)s is not a number.")
FORMULA_UNEXPECTED = _("Unexpected “%(text)s” at position %(pos)s of the formula.")
FORMULA_UNCLOSED = _("A bracket opened in the formula is not closed.")
FORMULA_INCOMPLETE = _("The formula ends too early: something is missing after the last operator or comma.")
FORMULA_UNKNOWN_FUNCTION = _("Unknown function “%(name)s”; use prev, ly, yoy, mom, abs, min, max or round.")
FORMULA_ARITY = _("The function “%(name)s” takes %(n)s argument(s).")
FORMULA_ROUND_DIGITS = _("The second argument of round() must be a whole number from 0 to 6.")
FORMULA_TOO_DEEP = _("The formula is nested too deeply.")
FORMULA_TOO_LONG = _("The formula is too long (at most 500 characters).")
FORMULA_DIVIDES_BY_ZERO = _(
    "The formula divides by zero (“/ %(text)s”), so it would never give a figure. Divide by an indicator or by a number other than 0."
)


def normalise(text: str) -> str:
    """Full-width digits, letters and brackets (（）＋，) as ASCII; × and ÷ as * and /."""
    return unicodedata.normalize("NFKC", text).replace("×", "*").replace("÷", "/").replace("－", "-")


MAX_LENGTH = 500
MAX_DEPTH = 40


class FormulaError(ValueError):
    """A formula that cannot be read; ``message`` is for people, ``pos`` the 0-based character."""

    def __init__(self, message, pos: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.pos = pos


@dataclass(frozen=True)
class Token:
    kind: str  # num, name, op, lpar, rpar, comma, end
    text: str
    pos: int


def _is_name_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_name_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_")


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise FormulaError(FORMULA_TOO_LONG)
    s = normalise(text)
    out: list[Token] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch.isascii() and (ch.isdigit() or ch == "."):
            j = i
            while j < len(s) and s[j].isascii() and (s[j].isdigit() or s[j] == "."):
                j += 1
            chunk = s[i:j]
            if chunk.count(".") > 1 or chunk == ".":
                raise FormulaError(FORMULA_BAD_NUMBER % {"text": chunk, "pos": i + 1}, i)
            out.append(Token("num", chunk, i))
            i = j
        elif _is_name_start(ch):
            j = i
            while j < len(s) and _is_name_char(s[j]):
                j += 1
            out.append(Token("name", s[i:j], i))
            i = j
        elif ch in "+-*/":
            out.append(Token("op", ch, i))
            i += 1
        elif ch == "(":
            out.append(Token("lpar", ch, i))
            i += 1
        elif ch == ")":
            out.append(Token("rpar", ch, i))
            i += 1
        elif ch == ",":
            out.append(Token("comma", ch, i))
            i += 1
        else:
            raise FormulaError(FORMULA_BAD_CHAR % {"char": ch, "pos": i + 1}, i)
    out.append(Token("end", "", len(s)))
    return out


# --- formulas: the tree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    arg: Node


@dataclass(frozen=True)
class Bin:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Num | Ref | Neg | Bin | Call

# name -> (min args, max args)
FUNCTIONS = {
    "prev": (1, 1),
    "ly": (1, 1),
    "yoy": (1, 1),
    "mom": (1, 1),
    "abs": (1, 1),
    "min": (2, 10),
    "max": (2, 10),
    "round": (2, 2),
}


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def fail(self, t: Token):
        if t.kind == "end":
            if self._open_brackets():
                raise FormulaError(FORMULA_UNCLOSED, t.pos)
            raise FormulaError(FORMULA_INCOMPLETE if self.i > 1 else FORMULA_EMPTY, t.pos)
        raise FormulaError(FORMULA_UNEXPECTED % {"text": t.text, "pos": t.pos + 1}, t.pos)

    def _open_brackets(self) -> bool:
        depth = 0
        for t in self.tokens[: self.i]:
            depth += t.kind == "lpar"
            depth -= t.kind == "rpar"
        return depth > 0

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(FORMULA_TOO_DEEP, self.tok.pos)
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            node = Bin(op, node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.take().text
            node = Bin(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(FORMULA_TOO_DEEP, self.tok.pos)
            arg = self.unary()
            self.depth -= 1
            return Neg(arg) if op == "-" else arg
        return self.atom()

    def atom(self) -> Node:
        t = self.take()
        if t.kind == "num":
            return Num(D(t.text))
        if t.kind == "lpar":
            node = self.expr()
            if self.tok.kind != "rpar":
                self.fail(self.tok)
            self.take()
            return node
        if t.kind == "name":
            if self.tok.kind != "lpar":
                return Ref(t.text)
            name = t.text.lower()
            if name not in FUNCTIONS:
                raise FormulaError(FORMULA_UNKNOWN_FUNCTION % {"name": t.text}, t.pos)
            self.take()
            args = [self.expr()]
            while self.tok.kind == "comma":
                self.take()
                args.append(self.expr())
            if self.tok.kind != "rpar":
                self.fail(self.tok)
            self.take()
            lo, hi = FUNCTIONS[name]
            if not lo <= len(args) <= hi:
                raise FormulaError(
                    FORMULA_ARITY % {"name": name, "n": lo if lo == hi else f"{lo}–{hi}"}, t.pos
                )
            if name == "round" and not (
                isinstance(args[1], Num) and args[1].value == int(args[1].value) and 0 <= args[1].value <= 6
            ):
                raise FormulaError(FORMULA_ROUND_DIGITS, t.pos)
            return Call(name, tuple(args))
        self.fail(t)
        raise AssertionError  # fail() always raises


def parse(text: str) -> Node:
    """The tree of a formula, or FormulaError with a message for people and the position."""
    if not text or not text.strip():
        raise FormulaError(FORMULA_EMPTY, 0)
    p = _Parser(tokenize(text))
    node = p.expr()
    if p.tok.kind != "end":
        p.fail(p.tok)
    return node


def refuse_division_by_zero(node: Node) -> None:
    """FormulaError if the formula divides by a constant that is 0 (``FDI / 0``, ``a / (1 - 1)``):
    every figure would be empty. Checked when an indicator is defined, not on every parse."""
    if isinstance(node, Neg):
        refuse_division_by_zero(node.arg)
    elif isinstance(node, Call):
        for a in node.args:
            refuse_division_by_zero(a)
    elif isinstance(node, Bin):
        refuse_division_by_zero(node.left)
        refuse_division_by_zero(node.right)
        if node.op == "/" and not refs(node.right):
            divisor = evaluate(node.right, PeriodKey(2000, YEAR, 1), lambda c, p: None)
            if divisor is not None and divisor == 0:
                raise FormulaError(FORMULA_DIVIDES_BY_ZERO % {"text": to_text(node.right)})


def refs(node: Node) -> set[str]:
    """The indicator codes a formula reads."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Neg):
        return refs(node.arg)
    if isinstance(node, Bin):
        return refs(node.left) | refs(node.right)
    if isinstance(node, Call):
        out: set[str] = set()
        for a in node.args:
            out |= refs(a)
        return out
    return set()


# (periods back, years back) at which a formula reads its inputs; (0, 0) is the period itself.
Offset = tuple[int, int]


def offsets(node: Node, base: Offset = (0, 0)) -> set[Offset]:
    if isinstance(node, Ref):
        return {base}
    if isinstance(node, Num):
        return set()
    if isinstance(node, Neg):
        return offsets(node.arg, base)
    if isinstance(node, Bin):
        return offsets(node.left, base) | offsets(node.right, base)
    out: set[Offset] = set()
    for i, a in enumerate(node.args):
        if node.name == "round" and i == 1:
            continue
        if node.name in ("prev", "mom"):
            out |= offsets(a, (base[0] + 1, base[1]))
        if node.name in ("ly", "yoy"):
            out |= offsets(a, (base[0], base[1] + 1))
        if node.name not in ("prev", "ly"):
            out |= offsets(a, base)
    return out


def ref_offsets(node: Node, base: Offset = (0, 0)) -> dict[str, set[Offset]]:
    """For each indicator a formula reads, the offsets at which it reads it."""
    out: dict[str, set[Offset]] = {}

    def walk(n: Node, at: Offset) -> None:
        if isinstance(n, Ref):
            out.setdefault(n.code, set()).add(at)
        elif isinstance(n, Neg):
            walk(n.arg, at)
        elif isinstance(n, Bin):
            walk(n.left, at)
            walk(n.right, at)
        elif isinstance(n, Call):
            for i, a in enumerate(n.args):
                if n.name == "round" and i == 1:
                    continue
                if n.name in ("prev", "mom"):
                    walk(a, (at[0] + 1, at[1]))
                if n.name in ("ly", "yoy"):
                    walk(a, (at[0], at[1] + 1))
                if n.name not in ("prev", "ly"):
                    walk(a, at)

    walk(node, base)
    return out


def needed_inputs(specs: Mapping[str, Spec], codes: Iterable[str]) -> dict[str, set[Offset]]:
    """Every indicator (with offsets) needed to compute ``codes`` at offset (0, 0), through
    formulas and weights, transitively. The specs' graph must be acyclic."""
    need: dict[str, set[Offset]] = {}
    todo: list[tuple[str, Offset]] = [(c, (0, 0)) for c in codes]
    while todo:
        code, off = todo.pop()
        if off in need.get(code, ()):
            continue
        need.setdefault(code, set()).add(off)
        spec = specs.get(code)
        if spec is None:
            continue
        if spec.weight:
            todo.append((spec.weight, off))
        if spec.formula is not None:
            for ref, offs in ref_offsets(spec.formula).items():
                for o in offs:
                    todo.append((ref, (off[0] + o[0], off[1] + o[1])))
    return need


def to_text(node: Node) -> str:
    """A canonical spelling of the tree (parse(to_text(n)) == n)."""
    if isinstance(node, Num):
        return format(node.value, "f")
    if isinstance(node, Ref):
        return node.code
    if isinstance(node, Neg):
        return f"-({to_text(node.arg)})"
    if isinstance(node, Bin):
        return f"({to_text(node.left)} {node.op} {to_text(node.right)})"
    return f"{node.name}({', '.join(to_text(a) for a in node.args)})"


# A resolver answers "the value of indicator CODE, so many periods and years back".
Resolver = Callable[[str, PeriodKey], "Decimal | None"]


def evaluate(node: Node, period: PeriodKey, resolve: Resolver) -> Decimal | None:
    """The formula's value for ``period``; None when an input is missing or a division is by zero."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return resolve(node.code, period)
    if isinstance(node, Neg):
        v = evaluate(node.arg, period, resolve)
        return None if v is None else -v
    if isinstance(node, Bin):
        a = evaluate(node.left, period, resolve)
        if a is None:
            return None
        b = evaluate(node.right, period, resolve)
        if b is None:
            return None
        if node.op == "+":
            return CTX.add(a, b)
        if node.op == "-":
            return CTX.subtract(a, b)
        if node.op == "*":
            return CTX.multiply(a, b)
        return None if b == 0 else CTX.divide(a, b)
    name, args = node.name, node.args
    if name == "prev":
        return evaluate(args[0], period.prev(), resolve)
    if name == "ly":
        return evaluate(args[0], period.last_year(), resolve)
    if name in ("yoy", "mom"):
        now = evaluate(args[0], period, resolve)
        then = evaluate(args[0], period.last_year() if name == "yoy" else period.prev(), resolve)
        if now is None or then is None or then == 0:
            return None
        return CTX.multiply(CTX.subtract(CTX.divide(now, then), 1), HUNDRED)
    values = [evaluate(a, period, resolve) for a in (args[:1] if name == "round" else args)]
    if any(v is None for v in values):
        return None
    vs: list[Decimal] = values  # type: ignore[assignment]
    if name == "abs":
        return abs(vs[0])
    if name == "min":
        return min(vs)
    if name == "max":
        return max(vs)
    assert name == "round"
    digits = int(args[1].value)  # type: ignore[union-attr]
    return vs[0].quantize(D(1).scaleb(-digits), rounding=decimal.ROUND_HALF_UP)


# --- the dependency graph -----------------------------------------------------------------------


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in ``graph`` (code -> codes it reads) as [a, b, …, a], or None if there is none."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[str, int] = {}
    for start in sorted(graph):
        if colour.get(start, WHITE) != WHITE:
            continue
        # iterative DFS; the path is the grey nodes in order
        path: list[str] = [start]
        iters = [iter(sorted(graph.get(start, ())))]
        colour[start] = GREY
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                colour[path.pop()] = BLACK
                iters.pop()
                continue
            c = colour.get(nxt, WHITE)
            if c == GREY:
                return [*path[path.index(nxt) :], nxt]
            if c == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                iters.append(iter(sorted(graph.get(nxt, ()))))
    return None


def topo_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Codes ordered so that every code comes after the codes it reads. The graph must be acyclic."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(code: str) -> None:
        stack = [(code, iter(sorted(graph.get(code, ()))))]
        seen.add(code)
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                order.append(node)
                stack.pop()
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))

    for code in sorted(graph):
        if code not in seen:
            visit(code)
    return order


def dependants(graph: Mapping[str, Iterable[str]], changed: Iterable[str]) -> set[str]:
    """Every code that reads, directly or not, one of ``changed`` (not including them)."""
    readers: dict[str, set[str]] = {}
    for code, deps in graph.items():
        for d in deps:
            readers.setdefault(d, set()).add(code)
    out: set[str] = set()
    todo = list(changed)
    while todo:
        for r in readers.get(todo.pop(), ()):
            if r not in out:
                out.add(r)
                todo.append(r)
    return out


# --- aggregation --------------------------------------------------------------------------------

SUM, AVG, WAVG, NONE, FORMULA = "sum", "avg", "wavg", "none", "formula"


@dataclass(frozen=True)
class Spec:
    """What the engine needs to know about one indicator."""

    code: str
    rule: str = SUM
    weight: str | None = None
    formula: Node | None = None


class Coverage(NamedTuple):
    """How many of the regions a rolled-up or combined figure expects have figures. For a roll-up by
    sum, average or weighted average the count is of the lowest regions that report (the counties
    under a prefecture); for a formula recomputed over regions it is of those regions, a region
    counting only where every input of the formula is there in full."""

    have: int
    expected: int

    @property
    def partial(self) -> bool:
        return self.have < self.expected

    def __add__(self, other):  # type: ignore[override]
        return Coverage(self.have + other.have, self.expected + other.expected)


COMPLETE = Coverage(1, 1)
MISSING = Coverage(0, 1)


def aggregate_values(rule: str, values: Sequence[Decimal | None], weights: Sequence[Decimal | None] = ()):
    """Combine one indicator's values over several regions by its rule (not for FORMULA)."""
    if rule == SUM:
        present = [v for v in values if v is not None]
        return sum(present, D(0)) if present else None
    if rule == AVG:
        present = [v for v in values if v is not None]
        return CTX.divide(sum(present, D(0)), D(len(present))) if present else None
    if rule == WAVG:
        pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w is not None]
        total_w = sum((w for _v, w in pairs), D(0))
        if not pairs or total_w == 0:
            return None
        return CTX.divide(sum((CTX.multiply(v, w) for v, w in pairs), D(0)), total_w)
    return None


@dataclass
class Engine:
    """Values of indicators at regions and periods, with roll-ups up the region tree.

    ``data`` holds the stored values: (code, region id, period) -> value. A region without a stored
    value takes the roll-up of its children by the indicator's rule; a set of regions (a pivot's
    total) is combined the same way. For the FORMULA rule the formula is evaluated on the inputs,
    each combined by its own rule — so a growth rate of a total is the growth of the summed values,
    not the sum of growth rates — and only over the regions where every input is there (pairwise
    complete), so a share's denominator never counts a region whose numerator is missing.

    ``expects(code)`` names the regions where a figure of CODE is expected: those it is reported for
    and their ancestors (None: every region). ``coverage`` and ``total_coverage`` say how many of the
    expected regions a rolled-up or combined figure holds, so a partial total can say so.
    """

    specs: Mapping[str, Spec]
    data: dict[tuple[str, int, PeriodKey], Decimal]
    children: Mapping[int, Sequence[int]] = field(default_factory=dict)
    expects: Callable[[str], Collection[int] | None] | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    def cell(self, code: str, region: int, period: PeriodKey) -> Decimal | None:
        key = (code, region, period)
        stored = self.data.get(key)
        if stored is not None:
            return stored
        kids = self.children.get(region)
        if not kids:
            return None
        memo_key = ("cell", key)
        if memo_key not in self._memo:
            self._memo[memo_key] = None  # a guard against a tree that loops
            self._memo[memo_key] = self.total(code, kids, period)
        return self._memo[memo_key]

    def total(self, code: str, regions: Sequence[int], period: PeriodKey) -> Decimal | None:
        spec = self.specs.get(code) or Spec(code)
        if spec.rule == FORMULA and spec.formula is not None:
            return self._formula_total(spec, regions, period)
        values = [self.cell(code, r, period) for r in regions]
        weights: list[Decimal | None] = []
        if spec.rule == WAVG and spec.weight:
            weights = [self.cell(spec.weight, r, period) for r in regions]
        return aggregate_values(spec.rule, values, weights)

    def derive(self, code: str, region: int, period: PeriodKey) -> Decimal | None:
        """A derived indicator's own value at one region: its formula on the inputs there. Where
        none of the inputs is stored at the region itself (a prefecture rolled up from its counties)
        it is the formula recomputed over the regions below, pairwise complete like a total."""
        spec = self.specs[code]
        assert spec.formula is not None
        inputs = self._inputs(spec)
        kids = self.children.get(region)
        if (
            kids
            and inputs
            and not any((c, region, period.shift(-a, -b)) in self.data for c, (a, b) in inputs)
        ):
            return self._formula_total(spec, kids, period)
        return evaluate(spec.formula, period, lambda c, p: self.cell(c, region, p))

    def _inputs(self, spec: Spec) -> tuple[tuple[str, Offset], ...]:
        """The (indicator, offset) pairs a formula reads."""
        memo_key = ("inputs", spec.code)
        found = self._memo.get(memo_key)
        if found is None:
            assert spec.formula is not None
            found = tuple(
                (c, off) for c, offs in sorted(ref_offsets(spec.formula).items()) for off in sorted(offs)
            )
            self._memo[memo_key] = found
        return found

    def _complete_regions(self, spec: Spec, regions: Sequence[int], period: PeriodKey) -> tuple[int, ...]:
        """The regions where every input of the formula has a figure."""
        inputs = [(c, period.shift(-a, -b)) for c, (a, b) in self._inputs(spec)]
        cell = self.cell
        return tuple(r for r in regions if all(cell(c, r, p) is not None for c, p in inputs))

    def _formula_total(self, spec: Spec, regions: Sequence[int], period: PeriodKey) -> Decimal | None:
        assert spec.formula is not None
        regs = self._complete_regions(spec, regions, period)
        if not regs:
            return None
        return evaluate(spec.formula, period, lambda c, p: self.total(c, regs, p))

    # --- coverage ---------------------------------------------------------------------------

    def _expected(self, code: str) -> Collection[int] | None:
        memo_key = ("expects", code)
        if memo_key not in self._memo:
            self._memo[memo_key] = self.expects(code) if self.expects is not None else None
        return self._memo[memo_key]

    def coverage(self, code: str, region: int, period: PeriodKey) -> Coverage:
        """How complete the figure of one region is: entered there (1 of 1), rolled up from the
        regions below (how many of the expected ones have figures), or missing (0 of 1)."""
        key = (code, region, period)
        if key in self.data:
            return COMPLETE
        kids = self.children.get(region)
        if not kids:
            return MISSING
        memo_key = ("coverage", key)
        found = self._memo.get(memo_key)
        if found is None:
            self._memo[memo_key] = MISSING  # a guard against a tree that loops
            found = self.total_coverage(code, kids, period, roll_up=True)
            self._memo[memo_key] = found
        return found

    def total_coverage(
        self, code: str, regions: Sequence[int], period: PeriodKey, roll_up: bool = False
    ) -> Coverage:
        """How complete ``total(code, regions, period)`` is. Regions where no figure of the
        indicator is expected are not counted (a roll-up with none of them expected is missing)."""
        spec = self.specs.get(code) or Spec(code)
        expected = self._expected(code)
        regs = [r for r in regions if expected is None or r in expected]
        if spec.rule == FORMULA and spec.formula is not None:
            have = sum(
                1
                for r in self._complete_regions(spec, regs, period)
                if not any(
                    self.coverage(c, r, period.shift(-a, -b)).partial for c, (a, b) in self._inputs(spec)
                )
            )
            out = Coverage(have, len(regs))
        else:
            out = Coverage(0, 0)
            weight = spec.weight if spec.rule == WAVG else None
            for r in regs:
                c = self.coverage(code, r, period)
                if weight and c.have and self.cell(weight, r, period) is None:
                    c = Coverage(0, c.expected)  # a figure without its weight is left out
                out += c
        if roll_up and not out.expected:
            return MISSING
        return out

    def sources(self, code: str, region: int, period: PeriodKey) -> frozenset[int]:
        """The regions whose stored figures ``cell(code, region, period)`` combines: the region
        itself where it has one, otherwise those below it that do."""
        out: set[int] = set()
        todo, seen = [region], {region}
        while todo:
            r = todo.pop()
            if (code, r, period) in self.data:
                out.add(r)
                continue
            for k in self.children.get(r, ()):
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        return frozenset(out)

    def restricted(self, regions: Collection[int]) -> Engine:
        """The same engine with only the stored figures of these regions: a figure recomputed on it
        combines the same regions as another (like with like, as a formula's pairwise total)."""
        keep = set(regions)
        data = {k: v for k, v in self.data.items() if k[1] in keep}
        return Engine(self.specs, data, self.children, self.expects)

    def forget(self) -> None:
        self._memo.clear()


def roots_of(region_ids: Sequence[int], parent_of: Mapping[int, int | None]) -> list[int]:
    """The regions of a set that have no ancestor in the set, so a total never counts a value twice."""
    chosen = set(region_ids)
    out = []
    for r in region_ids:
        p = parent_of.get(r)
        seen = {r}
        while p is not None and p not in chosen and p not in seen:
            seen.add(p)
            p = parent_of.get(p)
        if p is None or p not in chosen:
            out.append(r)
    return out


# --- checks on entered values -------------------------------------------------------------------

# A value more than this many times the largest of its recent history, or less than the smallest
# divided by it, is "far outside its history": statistics offices call such a jump in for a check.
OUTLIER_FACTOR = D(3)
OUTLIER_MIN_HISTORY = 3
HISTORY_PERIODS = {MONTH: 12, QUARTER: 4, YEAR: 5}


@dataclass(frozen=True)
class Outlier:
    low: Decimal
    high: Decimal
    n: int


def outlier(value: Decimal, history: Sequence[Decimal | float]) -> Outlier | None:
    """Whether ``value`` is far outside ``history`` (only judged on positive series of 3+ values).
    The history may hold floats as the database hands them back (SQLite keeps REAL): only its
    smallest and largest are made exact, not each of the 12 figures of 100,000 imported cells."""
    if len(history) < OUTLIER_MIN_HISTORY or value <= 0:
        return None
    lo, hi = min(history), max(history)
    if lo <= 0:
        return None
    lo, hi = D(str(lo)), D(str(hi))
    if value > hi * OUTLIER_FACTOR or value * OUTLIER_FACTOR < lo:
        return Outlier(lo, hi, len(history))
    return None


_EXPONENTS = [D(1).scaleb(-p) for p in range(7)]


def quantize(value: Decimal, precision: int) -> Decimal:
    return value.quantize(_EXPONENTS[precision], rounding=decimal.ROUND_HALF_UP)


def fmt(value: Decimal | None, precision: int) -> str:
    """A figure as text at the indicator's precision ("" for no figure)."""
    if value is None:
        return ""
    return format(quantize(value, precision), "f")


def fits_precision(value: Decimal, precision: int) -> bool:
    """True if the value has no more decimals than allowed (float noise from Excel is tolerated)."""
    return abs(value - quantize(value, precision)) < D("1e-9")


def growth(now: Decimal | None, then: Decimal | None) -> Decimal | None:
    """Growth in percent, or None."""
    if now is None or then is None or then == 0:
        return None
    return CTX.multiply(CTX.subtract(CTX.divide(now, then), 1), HUNDRED)


HIGHER, LOWER = "higher", "lower"  # which way is better: most indicators grow, a clearance time falls


def attainment(actual: Decimal | None, target: Decimal | None, direction: str = HIGHER) -> Decimal | None:
    """How much of the target is achieved, in percent: actual / target, or target / actual when
    lower is better (a 5-hour target met in 4 hours is 125 %). None where a ratio means nothing:
    no figure, or a target or figure that is zero or negative (compare them with ``target_met``)."""
    if actual is None or target is None:
        return None
    if direction == LOWER:
        if actual <= 0 or target < 0:
            return None
        return CTX.multiply(CTX.divide(target, actual), HUNDRED)
    if target <= 0 or actual < 0:
        return None
    return CTX.multiply(CTX.divide(actual, target), HUNDRED)


def target_met(actual: Decimal | None, target: Decimal | None, direction: str, precision: int) -> bool | None:
    """Whether the target is met, judged on the figures as shown (rounded): the attainment rounded
    to 0.1 % where there is one, otherwise the figure against the target at the indicator's
    precision. So 99.975 % shown as 100.0 % is met, and nothing is red that reads as on target."""
    if actual is None or target is None:
        return None
    pct = attainment(actual, target, direction)
    if pct is not None:
        return quantize(pct, 1) >= HUNDRED
    shown, goal = quantize(actual, precision), quantize(target, precision)
    return shown <= goal if direction == LOWER else shown >= goal


def display(value: Decimal | None, precision: int) -> str:
    """A figure as people read it: thousands separators and the indicator's decimals (817,943.00)."""
    if value is None:
        return ""
    return format(quantize(value, precision), f",.{precision}f")
