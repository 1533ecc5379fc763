"""Allow-lists, the static check and the operators of the script sandbox.

This module is the "rules" half of :mod:`engine.scripting.guard`: which constructs and names
a snippet may contain (checked before it runs), and how operators, comparisons and unpacking
are applied with their cost checked first. What a run may allocate is
:mod:`engine.scripting.budget`; what may be hashed :mod:`engine.scripting.keys`; methods and
builtins live in :mod:`engine.scripting.methods` and :mod:`engine.scripting.safe_builtins`.
Violations raise :class:`Refused` with a Swedish message; the interpreter turns that into
``ScriptFailed`` with the line of the failing node.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, cast

from engine.scripting.budget import CONTAINERS, SIZED, Budget, Refused
from engine.scripting.formats import check_format_spec
from engine.scripting.keys import check_key
from engine.scripting.methods import ALL_ATTRIBUTES, MUTATING, build_dict, read_only_message


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FORBIDDEN_NAMES = _words(
    "exec eval compile open getattr setattr delattr globals locals vars dir __import__ input "
    "breakpoint help type object super memoryview bytearray classmethod staticmethod property "
    "id hash exit quit"
)
_SEQUENCES = (str, list, tuple)
_HASHED = (dict, set, frozenset)
#: Lists and tuples up to this length are searched by ``in`` without measuring them first.
_SHORT = 64
_SET_OPERATORS = frozenset({"BitOr", "BitXor", "BitAnd", "Sub"})

#: AST node types a snippet may contain (operators included); everything else is refused.
ALLOWED_NODES: frozenset[type[ast.AST]] = frozenset({
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For,
    ast.While, ast.Break, ast.Continue, ast.Pass, ast.Delete, ast.Assert, ast.BoolOp,
    ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Dict, ast.List, ast.Tuple, ast.Set,
    ast.Subscript, ast.Slice, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
    ast.comprehension, ast.JoinedStr, ast.FormattedValue, ast.Call, ast.keyword,
    ast.Attribute, ast.Starred, ast.Name, ast.Constant, ast.Load, ast.Store, ast.Del,
    ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Invert, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.Add, ast.Sub,
    ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitOr,
    ast.BitXor, ast.BitAnd,
})  # fmt: skip
_LABELS: dict[type[ast.AST], str] = {
    ast.Import: "import", ast.ImportFrom: "from-import", ast.FunctionDef: "funktionsdefinition",
    ast.AsyncFunctionDef: "funktionsdefinition", ast.Lambda: "lambda",
    ast.ClassDef: "klassdefinition", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.With: "with", ast.AsyncWith: "with", ast.Try: "try", ast.TryStar: "try",
    ast.Raise: "raise", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Await: "await",
    ast.NamedExpr: "tilldelningsuttryck (:=)", ast.Return: "return", ast.Match: "match",
    ast.AsyncFor: "async for", ast.MatMult: "operatorn @", ast.AnnAssign: "typannotering",
}  # fmt: skip
_CONSTANT_TYPES = (int, float, str, bool, type(None))
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

COMPARE: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip
UNARY: dict[type[ast.AST], Callable[[Any], Any]] = {
    ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}  # fmt: skip
BINARY: dict[str, Callable[[Any, Any], object]] = {
    "Add": operator.add, "Sub": operator.sub, "Mult": operator.mul,
    "Div": operator.truediv, "FloorDiv": operator.floordiv, "Mod": operator.mod,
    "Pow": operator.pow, "LShift": operator.lshift, "RShift": operator.rshift,
    "BitOr": operator.or_, "BitXor": operator.xor, "BitAnd": operator.and_,
}  # fmt: skip
INPLACE: dict[str, Callable[[Any, Any], object]] = {
    "Add": operator.iadd, "Sub": operator.isub, "Mult": operator.imul,
    "Div": operator.itruediv, "FloorDiv": operator.ifloordiv, "Mod": operator.imod,
    "Pow": operator.ipow, "LShift": operator.ilshift, "RShift": operator.irshift,
    "BitOr": operator.ior, "BitXor": operator.ixor, "BitAnd": operator.iand,
}  # fmt: skip


def static_problems(
    tree: ast.AST, max_depth: int, max_int_bits: int, read_only: bool = False
) -> list[tuple[int, str]]:
    """(line, message) for every problem in ``tree``, walked without recursion.

    Each generator of a comprehension counts as one more nesting level, so the depth limit
    also bounds the interpreter's recursion through nested generators. With ``read_only``
    (expressions) anything that would change data is a problem too.
    """
    problems: list[tuple[int, str]] = []
    too_deep: set[int] = set()
    stack: list[tuple[ast.AST, int, int, bool]] = [(tree, 0, 1, False)]
    while stack:
        node, depth, line, in_loop = stack.pop()
        line = getattr(node, "lineno", line)
        if depth > max_depth:
            if line not in too_deep:
                too_deep.add(line)
                problems.append((line, f"Skriptet är för djupt nästlat (högst {max_depth} nivåer)"))
            continue
        problem = node_problem(node, in_loop, max_int_bits)
        if problem is None and read_only:
            problem = _change_in_expression(node)
        if problem is not None:
            problems.append((line, problem))
        inner = len(node.generators) if isinstance(node, _COMPREHENSIONS) else 0
        children: list[tuple[ast.AST, int, int, bool]] = []
        for field, value in ast.iter_fields(node):
            loop = in_loop or (field == "body" and isinstance(node, (ast.For, ast.While)))
            for index, child in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(child, ast.AST):
                    extra = index if field == "generators" else inner
                    children.append((child, depth + 1 + extra, line, loop))
        stack.extend(reversed(children))
    return problems


def node_problem(node: ast.AST, in_loop: bool, max_int_bits: int) -> str | None:
    """The Swedish problem with one AST node on its own, or ``None`` if it is allowed."""
    kind = type(node)
    if kind not in ALLOWED_NODES:
        if not isinstance(node, (ast.stmt, ast.expr, ast.operator)):
            return None  # helper node (alias, arguments, ...) of an already reported construct
        return f"Konstruktionen är inte tillåten i skript: {_LABELS.get(kind, kind.__name__)}"
    name: str | None = None
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.keyword):
        name = node.arg
    elif isinstance(node, ast.Attribute):
        if not node.attr.startswith("_") and node.attr not in ALL_ATTRIBUTES:
            return f"Attributet är inte tillåtet: {node.attr}"
        if not isinstance(node.ctx, ast.Load):
            return f"Attribut kan inte tilldelas eller tas bort: {node.attr}"
        name = node.attr
    elif isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
        return "Bara namngivna funktioner och tillåtna metoder kan anropas"
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, _CONSTANT_TYPES):
            return f"Konstanter av typen {type(node.value).__name__} är inte tillåtna"
        if isinstance(node.value, int) and node.value.bit_length() > max_int_bits:
            return f"Heltalet är för stort (högst {max_int_bits} bitar)"
    elif isinstance(node, ast.comprehension) and node.is_async:
        return "Konstruktionen är inte tillåten i skript: async for"
    elif isinstance(node, (ast.Break, ast.Continue)) and not in_loop:
        return f"{'break' if isinstance(node, ast.Break) else 'continue'} får bara stå i en loop"
    elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
        parts = node.format_spec.values
        if all(isinstance(part, ast.Constant) for part in parts):
            try:
                check_format_spec("".join(str(cast(ast.Constant, p).value) for p in parts))
            except Refused as exc:
                return exc.message
    if name is not None and name.startswith("_"):
        return f"Namn som börjar med understreck är inte tillåtna: {name}"
    if name in FORBIDDEN_NAMES and isinstance(node, ast.Name):
        return f"Namnet är inte tillåtet: {name}"
    return None


def _change_in_expression(node: ast.AST) -> str | None:
    """Why ``node`` would change data, which an expression must not, or ``None``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in MUTATING:
            return read_only_message(node.func.attr)
    elif isinstance(node, ast.Subscript) and not isinstance(node.ctx, ast.Load):
        return "Villkor och uttryck får inte ändra data (tilldelning till ett element)"
    return None


