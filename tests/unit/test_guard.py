"""The script guard runs the allowed Python subset like Python does, and reports in Swedish."""

from __future__ import annotations

import datetime as dt
import time
from collections import ChainMap

import pytest

from engine.scripting.guard import (
    Limits,
    ScriptError,
    ScriptFailed,
    ScriptProblem,
    ScriptRejected,
    check,
    evaluate,
    execute,
)


def run(script: str, **data: object) -> dict[str, object]:
    values: dict[str, object] = dict(data)
    execute(script, values)
    return values


def failure(script: str, **data: object) -> ScriptFailed:
    with pytest.raises(ScriptFailed) as info:
        execute(script, dict(data))
    return info.value


# --- expressions -----------------------------------------------------------------------


def test_arithmetic_follows_python_semantics() -> None:
    assert evaluate("1 + 2 * 3 - 4 / 2", {}) == 5.0
    assert evaluate("(7 // 2, 7 % 2, -7 // 2, 2 ** 10, -2 ** 2)", {}) == (3, 1, -4, 1024, -4)
    assert evaluate("(6 & 3, 6 | 3, 6 ^ 3, 1 << 4, 256 >> 2, ~5)", {}) == (2, 7, 5, 16, 64, -6)
    assert evaluate("0.1 + 0.2 == 0.30000000000000004", {}) is True
    assert evaluate("'ab' + 'cd', [1] * 3, -(-3), +4", {}) == ("abcd", [1, 1, 1], 3, 4)


def test_comparisons_chain_and_test_membership_and_identity() -> None:
    assert evaluate("1 < x <= 3", {"x": 3}) is True
    assert evaluate("1 < x <= 3", {"x": 4}) is False
    assert evaluate("'a' in letters and 'z' not in letters", {"letters": ["a", "b"]}) is True
    assert evaluate("value is None", {"value": None}) is True
    assert evaluate("value is not None", {"value": 0}) is True
    assert evaluate("key in table", {"key": "k", "table": {"k": 1}}) is True


def test_gateway_condition_reads_process_data() -> None:
    assert evaluate("decision == 'approve'", {"decision": "approve"}) is True
    assert evaluate("decision == 'approve'", {"decision": "reject"}) is False
    condition = "amount < 1000 and category == 'prevention'"
    assert evaluate(condition, {"amount": 500, "category": "prevention"}) is True


def test_boolean_operators_short_circuit_and_return_an_operand() -> None:
    assert evaluate("name or 'okänd'", {"name": ""}) == "okänd"
    assert evaluate("items and items[0]", {"items": []}) == []
    assert evaluate("False and never_defined", {}) is False
    assert evaluate("True or never_defined", {}) is True
    assert evaluate("not items", {"items": []}) is True


def test_conditional_expression_evaluates_only_the_chosen_branch() -> None:
    assert evaluate("'stor' if amount > 100 else 1 / 0", {"amount": 500}) == "stor"


def test_timer_expression_is_a_constant_or_a_variable() -> None:
    assert evaluate('"P1Y"', {}) == "P1Y"
    assert evaluate("deadline", {"deadline": "P30D"}) == "P30D"


def test_dmn_cells_are_plain_expressions() -> None:
    assert evaluate("'small'", {}) == "small"
    assert evaluate("amount < 1000", {"amount": 999}) is True
    assert evaluate("[1, 2]", {}) == [1, 2]


def test_evaluate_reads_names_from_any_mapping() -> None:
    names = ChainMap({"a": 1}, {"a": 2, "b": 3})
    assert evaluate("a + b", names) == 4


def test_displays_subscripts_and_slices() -> None:
    data = {"row": {"items": [10, 20, 30, 40]}, "text": "hello"}
    assert evaluate("row['items'][-1]", data) == 40
    assert evaluate("row['items'][1:3]", data) == [20, 30]
    assert evaluate("text[::-1]", data) == "olleh"
    assert evaluate("{'a': 1, **{'b': 2}}", {}) == {"a": 1, "b": 2}
    assert evaluate("[*range(3), *'ab']", {}) == [0, 1, 2, "a", "b"]
    assert evaluate("{1, 2, 2}", {}) == {1, 2}
    assert evaluate("(1,)", {}) == (1,)


