"""Allow-lists, size guards, safe builtins and method dispatch for the script sandbox.

This module is the "library" half of :mod:`engine.scripting.guard`: everything a
sandboxed snippet can call lives here, and every operation that could make
Python allocate a lot of memory (or walk a huge shared structure in C) in one
step is measured *before* it is performed.  Violations raise :class:`Refused`
with a Swedish message; the interpreter turns that into ``ScriptFailed`` with
the line of the failing node.
"""

from __future__ import annotations

import ast
import datetime as _dt
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar, cast

_T = TypeVar("_T")

#: A produced container may hold at most this many times ``max_sequence``
#: elements/characters summed over the whole run (bounds total allocation).
ALLOCATION_FACTOR = 20
#: Largest width or precision accepted in an f-string format specification.
MAX_FORMAT_NUMBER = 1000


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FORBIDDEN_NAMES = _words(
    "exec eval compile open getattr setattr delattr globals locals vars dir __import__ input "
    "breakpoint help type object super memoryview bytearray classmethod staticmethod property "
    "id hash exit quit"
)
_STR = _words(
    "lower upper strip lstrip rstrip split rsplit join replace startswith endswith find count "
    "title capitalize isdigit isalpha isalnum splitlines zfill ljust rjust center"
)
_LIST = _words("append extend insert pop remove index count copy reverse sort")
_DICT = _words("get keys values items pop setdefault update copy")
_FROZENSET = _words("union intersection difference issubset issuperset copy")
_SET = _FROZENSET | {"add", "discard", "remove"}
_DATE = _words("year month day weekday isoweekday isoformat replace")
_DATETIME = _DATE | {"hour", "minute", "second", "date"}
_TIMEDELTA = _words("days seconds total_seconds")

#: Attribute names that are plain values (read without a call).
DATA_ATTRIBUTES = _words("year month day hour minute second days seconds")
#: Per-type allow-lists; ``datetime`` precedes ``date`` because it subclasses it.
_MEMBERS: tuple[tuple[type, frozenset[str]], ...] = (
    (str, _STR),
    (list, _LIST),
    (dict, _DICT),
    (set, _SET),
    (frozenset, _FROZENSET),
    (_dt.datetime, _DATETIME),
    (_dt.date, _DATE),
    (_dt.timedelta, _TIMEDELTA),
)
_MEMBERS_BY_TYPE = dict(_MEMBERS)
#: Union of every allowed attribute name (used by the static check).
ALL_ATTRIBUTES = frozenset().union(*(names for _, names in _MEMBERS))
#: Methods whose result is an existing value rather than a new allocation.
_RETURNS_EXISTING = frozenset({"get", "pop", "setdefault", "index", "count", "find"})
#: Methods taking other collections whose elements are hashed or copied.
_COMBINING = _words("extend update union intersection difference issubset issuperset")

CONTAINERS = (list, tuple, dict, set, frozenset)
_SEQUENCES = (str, list, tuple)
_SIZED = (str, list, tuple, dict, set, frozenset)
_SCALARS = frozenset({int, float, bool, str, type(None), _dt.date, _dt.datetime, _dt.timedelta})
_FORMAT_NUMBER = re.compile(r"\d+")

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


