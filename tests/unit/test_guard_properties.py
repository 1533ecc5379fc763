"""Property: any allowed snippet ends within the step's time and under a memory bound.

Hypothesis writes random scripts and expressions from the allowed subset (assignments,
loops, comprehensions, star expansions, f-strings, calls of the safe builtins and methods
on generated values, big inputs among them) and runs three of them in one engine step.
Every run must end — normally or with a Swedish ``ScriptError`` — within the step's time
limit plus the cost of one node, and the memory it allocated (``tracemalloc`` peak) must
stay under what the budget allows. A soft address-space limit guards the test process in
case a snippet escapes anyway.
"""

from __future__ import annotations

import datetime as dt
import re
import resource
import time
import tracemalloc
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.scripting.guard import Limits, ScriptError, StepBudget, check, evaluate, execute

LIMITS = Limits(max_steps=100_000, max_seconds=0.15, max_sequence=20_000)
STEP_SECONDS = 0.3
STEP_ALLOCATION = 800_000  # units; a snippet alone may use 20 * max_sequence = 400 000
#: What one unit may cost in bytes at most (see engine.scripting.budget).
BYTES_PER_UNIT = 100
MEMORY_BOUND = STEP_ALLOCATION * BYTES_PER_UNIT + 8 * 1024 * 1024
#: One node's own work (a sort, a set of max_sequence values …) on a busy shared machine.
NODE_SLACK = 1.0

#: Expressions by the kind of value they make; ``<kind>`` is filled in with another one.
ATOMS: dict[str, list[str]] = {
    "int": ["0", "1", "7", "-3", "n", "2**61 - 1", "2**100", "10**6"],
    "str": ["'a'", "'åß'", "'%Y'", "''", "s"],
    "list": ["big", "v0", "[]"],
    "dict": ["table", "v1", "{}"],
    "set": ["v2", "set()"],
    "other": ["0.5", "1e300", "2.0**70", "None", "True", "day", "moment", "x"],
}
TEMPLATES: dict[str, list[str]] = {
    "int": [
        "(<int> + <int>)", "(<int> * <int>)", "(<int> ** <int>)", "(<int> << <int>)",
        "(<int> // <int>)", "(<int> % <int>)", "(<int> ^ <int>)", "len(<sized>)",
        "sum(<list>)", "min(<list>, default=0)", "max(*<list>, 0)", "(<list>).count(<any>)",
        "(<str>).find(<str>)", "(<int> if <any> else <int>)", "int(<str>)",
    ],
    "str": [
        "(<str> + <str>)", "(<str>) * <count>", "(<str>).upper()", "(<str>).replace('a', <str>)",
        "'-'.join(<list>)", "','.join(<str>)", "str(<any>)", "(<str>).center(<count>)",
        "(<str>)[1:]", 'f"{<atom>:<spec>}"', 'f"{<atom>!r}"', 'f"{<atom>!a}-{<atom>}"',
        "(<str>).zfill(<count>)",
    ],
    "list": [
        "[<any>, <any>]", "[<any>] * <count>", "(<list> + <list>)", "[*<sized>, *<sized>]",
        "list(<sized>)", "sorted(<list>)", "(<str>).split(',')", "[<any> for x in <sized>]",
        "[x for x in <sized> if <any>]", "list(zip(<sized>, <sized>))",
        "list(zip(*<list>))", "list(range(<count>))", "(<list>)[1:]", "reversed(<list>)",
        "enumerate(<sized>)", "(<dict>).keys()", "(<dict>).items()", "[<list>] * <count>",
        "(<set>).union(<sized>).copy() and sorted(<set>)",
    ],
    "dict": [
        "{<key>: <any>}", "{x: <any> for x in <sized>}", "dict(zip(<sized>, <sized>))",
        "{**<dict>, **<dict>}", "(<dict>).copy()", "dict(<dict>, a=<any>)",
    ],
    "set": [
        "{<key>, <key>}", "set(<sized>)", "{<key> for x in <sized>}", "(<set>).union(<sized>)",
        "(<set> | <set>)", "(<set>).intersection(<sized>)",
    ],
    "other": ["max(<list>, default=None)", "(<dict>).get(<key>)", "(<any> in <sized>)"],
}  # fmt: skip
KINDS = {
    "sized": ["str", "list", "dict", "set"],
    "any": ["int", "str", "list", "dict", "set", "other"],
    "key": ["int", "str"],
}
CHOICES = {
    "count": ["2", "3", "100", "5000", "20000", "10**6", "n"],
    "spec": ["", ">10", "%Y-%m-%d", ".3f", ",", "^100", "%1000Y%1000Y", "%c"],
    "atom": [atom for atoms in ATOMS.values() for atom in atoms if atom != "{}"],
}
PLACE = re.compile(r"<(\w+)>")


@st.composite
def expressions(draw: st.DrawFn, kind: str = "any", depth: int = 3) -> str:
    """An expression making a value of ``kind``, at most ``depth`` templates deep."""
    if kind in CHOICES:
        return draw(st.sampled_from(CHOICES[kind]))
    if kind in KINDS:
        kind = draw(st.sampled_from(KINDS[kind]))
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(ATOMS[kind]))
    template = draw(st.sampled_from(TEMPLATES[kind]))
    return (
        "(" + PLACE.sub(lambda place: draw(expressions(place.group(1), depth - 1)), template) + ")"
    )