# --- statements ------------------------------------------------------------------------


def test_assignments_are_written_into_data() -> None:
    data = run("total = amount * 2\nlabel = f'{total} kr'", amount=21)
    assert data == {"amount": 21, "total": 42, "label": "42 kr"}


def test_unpacking_assignments() -> None:
    data = run("a, b = pair\nfirst, *rest = [1, 2, 3]\n[x, y] = 'xy'", pair=(1, 2))
    assert (data["a"], data["b"], data["first"], data["rest"]) == (1, 2, 1, [2, 3])
    assert (data["x"], data["y"]) == ("x", "y")
    assert "Fel antal värden" in failure("a, b = [1, 2, 3]").message


def test_subscript_and_augmented_assignment_modify_nested_data() -> None:
    data = run(
        "form['count'] += 1\nform['tags'][0] = 'ny'\nscore = 10\nscore -= 3\nscore *= 2",
        form={"count": 1, "tags": ["gammal"]},
    )
    assert data["form"] == {"count": 2, "tags": ["ny"]}
    assert data["score"] == 14


def test_augmented_assignment_extends_a_list_in_place() -> None:
    shared: list[int] = [1]
    data = run("items += [2]\nitems.append(3)", items=shared)
    assert data["items"] is shared
    assert shared == [1, 2, 3]


def test_delete_removes_variables_and_items() -> None:
    data = run("del temp\ndel row['x'], items[0]", temp=1, row={"x": 1, "y": 2}, items=[1, 2])
    assert data == {"row": {"y": 2}, "items": [2]}


def test_if_elif_else_chooses_one_branch() -> None:
    script = """
if amount > 1000:
    size = 'stor'
elif amount > 100:
    size = 'mellan'
else:
    size = 'liten'
"""
    assert run(script, amount=5000)["size"] == "stor"
    assert run(script, amount=500)["size"] == "mellan"
    assert run(script, amount=5)["size"] == "liten"


def test_for_loop_with_break_continue_and_else() -> None:
    script = """
total = 0
for n in numbers:
    if n < 0:
        continue
    if n > 100:
        found = n
        break
    total += n
else:
    found = None
"""
    assert run(script, numbers=[1, -5, 2, 200, 3])["total"] == 3
    assert run(script, numbers=[1, -5, 2, 200, 3])["found"] == 200
    assert run(script, numbers=[1, 2])["found"] is None


def test_while_loop_runs_until_its_condition_is_false() -> None:
    data = run("n = 0\nwhile n < 10:\n    n += 3\nelse:\n    done = True\npass")
    assert data["n"] == 12
    assert data["done"] is True


def test_comprehensions_build_lists_sets_and_dicts() -> None:
    data = {"items": [{"name": "a", "cost": 5}, {"name": "b", "cost": 50}]}
    assert evaluate("[i['name'] for i in items if i['cost'] > 10]", data) == ["b"]
    assert evaluate("{i['cost'] % 2 for i in items}", data) == {1, 0}
    assert evaluate("{i['name']: i['cost'] for i in items}", data) == {"a": 5, "b": 50}
    assert evaluate("[(x, y) for x in range(2) for y in 'ab']", {}) == [
        (0, "a"),
        (0, "b"),
        (1, "a"),
        (1, "b"),
    ]


def test_generator_expressions_are_evaluated_eagerly_into_lists() -> None:
    assert evaluate("(x * 2 for x in range(3))", {}) == [0, 2, 4]
    assert evaluate("sum(i['cost'] for i in items)", {"items": [{"cost": 5}, {"cost": 7}]}) == 12
    assert evaluate("any(x > 2 for x in [1, 3])", {}) is True


def test_comprehension_variables_do_not_leak_into_data() -> None:
    data = run("x = 'kvar'\nsquares = [x * x for x in range(4)]")
    assert data == {"x": "kvar", "squares": [0, 1, 4, 9]}


def test_assert_failure_is_a_script_failure_with_its_message() -> None:
    error = failure("ok = 1\nassert amount > 0, 'beloppet måste vara positivt'", amount=-1)
    assert error.line == 2
    assert error.message == "Kontrollen (assert) misslyckades: beloppet måste vara positivt"