def static_problems(tree: ast.AST, max_depth: int, max_int_bits: int) -> list[tuple[int, str]]:
    """(line, message) for every problem in ``tree``, walked without recursion.

    Each generator of a comprehension counts as one more nesting level, so the depth limit
    also bounds the interpreter's recursion through nested generators.
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


class Refused(Exception):
    """A sandbox rule stopped an operation; ``message`` is a Swedish sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Budget:
    """Size limits of one run plus the remaining total allocation allowance."""

    __slots__ = ("max_int_bits", "max_sequence", "remaining")

    def __init__(self, max_sequence: int, max_int_bits: int) -> None:
        self.max_sequence = max_sequence
        self.max_int_bits = max_int_bits
        self.remaining = max_sequence * ALLOCATION_FACTOR

    def need(self, size: int) -> None:
        """Refuse before creating a sequence of ``size`` elements if it is too long."""
        if size > self.max_sequence:
            raise Refused(f"Värdet blir för stort ({size} element, högst {self.max_sequence})")

    def produced(self, value: object, count: bool = True) -> object:
        """Check a freshly produced value against the limits and return it.

        With ``count`` a new container's length is charged to the allocation
        allowance (strings are charged only when they are stored somewhere).
        """
        if isinstance(value, _SIZED):
            size = len(value)
            self.need(size)
            if count and not isinstance(value, str):
                self.spend(size)
        elif isinstance(value, int):
            self.bits(value.bit_length())
        return value

    def bits(self, bits: int) -> None:
        """Refuse an integer of ``bits`` bits if it exceeds ``max_int_bits``."""
        if bits > self.max_int_bits:
            raise Refused(f"Heltalet blir för stort (högst {self.max_int_bits} bitar)")

    def spend(self, units: int) -> None:
        """Charge ``units`` to the allocation allowance of the whole run."""
        self.remaining -= units
        if self.remaining < 0:
            raise Refused("Skriptet skapade för mycket data sammanlagt")

    def retain(self, value: object) -> None:
        """Charge a value that is being stored in a container or a new variable."""
        self.spend(len(value) + 1 if isinstance(value, _SIZED) else 1)

    def measure(self, value: object, text: bool = False) -> None:
        """Refuse if walking ``value`` (as ``repr``/``==``/``hash`` would) is too costly.

        Shared references are counted every time they occur, exactly like the C
        code that prints or compares them, so a list holding the same big list
        many times is measured at its true (printed) size.  With ``text`` the
        length of strings counts too and the limit is ``max_sequence``;
        otherwise only elements count and the limit is ten times larger.
        """
        limit = self.max_sequence if text else self.max_sequence * 10
        total = 0
        on_path: set[int] = set()
        stack: list[tuple[object, bool]] = [(value, False)]
        while stack:
            item, leaving = stack.pop()
            if leaving:
                on_path.discard(id(item))
                continue
            if isinstance(item, str):
                total += len(item) if text else 0
            elif isinstance(item, int):
                total += item.bit_length() // 3 if text else 0
            elif isinstance(item, CONTAINERS) and id(item) not in on_path:
                children: list[object] = (
                    [*item.keys(), *item.values()] if isinstance(item, dict) else list(item)
                )
                total += len(children) + 1
                if total > limit:
                    break
                if not text and set(map(type, children)) <= _SCALARS:
                    continue
                on_path.add(id(item))
                stack.append((item, True))
                stack.extend((child, False) for child in children)
            total += 1
            if total > limit:
                break
        if total > limit:
            raise Refused("Datastrukturen är för stor för att jämföras eller skrivas ut")

    def key(self, value: _T) -> _T:
        """Guard a value about to be hashed (tuples hash all their elements)."""
        if type(value) is tuple:
            self.measure(value)
        return value

    def items(self, iterable: object) -> list[Any]:
        """Materialize an iterable as a list after checking its length."""
        if isinstance(iterable, range):
            self.need(len(iterable))
        items = list(cast(Any, iterable))
        self.need(len(items))
        return items


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
    """Apply binary operator ``op`` (an ``ast`` class name) after size pre-checks."""
    both_int = isinstance(left, int) and isinstance(right, int)
    if op == "Pow" and both_int and right > 0:
        budget.bits((abs(left).bit_length() - 1) * right)
    elif op == "LShift" and both_int and left and right > 0:
        budget.bits(left.bit_length() + right)
    elif op == "Mult":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and isinstance(times, int):
                budget.need(len(seq) * times)
    elif op == "Mod" and isinstance(left, (str, bytes)):
        raise Refused("Procentformatering av strängar stöds inte; använd f-strängar")
    elif op == "Add" and isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        budget.need(len(left) + len(right))
    result = (INPLACE if inplace else BINARY)[op](left, right)
    if result is left and isinstance(right, _SIZED):
        budget.spend(len(right))
    return budget.produced(result, count=result is not left)


