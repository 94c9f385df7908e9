"""The pure calculation: periods, the formula parser, the dependency graph, aggregation.
Property tests with hypothesis; no database."""

import itertools
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from duban.indicators import calc
from duban.indicators.calc import PeriodKey

D = Decimal


# --- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2014-05", "2014-05"),
        ("2014年5月", "2014-05"),
        ("２０１４－０５", "2014-05"),
        ("201405", "2014-05"),
        ("2014-Q2", "2014-Q2"),
        ("2014q2", "2014-Q2"),
        ("2014年第2季度", "2014-Q2"),
        ("2014", "2014"),
        ("2014年", "2014"),
    ],
)
def test_periods_are_read_in_the_ways_people_write_them(text, code):
    assert calc.parse_period(text).code == code


@pytest.mark.parametrize("text", ["", "2014-13", "2014-Q5", "May 2014", "14-05", "2014-00"])
def test_a_bad_period_says_how_to_write_one(text):
    with pytest.raises(calc.PeriodError, match="2014-05"):
        calc.parse_period(text)


def test_previous_period_and_last_year_cross_the_year_boundary():
    assert PeriodKey(2014, "month", 1).prev().code == "2013-12"
    assert PeriodKey(2014, "quarter", 1).prev().code == "2013-Q4"
    assert PeriodKey(2014, "month", 5).last_year().code == "2013-05"
    assert PeriodKey(2014, "year", 1).prev().code == "2013"


@given(st.sampled_from(["month", "quarter", "year"]), st.integers(1990, 2100), st.integers(-80, 80))
def test_shifting_back_and_forth_returns_the_same_period(kind, year, n):
    p = PeriodKey(year, kind, 1)
    assert p.shift(n).shift(-n) == p
    assert calc.parse_period(p.shift(n).code) == p.shift(n)


# --- the parser ---------------------------------------------------------------------------------


def test_precedence_and_full_width_operators():
    tree = calc.parse("a + b × 2 － （c ÷ 4）")
    values = {"a": D(1), "b": D(3), "c": D(8)}
    assert calc.evaluate(tree, PeriodKey(2014, "month", 1), lambda c, p: values[c]) == D(5)


def test_unary_minus_and_nested_functions():
    tree = calc.parse("-max(a, 2) + abs(-a) + round(a / 3, 2)")
    assert calc.evaluate(tree, PeriodKey(2014, "month", 1), lambda c, p: D(1)) == D("-0.67")


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("", "The formula is empty."),
        ("a +", "ends too early"),
        ("(a + b", "not closed"),
        ("a + b)", "Unexpected “)”"),
        ("a $ b", "Unexpected character “$”"),
        ("__import__('os')", "Unexpected character"),
        ("eval(a)", "Unknown function “eval”"),
        ("yoy(a, b)", "takes 1 argument"),
        ("round(a, b)", "whole number from 0 to 6"),
        ("1.2.3", "is not a number"),
        ("a b", "Unexpected “b”"),
    ],
)
def test_bad_formulas_are_refused_with_a_message(formula, message):
    with translation.override("en"), pytest.raises(calc.FormulaError) as e:
        calc.parse(formula)
    with translation.override("en"):
        assert message in str(e.value.message)


def test_a_formula_nested_too_deeply_is_refused_not_a_crash():
    with pytest.raises(calc.FormulaError):
        calc.parse("(" * 200 + "a" + ")" * 200)
    with pytest.raises(calc.FormulaError):
        calc.parse("-" * 300 + "a")


@given(st.text(max_size=60))
def test_the_parser_never_fails_with_anything_but_a_formula_error(text):
    try:
        tree = calc.parse(text)
    except calc.FormulaError:
        return
    assert calc.parse(calc.to_text(tree)) == tree


codes = st.sampled_from(["a", "b", "c", "GDP", "FAI_YOY"])
atoms = st.one_of(codes.map(calc.Ref), st.integers(0, 1000).map(lambda n: calc.Num(D(n))))


def _trees(children):
    return st.one_of(
        st.tuples(st.sampled_from("+-*/"), children, children).map(lambda t: calc.Bin(*t)),
        children.map(calc.Neg),
        st.tuples(st.sampled_from(["prev", "ly", "yoy", "mom", "abs"]), children).map(
            lambda t: calc.Call(t[0], (t[1],))
        ),
    )


trees = st.recursive(atoms, _trees, max_leaves=12)


@given(trees)
def test_printing_and_parsing_a_tree_gives_the_same_tree(tree):
    assert calc.parse(calc.to_text(tree)) == tree