# --- f-strings, dates, methods ---------------------------------------------------------


def test_f_strings_support_format_specs_and_conversions() -> None:
    data = {"amount": 1234.5, "name": "Anna", "n": 7}
    assert evaluate("f'{amount:,.2f} kr'", data) == "1,234.50 kr"
    assert evaluate("f'{name!r} {name:>6}|{n:03d}'", data) == "'Anna'   Anna|007"
    assert evaluate("f'{n=}'", data) == "n=7"
    assert evaluate("f'{name:{width}}|'", {**data, "width": 6}) == "Anna  |"


def test_f_string_widths_are_bounded_at_run_time() -> None:
    with pytest.raises(ScriptFailed, match="Formatbredd"):
        evaluate("f'{1:>{width}}'", {"width": 1_000_000_000})


def test_date_constructors_and_arithmetic() -> None:
    data = run(
        "start = date(2026, 1, 31)\n"
        "end = start + timedelta(days=30)\n"
        "days = (end - start).days\n"
        "meeting = datetime(2026, 3, 1, 14, 30)\n"
        "label = f'{start:%Y-%m-%d}'"
    )
    assert data["end"] == dt.date(2026, 3, 2)
    assert data["days"] == 30
    assert data["meeting"] == dt.datetime(2026, 3, 1, 14, 30)
    assert data["label"] == "2026-01-31"


def test_date_attributes_and_methods_are_allowed() -> None:
    moment = dt.datetime(2026, 5, 17, 9, 45, 10)
    names = {"moment": moment, "delta": dt.timedelta(days=2, seconds=30)}
    assert evaluate("(moment.year, moment.month, moment.day, moment.hour)", names) == (
        2026,
        5,
        17,
        9,
    )
    assert evaluate("(moment.minute, moment.second, moment.weekday())", names) == (45, 10, 6)
    assert evaluate("moment.date().isoformat()", names) == "2026-05-17"
    assert evaluate("moment.replace(year=2027).isoweekday()", names) == 1
    assert evaluate("(delta.days, delta.seconds, delta.total_seconds())", names) == (
        2,
        30,
        172830.0,
    )


def test_string_methods_on_the_allow_list_work() -> None:
    assert evaluate("' Anna Berg '.strip().lower().split()", {}) == ["anna", "berg"]
    assert evaluate("', '.join(['a', 'b']).upper()", {}) == "A, B"
    assert evaluate("'a-b-c'.replace('-', '+', 1)", {}) == "a+b-c"
    assert evaluate("'42'.zfill(5), 'x'.center(3, '*'), '12'.isdigit()", {}) == (
        "00042",
        "*x*",
        True,
    )
    assert evaluate("'SIF-1'.startswith('SIF') and 'abc'.find('c') == 2", {}) is True


def test_container_methods_work_and_views_become_lists() -> None:
    data = run(
        "items.append(3)\nitems.extend([5, 4])\nitems.sort(reverse=True)\n"
        "keys = table.keys()\nvalue = table.get('missing', 0)\ntable.update({'b': 2})\n"
        "tags.add('x')\nboth = tags.union({'y'})",
        items=[1],
        table={"a": 1},
        tags=set(),
    )
    assert data["items"] == [5, 4, 3, 1]
    assert data["keys"] == ["a"]
    assert type(data["keys"]) is list
    assert data["value"] == 0
    assert data["table"] == {"a": 1, "b": 2}
    assert data["both"] == {"x", "y"}


def test_allowed_method_on_the_wrong_type_fails_at_run_time() -> None:
    error = failure("text = 'abc'\ntext.append('d')")
    assert error.line == 2
    assert error.message == "Metoden append finns inte för värden av typen str"


def test_methods_must_be_called_and_values_cannot_be() -> None:
    assert "måste anropas" in failure("f = items.append", items=[]).message
    assert "inte en metod" in failure("y = d.year()", d=dt.date(2026, 1, 1)).message


def test_list_sort_accepts_only_reverse() -> None:
    assert "reverse" in failure("items.sort(key=None)", items=[2, 1]).message


# --- names, functions, builtins --------------------------------------------------------