def compare_guard(left: object, right: object, budget: Budget) -> None:
    """Refuse comparisons/membership tests that would walk huge shared structures."""
    if isinstance(left, CONTAINERS):
        budget.measure(left)
        if isinstance(right, CONTAINERS):
            budget.measure(right)


def format_value(value: object, conversion: int, spec: str, budget: Budget) -> str:
    """Format one f-string field with bounded width/precision and output size."""
    check_format_spec(spec)
    if isinstance(value, CONTAINERS):
        budget.measure(value, text=True)
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("s"):
        value = str(value)
    elif conversion == ord("a"):
        value = ascii(value)
    result = format(value, spec)
    budget.produced(result)
    return result


def check_format_spec(spec: str) -> None:
    """Refuse a format spec whose width or precision exceeds ``MAX_FORMAT_NUMBER``."""
    for digits in _FORMAT_NUMBER.findall(spec):
        stripped = digits.lstrip("0")
        if len(stripped) > 6 or int(stripped or "0") > MAX_FORMAT_NUMBER:
            raise Refused(f"Formatbredd och precision får vara högst {MAX_FORMAT_NUMBER}")


def to_text(value: object, budget: Budget) -> str:
    """``str(value)`` after checking that the text cannot become huge."""
    if isinstance(value, CONTAINERS):
        budget.measure(value, text=True)
    return str(value)


def members_of(value: object) -> frozenset[str]:
    """The attribute names allowed on the runtime type of ``value``."""
    allowed = _MEMBERS_BY_TYPE.get(type(value))
    if allowed is None:
        for kind, names in _MEMBERS:
            if isinstance(value, kind):
                return names
        return frozenset()
    return allowed


def get_attribute(value: object, name: str) -> object:
    """Read a plain data attribute such as ``d.year`` or ``delta.days``."""
    if name not in members_of(value):
        raise Refused(f"Attributet {name} finns inte för värden av typen {type(value).__name__}")
    if name not in DATA_ATTRIBUTES:
        raise Refused(f"Metoden {name} måste anropas")
    return getattr(value, name)


def call_method(
    value: object, name: str, args: list[Any], kwargs: dict[str, Any], budget: Budget
) -> object:
    """Call an allow-listed method on ``value`` with size pre-checks."""
    if name not in members_of(value):
        raise Refused(f"Metoden {name} finns inte för värden av typen {type(value).__name__}")
    if name in DATA_ATTRIBUTES:
        raise Refused(f"{name} är ett värde, inte en metod")
    if isinstance(value, str):
        _check_str_method(value, name, args, budget)
    elif isinstance(value, (list, dict, set, frozenset)):
        args = _check_mutation(value, name, args, kwargs, budget)
    result = getattr(value, name)(*args, **kwargs)
    if name in ("keys", "values", "items"):
        result = list(result)
    if isinstance(value, (list, dict, set, frozenset)):
        budget.need(len(value))
    return budget.produced(result, count=name not in _RETURNS_EXISTING and result is not value)


def _check_str_method(text: str, name: str, args: list[Any], budget: Budget) -> None:
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        old, new = args[0], args[1]
        hits = len(text) + 1 if old == "" else text.count(old)
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            hits = min(hits, args[2])
        budget.need(len(text) + hits * (len(str(new)) - len(old)))
    elif name == "join" and args:
        args[0] = parts = budget.items(args[0])
        size = sum(len(part) if isinstance(part, str) else 0 for part in parts)
        budget.need(size + len(text) * max(len(parts) - 1, 0))
    elif name in ("zfill", "ljust", "rjust", "center") and args and isinstance(args[0], int):
        budget.need(args[0])


