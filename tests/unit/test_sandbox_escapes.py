"""Known Python sandbox escapes and resource attacks are refused by the script guard.

Static escapes must be reported by ``check`` (deploy time) and refused by ``evaluate`` /
``execute`` with ``ScriptRejected``. Resource attacks pass the static check and must be
stopped quickly at run time with ``ScriptFailed``.
"""

from __future__ import annotations

import time
from typing import Literal

import pytest

from engine.scripting.guard import Limits, ScriptFailed, ScriptRejected, check, evaluate, execute

Mode = Literal["exec", "eval"]

STATIC_ESCAPES: list[tuple[str, Mode, str]] = [
    ("subclasses-via-class-base", "eval", "().__class__.__base__.__subclasses__()"),
    ("mro-via-class", "eval", "[].__class__.__mro__[1]"),
    ("bases-subclasses", "eval", "().__class__.__bases__[0].__subclasses__()"),
    ("dunder-import", "eval", "__import__('os').system('id')"),
    ("getattr-dunder", "eval", "getattr(1, '__class__')"),
    ("str-format-attribute", "eval", "'{0.__class__}'.format(1)"),
    ("str-format-globals", "eval", "'{0.__globals__}'.format(f)"),
    ("str-format-map", "eval", "'{x.__class__}'.format_map({'x': 1})"),
    ("generator-frame", "eval", "(x for x in []).gi_frame.f_back.f_globals"),
    ("generator-code", "exec", "gen = (x for x in [])\ncode = gen.gi_code"),
    ("function-globals", "eval", "f.__globals__"),
    ("function-func-globals", "eval", "f.func_globals"),
    ("frame-locals", "eval", "frame.f_locals"),
    ("generator-gi-frame", "eval", "g.gi_frame"),
    ("coroutine-frame", "eval", "c.cr_frame"),
    ("traceback-frame", "eval", "tb.tb_frame"),
    ("mro-method", "eval", "x.mro()"),
    ("instance-dict", "eval", "x.__dict__"),
    ("builtins-dict", "eval", "__builtins__['eval']('1')"),
    (
        "fullwidth-format-normalized",
        "eval",
        "'{0.__class__}'.\uff46\uff4f\uff52\uff4d\uff41\uff54(1)",
    ),
    ("fullwidth-eval-normalized", "eval", "\uff45\uff56\uff41\uff4c('1')"),
    ("lambda", "eval", "lambda: 1"),
    ("import", "exec", "import os"),
    ("from-import", "exec", "from os import system"),
    ("exec-call", "eval", "exec('1')"),
    ("eval-call", "eval", "eval('1')"),
    ("compile-call", "eval", "compile('1', 'f', 'eval')"),
    ("open-file", "eval", "open('/etc/passwd')"),
    ("type-call", "eval", "type(1)"),
    ("globals-call", "eval", "globals()"),
    ("vars-call", "eval", "vars()"),
    ("breakpoint-call", "eval", "breakpoint()"),
    ("object-subclasses", "eval", "object.__subclasses__()"),
    ("underscore-keyword", "eval", "dict(__class__=1)"),
    ("walrus", "eval", "(y := 1)"),
    ("class-definition", "exec", "class A:\n    pass"),
    ("function-definition", "exec", "def f():\n    return 1"),
    ("try-catching-limit-errors", "exec", "try:\n    pass\nexcept Exception:\n    pass"),
    ("raise", "exec", "raise SystemExit"),
    ("with-statement", "exec", "with x as y:\n    pass"),
    ("global-statement", "exec", "global x"),
    ("yield", "exec", "yield 1"),
    ("match-statement", "exec", "match x:\n    case _:\n        pass"),
    ("attribute-assignment", "exec", "x.year = 1"),
    ("call-of-a-call-result", "eval", "f()()"),
    ("bytes-constant", "eval", "b'x'"),
    ("static-huge-format-width", "eval", "f'{1:>1000000000}'"),
    ("huge-int-literal", "eval", "1" + "0" * 2000),
    ("too-deep-nesting", "eval", "not " * 150 + "x"),
    ("source-too-long-nested-parens", "eval", "(" * 100_000 + "1" + ")" * 100_000),
]