def test_yoy_and_prev_read_the_right_periods():
    tree = calc.parse("yoy(GDP) + prev(GDP)")
    assert calc.ref_offsets(tree) == {"GDP": {(0, 0), (0, 1), (1, 0)}}
    series = {"2014-05": D(110), "2013-05": D(100), "2014-04": D(7)}
    v = calc.evaluate(tree, calc.parse_period("2014-05"), lambda c, p: series.get(p.code))
    assert v == D(17)


def test_division_by_zero_and_missing_inputs_give_no_value():
    t = calc.parse("a / b")
    assert calc.evaluate(t, PeriodKey(2014, "month", 1), lambda c, p: D(0)) is None
    assert calc.evaluate(t, PeriodKey(2014, "month", 1), lambda c, p: None) is None


# --- the graph ----------------------------------------------------------------------------------


def test_a_cycle_is_reported_as_a_path():
    assert calc.find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert calc.find_cycle({"a": {"a"}}) == ["a", "a"]
    assert calc.find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


graphs = st.dictionaries(
    st.sampled_from(list("abcdefgh")), st.sets(st.sampled_from(list("abcdefgh")), max_size=3), max_size=8
)


def _has_topological_order(graph) -> bool:
    """Kahn's algorithm, independent of calc.find_cycle."""
    nodes = set(graph) | {d for ds in graph.values() for d in ds}
    indeg = {n: 0 for n in nodes}
    for n, ds in graph.items():
        for _d in ds:
            indeg[n] += 1
    readers: dict[str, list[str]] = {}
    for n, ds in graph.items():
        for d in ds:
            readers.setdefault(d, []).append(n)
    ready = [n for n in nodes if indeg[n] == 0]
    seen = 0
    while ready:
        n = ready.pop()
        seen += 1
        for r in readers.get(n, []):
            indeg[r] -= 1
            if indeg[r] == 0:
                ready.append(r)
    return seen == len(nodes)


@given(graphs)
def test_no_cycle_is_ever_accepted(graph):
    cycle = calc.find_cycle(graph)
    assert (cycle is None) == _has_topological_order(graph)
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        for a, b in itertools.pairwise(cycle):
            assert b in graph.get(a, set())


@given(graphs)
def test_topological_order_puts_inputs_first(graph):
    assume(calc.find_cycle(graph) is None)
    order = calc.topo_order(graph)
    pos = {c: i for i, c in enumerate(order)}
    for code, deps in graph.items():
        for d in deps:
            if d in pos:
                assert pos[d] < pos[code]


# --- aggregation --------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
P = PeriodKey(2014, "month", 5)
LY = P.last_year()


@settings(max_examples=200)
@given(st.lists(st.tuples(money, money, money, money), min_size=1, max_size=12))
def test_aggregating_then_deriving_equals_deriving_from_the_sums(rows):
    """For a FORMULA-rule indicator the total is the formula on the summed inputs (a share of the
    totals, a growth of the totals) — never the sum of the regions' ratios."""
    specs = {
        "X": calc.Spec("X"),
        "Y": calc.Spec("Y"),
        "SHARE": calc.Spec("SHARE", rule=calc.FORMULA, formula=calc.parse("X / Y * 100")),
        "GROWTH": calc.Spec("GROWTH", rule=calc.FORMULA, formula=calc.parse("yoy(X)")),
    }
    data = {}
    for r, (x, y, x_ly, _) in enumerate(rows):
        data[("X", r, P)], data[("Y", r, P)], data[("X", r, LY)] = x, y, x_ly
    engine = calc.Engine(specs, data)
    regions = list(range(len(rows)))
    sum_x = sum((x for x, _y, _l, _ in rows), D(0))
    sum_y = sum((y for _x, y, _l, _ in rows), D(0))
    sum_ly = sum((last for _x, _y, last, _ in rows), D(0))
    expected_share = None if sum_y == 0 else calc.CTX.multiply(calc.CTX.divide(sum_x, sum_y), 100)
    assert engine.total("SHARE", regions, P) == expected_share
    assert engine.total("GROWTH", regions, P) == calc.growth(sum_x, sum_ly)


@settings(max_examples=200)
@given(st.lists(st.tuples(money, money), min_size=1, max_size=12))
def test_a_linear_derived_indicator_summed_equals_the_formula_on_the_sums(rows):
    """TOTAL = X + Y stored per region with the SUM rule adds up to X's sum plus Y's sum."""
    specs = {"X": calc.Spec("X"), "Y": calc.Spec("Y"), "T": calc.Spec("T", formula=calc.parse("X + Y"))}
    data = {}
    for r, (x, y) in enumerate(rows):
        data[("X", r, P)], data[("Y", r, P)] = x, y
    engine = calc.Engine(specs, data)
    for r in range(len(rows)):
        data[("T", r, P)] = engine.derive("T", r, P)
    regions = list(range(len(rows)))
    assert engine.total("T", regions, P) == engine.total("X", regions, P) + engine.total("Y", regions, P)