def _check_mutation(
    target: list[Any] | dict[Any, Any] | set[Any] | frozenset[Any],
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    budget: Budget,
) -> list[Any]:
    if name in ("sort", "index", "count", "remove"):
        budget.measure(target)
        if name == "sort" and (args or set(kwargs) - {"reverse"}):
            raise Refused("sort tillåter bara argumentet reverse=")
        if args:
            budget.measure(args[0], text=True)
    elif name in _COMBINING:
        args = [a if isinstance(a, Mapping) else budget.items(a) for a in args]
        for extra in args:
            budget.measure(extra)
        added = sum(len(a) for a in args) + len(kwargs)
        if name in ("extend", "update", "union"):
            budget.need(len(target) + added)
        if name in ("extend", "update"):
            budget.spend(added)
    elif name in ("append", "insert", "add", "setdefault"):
        budget.need(len(target) + 1)
        stored = args[1] if name == "setdefault" and len(args) > 1 else None
        budget.retain(args[-1] if args and name != "setdefault" else stored)
    if args and name in ("get", "pop", "setdefault", "add", "discard", "remove"):
        budget.key(args[0])
    return args


# --- safe builtins: each takes the run's Budget first --------------------------------

_MISSING: Any = object()


def _min_max(pick: Callable[..., Any]) -> Callable[..., object]:
    def chosen(budget: Budget, *args: Any, default: Any = _MISSING) -> object:
        values = budget.items(args[0]) if len(args) == 1 else list(args)
        budget.measure(values)
        if default is _MISSING:
            return pick(values)
        return pick(values, default=default)

    return chosen


def _sorted(budget: Budget, iterable: Any, *, reverse: bool = False) -> list[Any]:
    values = budget.items(iterable)
    budget.measure(values)
    return sorted(values, reverse=bool(reverse))


def _sum(budget: Budget, iterable: Any, start: Any = 0) -> object:
    if not isinstance(start, (int, float)):
        raise Refused("sum tillåter bara tal som startvärde")
    return sum(budget.items(iterable), start)


def _range(budget: Budget, *args: Any) -> range:
    result = range(*args)
    try:
        budget.need(len(result))
    except OverflowError:
        raise Refused("Intervallet är för långt") from None
    return result


def _round(budget: Budget, number: Any, ndigits: Any = None) -> object:
    if isinstance(ndigits, int) and abs(ndigits) > MAX_FORMAT_NUMBER:
        raise Refused(f"round tillåter högst {MAX_FORMAT_NUMBER} decimaler")
    return round(number, ndigits)


def _int(budget: Budget, value: Any = 0, *args: Any) -> int:
    if isinstance(value, str) and len(value.strip()) > budget.max_int_bits // 3 + 8:
        raise Refused("Texten är för lång för att tolkas som heltal")
    return int(value, *args)


def _collection(kind: Callable[[list[Any]], object]) -> Callable[..., object]:
    def build(budget: Budget, iterable: Any = ()) -> object:
        values = budget.items(iterable)
        if kind in (set, frozenset):
            budget.measure(values)
        return kind(values)

    return build


def _dict(budget: Budget, source: Any = (), **kwargs: Any) -> dict[Any, Any]:
    pairs = source if isinstance(source, Mapping) else budget.items(source)
    budget.measure(pairs)
    result = dict(pairs, **kwargs)
    return result


def _plain(function: Callable[..., object]) -> Callable[..., object]:
    def call(budget: Budget, *args: Any, **kwargs: Any) -> object:
        return function(*args, **kwargs)

    return call


BUILTINS: dict[str, Callable[..., object]] = {
    "len": _plain(len),
    "min": _min_max(min),
    "max": _min_max(max),
    "sum": _sum,
    "abs": _plain(abs),
    "round": _round,
    "sorted": _sorted,
    "reversed": lambda budget, seq: list(reversed(seq)),
    "any": lambda budget, iterable: any(budget.items(iterable)),
    "all": lambda budget, iterable: all(budget.items(iterable)),
    "range": _range,
    "int": _int,
    "float": _plain(float),
    "str": lambda budget, value="": to_text(value, budget),
    "bool": _plain(bool),
    "list": _collection(list),
    "tuple": _collection(tuple),
    "set": _collection(set),
    "dict": _dict,
    "enumerate": lambda budget, it, start=0: list(enumerate(budget.items(it), start)),
    "zip": lambda budget, *its: list(zip(*(budget.items(it) for it in its), strict=False)),
    "date": _plain(_dt.date),
    "datetime": _plain(_dt.datetime),
    "timedelta": _plain(_dt.timedelta),
}


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