def test_helper_functions_are_callable_after_data_lookup() -> None:
    functions = {"add_days": lambda day, n: day + dt.timedelta(days=n)}
    names = {"start": dt.date(2026, 1, 1)}
    assert evaluate("add_days(start, 10)", names, functions) == dt.date(2026, 1, 11)


def test_data_values_shadow_functions_and_cannot_be_called() -> None:
    with pytest.raises(ScriptFailed, match="är ett värde och kan inte anropas"):
        evaluate("len('abc')", {"len": 3})
    with pytest.raises(ScriptFailed, match="är ett värde och kan inte anropas"):
        evaluate("hook()", {"hook": print}, {"hook": print})


def test_functions_and_builtins_cannot_be_used_as_values() -> None:
    with pytest.raises(ScriptFailed, match="kan bara anropas"):
        execute("f = len", {})
    with pytest.raises(ScriptFailed, match="kan bara anropas"):
        execute("f = helper", {}, {"helper": lambda: 1})


def test_execute_puts_only_assigned_values_into_data() -> None:
    data: dict[str, object] = {}
    execute("x = helper() + len('ab')", data, {"helper": lambda: 1})
    assert data == {"x": 3}


def test_safe_builtins_behave_like_python() -> None:
    assert evaluate("(len('abc'), min(3, 1), max([2, 5]), sum([1, 2], 10))", {}) == (3, 1, 5, 13)
    assert evaluate("(abs(-2), round(2.567, 1), round(2.5))", {}) == (2, 2.6, 2)
    assert evaluate("(sorted([3, 1, 2], reverse=True), reversed([1, 2]))", {}) == (
        [3, 2, 1],
        [2, 1],
    )
    assert evaluate("(any([]), all([]), list(range(1, 7, 2)))", {}) == (False, True, [1, 3, 5])
    assert evaluate("(int('12'), int(2.9), float('1.5'), str(12), bool(''))", {}) == (
        12,
        2,
        1.5,
        "12",
        False,
    )
    assert evaluate("(list('ab'), tuple([1]), set([1, 1]), dict(a=1))", {}) == (
        ["a", "b"],
        (1,),
        {1},
        {"a": 1},
    )
    assert evaluate("(enumerate('ab', 1), zip([1, 2], 'xy'))", {}) == (
        [(1, "a"), (2, "b")],
        [(1, "x"), (2, "y")],
    )
    assert evaluate("max([], default=0)", {}) == 0


def test_str_of_a_self_referencing_list_is_fine() -> None:
    assert run("x = []\nx.append(x)\ntext = str(x)")["text"] == "[[...]]"


def test_unknown_function_is_a_script_failure() -> None:
    with pytest.raises(ScriptFailed, match="Okänd funktion: print"):
        evaluate("print(1)", {})


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("y = amount + 1", "Okänt namn: amount"),
        ("y = 1 / zero", "Division med noll"),
        ("y = {'a': 1}['x']", "Nyckeln finns inte: 'x'"),
        ("y = [1, 2][5]", "Index utanför giltigt intervall"),
        ("y = 1 + 'a'", "Fel typ av värde: unsupported operand type(s) for +: 'int' and 'str'"),
        ("y = int('tolv')", "Ogiltigt värde: invalid literal for int() with base 10: 'tolv'"),
        ("y = 10.0 ** 400", "Talet blev för stort"),
        ("y = 'abc' % 1", "Procentformatering av strängar stöds inte; använd f-strängar"),
    ],
    ids=[
        "undefined-name",
        "zero-division",
        "missing-key",
        "index-out-of-range",
        "type-error",
        "value-error",
        "overflow",
        "percent-format",
    ],
)
def test_runtime_errors_become_script_failed_in_swedish(script: str, message: str) -> None:
    error = failure(f"zero = 0\nx = 1\n{script}")
    assert error.line == 3
    assert error.message == message
    assert str(error) == f"Rad 3: {message}"


def test_failure_reports_the_line_of_the_failing_node() -> None:
    script = "total = (\n    1 +\n    missing\n)"
    assert failure(script).line == 3


def test_exceptions_from_helper_functions_become_script_failed() -> None:
    def broken() -> object:
        raise RuntimeError("trasig")

    with pytest.raises(ScriptFailed, match=r"Fel i skriptet \(RuntimeError\): trasig"):
        evaluate("broken()", {}, {"broken": broken})