@pytest.mark.parametrize(
    ("mode", "source"),
    [(mode, source) for _, mode, source in STATIC_ESCAPES],
    ids=[name for name, _, _ in STATIC_ESCAPES],
)
def test_static_escape_is_reported_by_check_and_rejected(mode: Mode, source: str) -> None:
    assert check(source, mode) != []
    with pytest.raises(ScriptRejected):
        if mode == "eval":
            evaluate(source, {"f": len, "x": 1})
        else:
            execute(source, {"x": 1})


def test_parser_overload_is_a_problem_not_a_crash() -> None:
    big = Limits(max_source=10_000_000)
    for source in ("(" * 100_000 + "1" + ")" * 100_000, "-" * 100_000 + "1", "1" + "+1" * 200_000):
        problems = check(source, "eval", big)
        assert len(problems) >= 1
        assert problems[0].line == 1


RUNTIME_ATTACKS: list[tuple[str, str]] = [
    ("power-tower", "x = 9 ** 9 ** 9"),
    ("string-repeat", "x = 'a' * 10 ** 10"),
    ("list-repeat", "x = [1] * 10 ** 9"),
    ("repeat-from-the-left", "x = 10 ** 9 * 'ab'"),
    ("left-shift", "x = 1 << 10 ** 9"),
    ("doubling-loop", "s = 'x' * 99999\nwhile True:\n    s = s + s"),
    ("while-true", "while True:\n    pass"),
    ("huge-range-loop", "for i in range(10 ** 12):\n    pass"),
    ("nested-range-loops", "for i in range(10 ** 5):\n    for j in range(10 ** 5):\n        pass"),
    ("replace-blowup", "s = 'a' * 50000\ns = s.replace('a', s)"),
    ("join-blowup", "x = ','.join(['a' * 100000] * 100000)"),
    ("zfill-width", "x = 'a'.zfill(10 ** 9)"),
    ("center-width", "x = 'a'.center(10 ** 9)"),
    ("dynamic-format-width", "w = 10 ** 9\nx = f'{1:>{w}}'"),
    ("dynamic-format-precision", "p = 10 ** 6\nx = f'{1.5:.{p}f}'"),
    ("int-of-long-string", "x = int('9' * 5000)"),
    ("round-with-huge-negative-digits", "x = round(5, -10 ** 9)"),
    ("percent-format-width", "x = '%0999999999d' % 1"),
    ("str-of-shared-nested-list", "a = [0] * 100000\nb = [a] * 100000\nc = str(b)"),
    ("fstring-of-shared-nested-list", "a = [0] * 100000\nb = [a] * 100000\nc = f'{b}'"),
    (
        "compare-shared-nested-lists",
        "a = [0] * 100000\nb = [a] * 100000\nc = [list(a)] * 100000\nd = b == c",
    ),
    ("hash-shared-tuples", "t = tuple(range(100000))\ns = set([t] * 100000)"),
    ("self-extending-list", "x = [1]\nfor i in x:\n    x.append(i)"),
    (
        "memory-accumulation",
        "rows = []\nfor i in range(50000):\n    rows.append('x' * 99990 + str(i))",
    ),
    ("comprehension-accumulation", "rows = ['x' * 99990 + str(i) for i in range(50000)]"),
    ("nested-comprehension-steps", "x = [i for i in range(100000) for j in range(100000)]"),
    ("deeply-nested-list-str", "x = []\nfor i in range(20000):\n    x = [x]\ny = str(x)"),
    ("sum-concatenating-lists", "x = sum([[1]] * 100000, [])"),
    ("call-a-callable-from-data", "hook('id')"),
    ("method-of-an-unknown-type", "n = thing.count(1)"),
    ("range-list-too-long", "x = list(range(10 ** 7))"),
]


@pytest.mark.parametrize(
    "script",
    [script for _, script in RUNTIME_ATTACKS],
    ids=[name for name, _ in RUNTIME_ATTACKS],
)
def test_runtime_attack_is_stopped_quickly(script: str) -> None:
    assert check(script, "exec") == []
    data: dict[str, object] = {"hook": print, "thing": object()}
    started = time.monotonic()
    with pytest.raises(ScriptFailed):
        execute(script, data)
    assert time.monotonic() - started < 5  # a sanity bound, not a benchmark


def test_expression_attacks_are_stopped_too() -> None:
    for expression in ("9 ** 9 ** 9", "'a' * 10 ** 10", "[1] * 10 ** 9", "1 << 10 ** 9"):
        with pytest.raises(ScriptFailed):
            evaluate(expression, {})