STATEMENTS = [
    "v0 = <list>", "v1 = <dict>", "v2 = <set>", "v3 = <any>", "v0.append(<any>)",
    "v0.extend(<sized>)", "v0 += <list>", "v0.sort()", "v1[<key>] = <any>",
    "v1.update(<dict>)", "v1.setdefault(<key>, <any>)", "v2.add(<key>)", "v2 |= <set>",
    "v0.insert(0, <any>)", "del v0[0]", "v0 = [<any> for x in big]",
    "v1 = {x: <any> for x in big}", "v0 = [<str> + str(x) for x in range(<count>)]",
    "v1 = {<str> + str(x): x for x in range(<count>)}",
]  # fmt: skip
#: Loops that keep what they make: they drive a run towards its allowance.
LOOPS = [
    "for x in big:\n    v0.append(<any>)", "for x in big:\n    v1[<str> + str(x)] = <any>",
    "for x in range(<count>):\n    v0.append(<list>)", "for x in big:\n    v2.add(<key>)",
    "while n < <count>:\n    v0 += <list>\n    n += 1",
    "for x in range(<count>):\n    v0.append(list(<sized>))",
    "for x in range(<count>):\n    v0.append((<str>) * <count>)",
    "for x in range(<count>):\n    v1[x] = set(<sized>)",
    "for x in range(<count>):\n    v0.append(list(zip(<sized>, <sized>)))",
]  # fmt: skip
HEADERS = ["for x in <sized>:", "if <any>:", "while n < <count>:"]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 2) -> list[str]:
    """A few statements, some of them loops or ``if`` with a block of their own."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth > 0 and draw(st.integers(0, 2)) == 0:
            header = draw(st.sampled_from(HEADERS))
            body = draw(blocks(depth - 1)) + (["n += 1"] if header.startswith("while") else [])
            lines += [fill(draw, header, 2), *("    " + line for line in body)]
        elif draw(st.integers(0, 3)) == 0:
            lines += fill(draw, draw(st.sampled_from(LOOPS)), 2).split("\n")
        else:
            lines.append(fill(draw, draw(st.sampled_from(STATEMENTS)), 3))
    return lines


def fill(draw: st.DrawFn, template: str, depth: int) -> str:
    return PLACE.sub(lambda place: draw(expressions(place.group(1), depth)), template)


@st.composite
def scripts(draw: st.DrawFn) -> str:
    return "\n".join(["n = 0", "v0 = []", "v1 = {}", "v2 = set()", "v3 = 0", *draw(blocks())])


def fresh_names() -> dict[str, object]:
    """The case data every snippet sees: ordinary values and some big ones."""
    return {
        "big": list(range(20_000)),
        "s": "a,b" * 6_000,
        "table": {str(i): i for i in range(2_000)},
        "day": dt.date(2026, 1, 31),
        "moment": dt.datetime(2026, 1, 31, 12, 30),
    }


@pytest.fixture
def address_space_cap() -> Iterator[None]:
    """A soft cap of 2 GiB more than now: an escaping snippet fails instead of the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    cap = in_use + 2 * 1024**3
    resource.setrlimit(
        resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
    )
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run_step(first: str, second: str, condition: str) -> tuple[float, int, list[str]]:
    """Two scripts and a condition in one step: seconds, peak bytes, messages."""
    names = fresh_names()
    step = StepBudget(max_seconds=STEP_SECONDS, max_allocation=STEP_ALLOCATION)
    messages: list[str] = []
    tracemalloc.start()
    started = time.monotonic()
    try:
        for script in (first, second):
            try:
                execute(script, names, limits=LIMITS, step=step)
            except ScriptError as error:
                messages.append(error.message)
        try:
            evaluate(condition, names, limits=LIMITS, step=step)
        except ScriptError as error:
            messages.append(error.message)
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak, messages


#: Scripts that keep as much as they can of one kind of value, to weigh a unit in bytes.
KEEPERS = [
    "rows = [set() for x in range(30000)]",
    "rows = [{x} for x in range(30000)]",
    "rows = [{x: x} for x in range(30000)]",
    "rows = [[] for x in range(30000)]",
    "rows = [[x] for x in range(30000)]",
    "rows = [(x, x) for x in range(30000)]",
    "rows = [x * 0.5 for x in range(30000)]",
    "rows = [str(x) for x in range(30000)]",
    "rows = list(zip(range(30000), range(30000)))",
    "rows = list('€' * 30000)",
    "rows = [('ab,' * 3000).split(',') for x in range(60)]",
    "rows = [day + timedelta(days=x) for x in range(30000)]",
    "d = dict(zip(range(30000), range(30000)))",
    "d = {}\nfor x in range(30000):\n    d.setdefault(x, set())",
    "d = {}\nfor x in range(30000):\n    d[x] = []",
    "s = set(range(30000))",
]


@pytest.mark.parametrize("script", KEEPERS)
def test_a_unit_of_the_allowance_is_at_most_a_hundred_bytes(script: str) -> None:
    step = StepBudget(max_seconds=60, max_allocation=10**9)
    limits = Limits(max_steps=10**7, max_seconds=60)
    tracemalloc.start()
    try:
        execute(script, {"day": dt.date(2026, 1, 31)}, limits=limits, step=step)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    units = 10**9 - step.remaining
    assert peak <= units * BYTES_PER_UNIT


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(first=scripts(), second=scripts(), condition=expressions("any", 4))
def test_any_allowed_step_ends_in_time_and_within_memory(
    address_space_cap: None, first: str, second: str, condition: str
) -> None:
    for source, mode in ((first, "exec"), (second, "exec"), (condition, "eval")):
        assert check(source, mode, LIMITS) == [], source
    seconds, peak, messages = run_step(first, second, condition)
    assert seconds < STEP_SECONDS + NODE_SLACK, (seconds, messages)
    assert peak < MEMORY_BOUND, (peak, messages)
    assert "Minnet räckte inte till" not in messages