def test_assignments_before_a_failure_remain_in_data() -> None:
    data: dict[str, object] = {}
    with pytest.raises(ScriptFailed):
        execute("a = 1\nb = 1 / 0", data)
    assert data == {"a": 1}


def test_script_errors_share_a_base_class() -> None:
    assert issubclass(ScriptRejected, ScriptError)
    assert issubclass(ScriptFailed, ScriptError)


# --- static check ----------------------------------------------------------------------


def test_check_accepts_valid_scripts_and_expressions() -> None:
    assert check("x = [i for i in range(3)]\nif x:\n    y = len(x)", "exec") == []
    assert check("decision == 'approve'", "eval") == []


def test_check_reports_every_problem_sorted_by_line() -> None:
    script = "import os\nx = 1\ny = x.__class__\nz = lambda: 1\nw = open('f')"
    assert check(script, "exec") == [
        ScriptProblem(1, "Konstruktionen är inte tillåten i skript: import"),
        ScriptProblem(3, "Namn som börjar med understreck är inte tillåtna: __class__"),
        ScriptProblem(4, "Konstruktionen är inte tillåten i skript: lambda"),
        ScriptProblem(5, "Namnet är inte tillåtet: open"),
    ]


def test_check_reports_syntax_errors_with_their_line() -> None:
    problems = check("x = 1\ny = (\n", "exec")
    assert len(problems) == 1
    assert problems[0].message.startswith("Syntaxfel")
    assert problems[0].line == 2


def test_check_rejects_break_outside_a_loop_and_statements_in_expressions() -> None:
    assert check("break", "exec") == [ScriptProblem(1, "break får bara stå i en loop")]
    assert check("x = 1", "eval")[0].message.startswith("Syntaxfel")


def test_check_rejects_unknown_attributes_and_oversized_sources() -> None:
    assert check("x.format(1)", "eval") == [ScriptProblem(1, "Attributet är inte tillåtet: format")]
    assert check("1" * 30, "eval", Limits(max_source=20))[0].message.startswith(
        "Skriptet är för långt"
    )


def test_evaluate_and_execute_raise_script_rejected_listing_all_problems() -> None:
    with pytest.raises(ScriptRejected) as info:
        execute("import os\n\nx = y.__dict__", {})
    assert info.value.line == 1
    assert [problem.line for problem in info.value.problems] == [1, 3]
    with pytest.raises(ScriptRejected):
        evaluate("eval('1')", {})


# --- limits and speed ------------------------------------------------------------------


def test_step_limit_is_configurable() -> None:
    with pytest.raises(ScriptFailed, match="för många steg"):
        execute("for i in range(100):\n    pass", {}, limits=Limits(max_steps=50))
    execute("for i in range(10):\n    pass", {}, limits=Limits(max_steps=50))


def test_time_limit_stops_a_long_run() -> None:
    with pytest.raises(ScriptFailed, match="för lång tid"):
        execute("while True:\n    pass", {}, limits=Limits(max_steps=10**9, max_seconds=0.05))


def test_sequence_and_int_limits_are_configurable() -> None:
    with pytest.raises(ScriptFailed, match="för stort"):
        evaluate("'a' * 11", {}, limits=Limits(max_sequence=10))
    with pytest.raises(ScriptFailed, match="Heltalet"):
        evaluate("2 ** 64", {}, limits=Limits(max_int_bits=64))
    assert evaluate("2 ** 63", {}, limits=Limits(max_int_bits=64)) == 2**63


def test_total_allocation_of_a_run_is_bounded() -> None:
    script = "rows = []\nfor i in range(5000):\n    rows.append('x' * 99000 + str(i))"
    with pytest.raises(ScriptFailed, match="för mycket data sammanlagt"):
        execute(script, {})


def test_a_cached_condition_evaluates_quickly() -> None:
    names = {"decision": "approve"}
    evaluate("decision == 'approve'", names)
    started = time.perf_counter()
    for _ in range(1000):
        evaluate("decision == 'approve'", names)
    assert (time.perf_counter() - started) / 1000 < 0.001  # generous; typically ~5 µs
