"""The formula language of measures (scoring/method/expr.py): parsing, bounds, evaluation
over columns, run-time faults and the order of measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.method.expr import (
    DIVISION_BY_ZERO,
    LOG_DOMAIN,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_NODES,
    MISSING,
    OK,
    OVERFLOW,
    FormulaError,
    evaluate,
    names,
    order,
    parse,
    priors,
    show,
)


def run(formula: str, **columns: list[float]) -> tuple[list[float], list[int]]:
    """Evaluate ``formula`` with the named columns (NaN is a missing input); ``p_<name>`` is
    the prior value of ``name``."""
    n = len(next(iter(columns.values()))) if columns else 1

    def get(name: str) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(columns[name], dtype=float)
        return x, np.where(np.isnan(x), MISSING, OK).astype(np.int8)

    values, faults = evaluate(parse(formula), get, lambda f: get("p_" + f), n)
    return values.tolist(), faults.tolist()


def test_arithmetic_follows_the_usual_precedence() -> None:
    # 2 + 3 * 4 = 14; (2 + 3) * 4 = 20; 10 - 4 - 3 = 3 (left to right); 8 / 4 / 2 = 1
    assert run("2 + 3 * 4")[0] == [14.0]
    assert run("(2 + 3) * 4")[0] == [20.0]
    assert run("10 - 4 - 3")[0] == [3.0]
    assert run("8 / 4 / 2")[0] == [1.0]
    assert run("-2 * -3")[0] == [6.0]
    assert run("--2")[0] == [2.0]
    assert run("1.5e2 + .5")[0] == [150.5]


def test_altman_x1_with_negative_working_capital() -> None:
    # (17336 - 19006) / 66467 = -1670 / 66467
    values, faults = run("(ca - cl) / ta", ca=[17336.0], cl=[19006.0], ta=[66467.0])
    assert values == [-1670.0 / 66467.0] and faults == [OK]


def test_comparisons_are_one_or_zero_at_their_boundaries() -> None:
    x = [0.99, 1.0, 1.01]
    assert run("x < 1", x=x)[0] == [1.0, 0.0, 0.0]
    assert run("x <= 1", x=x)[0] == [1.0, 1.0, 0.0]
    assert run("x > 1", x=x)[0] == [0.0, 0.0, 1.0]
    assert run("x >= 1", x=x)[0] == [0.0, 1.0, 1.0]
    assert run("x == 1", x=x)[0] == [0.0, 1.0, 0.0]
    assert run("x != 1", x=x)[0] == [1.0, 0.0, 1.0]


def test_functions() -> None:
    assert run("min(3, 1, 2)")[0] == [1.0]
    assert run("max(3, 1, 2)")[0] == [3.0]
    assert run("abs(0 - 2.5)")[0] == [2.5]
    assert run("log(1)")[0] == [0.0]
    assert run("exp(0)")[0] == [1.0]
    assert run("log(exp(2))")[0] == [pytest.approx(2.0, abs=1e-15)]
    assert run("where(x > 0, 1, 0)", x=[-1.0, 0.0, 2.0])[0] == [0.0, 0.0, 1.0]


def test_prior_reads_the_prior_period() -> None:
    # Piotroski's ΔROA > 0: this year's 0.05 against last year's 0.04, and 0.03 against 0.04
    values, _ = run("where(roa - prior(roa) > 0, 1, 0)", roa=[0.05, 0.03], p_roa=[0.04, 0.04])
    assert values == [1.0, 0.0]


def test_faults_are_named_not_raised() -> None:
    values, faults = run("1 / x", x=[0.0, 2.0])
    assert math.isnan(values[0]) and values[1] == 0.5 and faults == [DIVISION_BY_ZERO, OK]
    values, faults = run("log(x)", x=[0.0, -1.0, 1.0])
    assert faults == [LOG_DOMAIN, LOG_DOMAIN, OK] and values[2] == 0.0
    assert run("exp(x)", x=[1000.0])[1] == [OVERFLOW]
    assert run("x * x", x=[1e200])[1] == [OVERFLOW]
    values, faults = run("x + 1", x=[math.nan])
    assert math.isnan(values[0]) and faults == [MISSING]


def test_the_first_fault_from_the_left_is_named() -> None:
    assert run("x + 1 / y", x=[math.nan], y=[0.0])[1] == [MISSING]
    assert run("1 / y + x", x=[math.nan], y=[0.0])[1] == [DIVISION_BY_ZERO]


def test_a_fault_in_the_branch_not_taken_does_not_count() -> None:
    # where(x != 0, 1 / x, 0): x = 0 takes the else branch; the division by 0 is not done
    values, faults = run("where(x != 0, 1 / x, 0)", x=[0.0, 4.0])
    assert values == [0.0, 0.25] and faults == [OK, OK]
    # a missing condition is missing, whichever branch
    values, faults = run("where(x > 0, 1, 0)", x=[math.nan])
    assert math.isnan(values[0]) and faults == [MISSING]


def test_a_missing_input_to_a_comparison_is_missing_not_false() -> None:
    values, faults = run("x > 0", x=[math.nan])
    assert math.isnan(values[0]) and faults == [MISSING]


def test_names_and_priors_with_their_offsets() -> None:
    tree = parse("wc / ta + prior(ta)")
    assert names(tree) == [("wc", 0), ("ta", 5)]
    assert priors(tree) == [("ta", 16)]  # the figure's name, inside prior()


@pytest.mark.parametrize(("formula", "offset", "message"), [
    ("1 +", 3, "expected a number, a name or '(', not the end of the formula"),
    ("foo(1)", 0, "unknown function 'foo'; the functions are min, max, abs, log, exp, "
                  "where, prior, round"),
    ("max(1)", 0, "max() takes at least 2 arguments, not 1"),
    ("abs(1, 2)", 0, "abs() takes 1 argument, not 2"),
    ("where(1, 2)", 0, "where() takes 3 arguments, not 2"),
    ("1 < 2 < 3", 6, "comparisons do not chain: write where(...) or two comparisons"),
    ("a $ b", 2, "unexpected character '$'"),
    ("a b", 2, "unexpected 'b' after a complete formula"),
    ("(a", 2, "expected ')', not the end of the formula"),
    ("prior(1)", 6, "prior() takes the name of a figure"),
    ("log", 0, "log is a function: write log(...)"),
    ("  ", 0, "the formula is empty"),
    ("1e999", 0, "the number 1e999 is beyond the range of numbers"),
    ("__import__('os')", 11, "unexpected character \"'\""),
])
def test_errors_name_the_place(formula: str, offset: int, message: str) -> None:
    with pytest.raises(FormulaError) as info:
        parse(formula)
    assert (info.value.offset, info.value.message) == (offset, message)


def test_bounds() -> None:
    parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH)
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse("-" * (MAX_DEPTH + 1) + "1")
    with pytest.raises(FormulaError, match=f"at most {MAX_CHARS} characters"):
        parse("1" + " " * MAX_CHARS)
    # MAX_NODES nodes: (n + 1) / 2 numbers joined by n // 2 plus signs
    parse("+".join(["1"] * ((MAX_NODES + 1) // 2)))
    with pytest.raises(FormulaError, match=f"at most {MAX_NODES} numbers"):
        parse("+".join(["1"] * ((MAX_NODES + 1) // 2 + 1)))


def test_order_puts_inputs_first_and_names_cycles() -> None:
    formulas = {"a": parse("b + 1"), "b": parse("c"), "c": parse("a"), "d": parse("x"),
                "e": parse("d * 2"), "f": parse("f")}
    ok, cycles = order(formulas)
    assert ok == ["d", "e"] and cycles == ["a", "b", "c", "f"]
    ok, cycles = order({"z": parse("y * 2"), "y": parse("x + 1")})
    assert ok == ["y", "z"] and cycles == []


def test_show_writes_the_formula_back_and_puts_values_in() -> None:
    tree = parse("1.2*(ca-cl)/ta")
    assert show(tree) == "1.2 * (ca - cl) / ta"
    assert show(parse("a - (b - c)")) == "a - (b - c)"
    assert show(parse("(a - b) - c")) == "a - b - c"
    assert show(parse("a / (b * c)")) == "a / (b * c)"
    assert show(parse("where(x >= 1, 1, 0) + prior(x)")) == "where(x >= 1, 1, 0) + prior(x)"
    filled = show(tree, lambda n: {"ca": "17336", "cl": "19006", "ta": "66467"}[n.text])
    assert filled == "1.2 * (17336 - 19006) / 66467"
    assert show(parse("-(a + b)")) == "-(a + b)"


def test_round_to_a_written_number_of_decimals() -> None:
    # 1 / 3 = 0.3333...: to 4 decimals 0.3333; 2 / 3 to 4 decimals 0.6667
    assert run("round(x / 3, 4)", x=[1.0, 2.0])[0] == [0.3333, 0.6667]
    assert run("round(x, 0)", x=[2.5, 3.5])[0] == [2.0, 4.0]  # ties to even
    for bad, offset in (("round(x, y)", 9), ("round(x, 1.5)", 9), ("round(x, 13)", 9)):
        with pytest.raises(FormulaError, match="round\\(\\) takes the number of decimals") as info:
            parse(bad)
        assert info.value.offset == offset