def refuse(message: str) -> NoReturn:
    """Raise :class:`Refused` (usable inside a lambda)."""
    raise Refused(message)


def keyword_arguments(value: object) -> Mapping[str, Any]:
    """Check a ``**mapping`` call argument: a mapping with ordinary names as keys."""
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and not key.startswith("_") for key in value
    ):
        raise Refused("Bara ordlistor med vanliga namn som nycklar kan packas upp med **")
    return value


def unpack(targets: list[ast.expr], items: list[Any]) -> list[tuple[ast.expr, Any]]:
    """Pair unpacking targets with values as Python does, e.g. ``first, *rest = items``."""
    stars = [i for i, target in enumerate(targets) if isinstance(target, ast.Starred)]
    if len(stars) > 1 or len(items) < len(targets) - len(stars):
        raise Refused(f"Fel antal värden att packa upp: {len(items)} till {len(targets)} mål")
    if not stars:
        if len(items) != len(targets):
            raise Refused(f"Fel antal värden att packa upp: {len(items)} till {len(targets)} mål")
        return list(zip(targets, items, strict=True))
    star, tail = stars[0], len(targets) - stars[0] - 1
    middle = (cast(ast.Starred, targets[star]).value, items[star : len(items) - tail])
    before = zip(targets[:star], items[:star], strict=True)
    after = zip(targets[star + 1 :], items[len(items) - tail :], strict=True)
    return [*before, middle, *after]