@given(st.lists(money, min_size=1, max_size=8), st.lists(money, min_size=1, max_size=8))
def test_a_region_without_a_figure_is_the_roll_up_of_its_children(a, b):
    """Region 0 has children 1..n; its value is their sum; a total over 0 and its children counts once."""
    specs = {"X": calc.Spec("X")}
    kids = list(range(1, len(a) + 1))
    data = {("X", k, P): v for k, v in zip(kids, a, strict=True)}
    engine = calc.Engine(specs, data, {0: kids})
    parent_of = {k: 0 for k in kids} | {0: None}
    assert engine.cell("X", 0, P) == sum(a, D(0))
    roots = calc.roots_of([0, *kids], parent_of)
    assert roots == [0]
    assert engine.total("X", roots, P) == sum(a, D(0))


def test_average_weighted_average_and_none():
    specs = {
        "T": calc.Spec("T", rule=calc.WAVG, weight="W"),
        "A": calc.Spec("A", rule=calc.AVG),
        "N": calc.Spec("N", rule=calc.NONE),
        "W": calc.Spec("W"),
    }
    data = {
        ("T", 1, P): D(2),
        ("T", 2, P): D(8),
        ("W", 1, P): D(3),
        ("W", 2, P): D(1),
        ("A", 1, P): D(2),
        ("A", 2, P): D(8),
        ("N", 1, P): D(1),
    }
    engine = calc.Engine(specs, data)
    assert engine.total("T", [1, 2], P) == D("3.5")  # (2×3 + 8×1) / 4
    assert engine.total("A", [1, 2], P) == D(5)
    assert engine.total("N", [1, 2], P) is None


def test_outliers_are_judged_against_recent_history():
    history = [D(100), D(110), D(120)]
    assert calc.outlier(D(115), history) is None
    assert calc.outlier(D(400), history) == calc.Outlier(D(100), D(120), 3)
    assert calc.outlier(D(30), history) is not None
    assert calc.outlier(D(400), history[:2]) is None  # too little history to judge


def test_needed_inputs_follow_formulas_and_weights_transitively():
    specs = {
        "A": calc.Spec("A"),
        "B": calc.Spec("B", rule=calc.WAVG, weight="A"),
        "C": calc.Spec("C", rule=calc.FORMULA, formula=calc.parse("yoy(B)")),
    }
    need = calc.needed_inputs(specs, ["C"])
    assert need == {"C": {(0, 0)}, "B": {(0, 0), (0, 1)}, "A": {(0, 0), (0, 1)}}


# --- pairwise-complete formula totals and coverage ----------------------------------------------

maybe_money = st.one_of(st.none(), money)


@settings(max_examples=300)
@given(st.lists(st.tuples(maybe_money, maybe_money), min_size=1, max_size=12))
def test_a_ratio_total_sums_its_inputs_only_where_both_are_there(rows):
    """XTOUR_SHARE = XTOUR / TOUR * 100 over regions: the denominator never counts a region whose
    numerator is missing (and the other way round), and the total says how many regions it holds."""
    specs = {
        "X": calc.Spec("X"),
        "Y": calc.Spec("Y"),
        "SHARE": calc.Spec("SHARE", rule=calc.FORMULA, formula=calc.parse("X / Y * 100")),
    }
    data = {}
    for r, (x, y) in enumerate(rows):
        if x is not None:
            data[("X", r, P)] = x
        if y is not None:
            data[("Y", r, P)] = y
    engine = calc.Engine(specs, data)
    regions = list(range(len(rows)))
    both = [(x, y) for x, y in rows if x is not None and y is not None]
    sum_x = sum((x for x, _y in both), D(0))
    sum_y = sum((y for _x, y in both), D(0))
    expected = None if not both or sum_y == 0 else calc.CTX.multiply(calc.CTX.divide(sum_x, sum_y), 100)
    assert engine.total("SHARE", regions, P) == expected
    cov = engine.total_coverage("SHARE", regions, P)
    assert cov == calc.Coverage(len(both), len(rows))
    assert cov.partial == (len(both) < len(rows))