def short_repr(value: object) -> str:
    """A short, bounded representation of a scalar for error messages."""
    if not isinstance(value, (str, int, float, type(None))):
        return f"<{type(value).__name__}>"
    try:
        text = repr(value)
    except ValueError:
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def binary(op: str, left: Any, right: Any, budget: Budget, inplace: bool = False) -> object:
    """Apply binary operator ``op`` (an ``ast`` class name) after its cost checks.

    A sequence, set or dict result is reserved before it is built; in place it pays only
    for what it adds. ``list += iterable`` and ``dict |= pairs`` check what they take in.
    """
    both_int = isinstance(left, int) and isinstance(right, int)
    if op == "Pow" and both_int and right > 0:
        budget.bits((abs(left).bit_length() - 1) * right)
    elif op == "LShift" and both_int and left and right > 0:
        budget.bits(left.bit_length() + right)
    elif op == "Mult":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and isinstance(times, int):
                _reserve(budget, seq, len(seq) * times, inplace and seq is left)
    elif op == "Mod" and isinstance(left, (str, bytes)):
        raise Refused("Procentformatering av strängar stöds inte; använd f-strängar")
    elif op == "Add" and isinstance(left, _SEQUENCES):
        if inplace and isinstance(left, list):
            right = budget.sized(right)
        if isinstance(right, SIZED):
            _reserve(budget, left, len(left) + len(right), inplace)
    elif op in _SET_OPERATORS and isinstance(left, _HASHED):
        if inplace and isinstance(left, dict) and not isinstance(right, dict):
            right = build_dict(budget, right, {})
        if isinstance(right, SIZED):  # keys overlap: the size itself is checked afterwards
            added = len(right) + (0 if inplace else len(left))
            budget.spend(added)
            budget.hashed(added, new=not inplace)
    result = (INPLACE if inplace else BINARY)[op](left, right)
    return budget.produced(result, count=False)


def _reserve(budget: Budget, left: object, size: int, inplace: bool) -> None:
    """Reserve an operator's result of ``size`` (only the growth when ``left`` changes)."""
    size = max(size, 0)
    if isinstance(left, str):
        budget.need(size)
    elif inplace and isinstance(left, (list, dict, set)):
        budget.reserve(size, max(size - len(cast(list[Any], left)), 0))
    else:
        budget.reserve(size)


def compare_guard(op: type[ast.cmpop], left: object, right: object, budget: Budget) -> None:
    """Refuse comparisons and membership tests whose cost cannot be bounded.

    ``in`` a dict or set hashes ``left`` (see :mod:`engine.scripting.keys`); ``in`` a long
    list or tuple compares ``left`` with every element; comparing containers walks them.
    """
    if op is ast.In or op is ast.NotIn:
        if isinstance(right, _HASHED):
            check_key(left)
        elif isinstance(right, (list, tuple)) and (
            len(right) > _SHORT or isinstance(left, CONTAINERS)
        ):
            budget.measure(right)
            if isinstance(left, CONTAINERS):
                budget.measure(left)
    elif isinstance(left, CONTAINERS):
        budget.measure(left)
        if isinstance(right, CONTAINERS):
            budget.measure(right)


def describe(exc: Exception) -> str:
    """Translate a Python exception raised while running into a Swedish message."""
    if isinstance(exc, Refused):
        return exc.message
    if isinstance(exc, ZeroDivisionError):
        return "Division med noll"
    if isinstance(exc, KeyError):
        return f"Nyckeln finns inte: {short_repr(exc.args[0] if exc.args else None)}"
    if isinstance(exc, IndexError):
        return "Index utanför giltigt intervall"
    if isinstance(exc, RecursionError):
        return "Värdet är för djupt nästlat"
    if isinstance(exc, OverflowError):
        return "Talet blev för stort"
    if isinstance(exc, MemoryError):
        return "Minnet räckte inte till"
    try:
        detail = str(exc)[:200]
    except Exception:
        detail = type(exc).__name__
    if isinstance(exc, TypeError):
        return f"Fel typ av värde: {detail}"
    if isinstance(exc, ValueError):
        return f"Ogiltigt värde: {detail}"
    return f"Fel i skriptet ({type(exc).__name__}): {detail}"