def test_a_derived_figure_of_a_rolled_up_region_is_pairwise_too():
    """A prefecture (0) with three counties: one lacks the numerator, one the denominator."""
    specs = {
        "X": calc.Spec("X"),
        "Y": calc.Spec("Y"),
        "SHARE": calc.Spec("SHARE", rule=calc.FORMULA, formula=calc.parse("X / Y * 100")),
    }
    data = {("X", 1, P): D(10), ("Y", 1, P): D(100), ("Y", 2, P): D(900), ("X", 3, P): D(5)}
    engine = calc.Engine(specs, data, {0: [1, 2, 3]})
    assert engine.derive("SHARE", 0, P) == D(10)  # 10 / 100, not 15 / 1000
    assert engine.cell("SHARE", 0, P) == D(10)
    assert engine.coverage("SHARE", 0, P) == calc.Coverage(1, 3)
    # a county with both inputs: its own formula
    assert engine.derive("SHARE", 1, P) == D(10)


def test_roll_ups_report_how_many_of_the_expected_regions_have_figures():
    """Prefecture 0 has counties 1, 2, 3, of which the indicator is reported for 1 and 2 only;
    prefecture 10 has counties 11 and 12. Leaf regions are counted through the levels."""
    specs = {"X": calc.Spec("X")}
    data = {("X", 1, P): D(5), ("X", 11, P): D(7), ("X", 12, P): D(8), ("X", 3, P): D(1)}
    expected = {"X": frozenset({0, 1, 2, 10, 11, 12, 99})}
    engine = calc.Engine(specs, data, {99: [0, 10], 0: [1, 2, 3], 10: [11, 12]}, expected.get)
    assert engine.cell("X", 0, P) == D(6)  # a stray figure of 3 still adds up, as before
    assert engine.coverage("X", 0, P) == calc.Coverage(1, 2)
    assert engine.coverage("X", 0, P).partial
    assert engine.coverage("X", 10, P) == calc.Coverage(2, 2)
    assert not engine.coverage("X", 10, P).partial
    assert engine.coverage("X", 1, P) == calc.COMPLETE  # entered
    assert engine.coverage("X", 99, P) == calc.Coverage(3, 4)
    assert engine.total_coverage("X", [0, 10], P) == calc.Coverage(3, 4)
    # without expectations every child counts
    assert calc.Engine(specs, data, {0: [1, 2, 3]}).coverage("X", 0, P) == calc.Coverage(2, 3)


def test_a_weighted_average_counts_a_region_without_its_weight_as_missing():
    specs = {"T": calc.Spec("T", rule=calc.WAVG, weight="W"), "W": calc.Spec("W")}
    data = {("T", 1, P): D(2), ("T", 2, P): D(8), ("W", 1, P): D(3)}
    engine = calc.Engine(specs, data)
    assert engine.total("T", [1, 2], P) == D(2)
    assert engine.total_coverage("T", [1, 2], P) == calc.Coverage(1, 2)


def test_division_by_a_constant_zero_is_refused_with_a_message():
    for text in ("FDI / 0", "FDI / (1 - 1)", "round(FDI, 0) / 0.0"):
        with translation.override("en"), pytest.raises(calc.FormulaError, match="divides by zero"):
            calc.refuse_division_by_zero(calc.parse(text))
    for text in ("FDI / 2", "FDI / (FDI - TRADE)", "FDI / TRADE * 100"):
        calc.refuse_division_by_zero(calc.parse(text))


@pytest.mark.parametrize(
    ("actual", "target", "direction", "percent", "met"),
    [
        ("5825.37", "5826.80", "higher", "99.975", True),  # shown as 100.0 %: not red
        ("99.94", "100", "higher", "99.94", False),  # shown as 99.9 %
        ("4", "5", "lower", "125", True),  # a 5-hour clearance target met in 4 hours
        ("6", "5", "lower", None, False),
        ("-3", "-5", "higher", None, True),  # no ratio for a negative target: compared as shown
        ("-6", "-5", "higher", None, False),
    ],
)
def test_attainment_by_direction_and_judged_as_shown(actual, target, direction, percent, met):
    pct = calc.attainment(D(actual), D(target), direction)
    if percent is None:
        if direction == "lower":
            assert pct is not None and pct < 100
        else:
            assert pct is None
    else:
        assert calc.quantize(pct, 3) == calc.quantize(D(percent), 3)
    assert calc.target_met(D(actual), D(target), direction, 2) is met


def test_figures_are_shown_with_thousands_separators_at_the_precision():
    assert calc.display(D("817943"), 0) == "817,943"
    assert calc.display(D("2614"), 2) == "2,614.00"
    assert calc.display(D("-1234.565"), 2) == "-1,234.57"
    assert calc.display(None, 2) == ""
