"""The methods and data attributes a snippet may use, each with its cost checked first.

Every method that builds a value reserves its size from the :class:`Budget` before it runs
(see :mod:`engine.scripting.budget`); every method that hashes goes through
:mod:`engine.scripting.keys`; every method that compares measures what it will walk.
Methods in :data:`MUTATING` change their value and are refused in expressions (conditions,
DMN cells, timer expressions), which only read.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from engine.scripting.budget import Budget, Refused
from engine.scripting.keys import check_key, check_keys


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
#: Methods that change the value they are called on (refused in expressions).
MUTATING = _words("append extend insert pop remove reverse sort setdefault update add discard")
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
_MUTABLE = (list, dict, set, frozenset)
_HASHED = (dict, set, frozenset)
_NEW_TEXT = _words("lower upper title capitalize")
_PIECES = _words("split rsplit splitlines")
_PADDING = _words("zfill ljust rjust center")
_COMPARING = _words("index count remove")
_SET_ALGEBRA = _words("union intersection difference issubset issuperset")
_KEYED = _words("get pop setdefault discard remove add")
_STRIPS = _words("strip lstrip rstrip")
_AFFIXES = _words("startswith endswith")
#: ``len(text) * len(argument)`` may be at most this times ``max_sequence`` for methods
#: that compare each character of one with each of the other (0.1 s for the defaults).
_PAIRS_FACTOR = 1000


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
    value: object,
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    budget: Budget,
    read_only: bool = False,
) -> object:
    """Call an allow-listed method on ``value`` after its cost checks.

    With ``read_only`` (expressions) methods that change ``value`` are refused.
    """
    if name not in members_of(value):
        raise Refused(f"Metoden {name} finns inte för värden av typen {type(value).__name__}")
    if name in DATA_ATTRIBUTES:
        raise Refused(f"{name} är ett värde, inte en metod")
    if read_only and name in MUTATING:
        raise Refused(read_only_message(name))
    reserved = 0
    if isinstance(value, str):
        reserved = _check_str_method(value, name, args, budget)
    elif isinstance(value, _MUTABLE):
        args = _check_container_method(value, name, args, kwargs, budget)
    result = getattr(value, name)(*args, **kwargs)
    if name in ("keys", "values", "items"):
        result = list(result)
    if isinstance(value, _MUTABLE):
        budget.need(len(value))
    elif reserved:
        budget.refund(reserved - len(result))
    return budget.produced(result, count=False)


def read_only_message(name: str) -> str:
    """The Swedish refusal of a mutating method in an expression."""
    return f"Metoden {name} ändrar data och får inte användas i villkor och uttryck (bara i skript)"


def _check_str_method(text: str, name: str, args: list[Any], budget: Budget) -> int:
    """Size checks of a str method; returns the units reserved for a list result."""
    if name == "replace" and len(args) >= 2 and isinstance(args[0], str):
        old, new = args[0], args[1]
        if not isinstance(new, str):
            raise Refused("replace ersätter bara text med text")
        hits = len(text) + 1 if old == "" else text.count(old)
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            hits = min(hits, args[2])
        budget.need(len(text) + hits * (len(new) - len(old)))
    elif name == "join" and args:
        args[0] = parts = budget.sized(args[0])
        size = (
            len(parts)
            if isinstance(parts, str)
            else sum(len(part) if isinstance(part, str) else 0 for part in parts)
        )
        budget.need(size + len(text) * max(len(parts) - 1, 0))
    elif name in _PADDING and args and isinstance(args[0], int):
        budget.need(args[0])
    elif name in _NEW_TEXT:
        budget.need(len(text) if text.isascii() else len(text) * 3)  # 'ß'.upper() == 'SS'
    elif name in _PIECES:
        if name == "rsplit" and args and isinstance(args[0], str):
            _pairwise(text, args[0], name, budget)  # searching backwards is O(len × len)
        budget.spend(len(text) + 1)  # at most one piece per character; the rest is refunded
        return len(text) + 1
    elif name in _STRIPS and args and isinstance(args[0], str):
        _pairwise(text, args[0], name, budget)  # each character is looked up in the argument
    elif name in _AFFIXES and args and isinstance(args[0], tuple):
        budget.measure(args[0])  # each candidate is compared in turn
    return 0


def _pairwise(text: str, argument: str, name: str, budget: Budget) -> None:
    """Refuse a str method whose C code compares every character with every other."""
    if len(text) * len(argument) > budget.max_sequence * _PAIRS_FACTOR:
        raise Refused(f"Texten och argumentet är för långa för {name}")


def _check_container_method(
    target: list[Any] | dict[Any, Any] | set[Any] | frozenset[Any],
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    budget: Budget,
) -> list[Any]:
    """Size, hash and walk checks of a container method; returns the arguments to call it
    with (iterables it would read twice or hash are checked and possibly materialised)."""
    if args and name in _KEYED and isinstance(target, _HASHED):
        check_key(args[0])
    if name in ("append", "insert", "add"):
        budget.need(len(target) + 1)
        if args:
            budget.retain(args[-1])
        if name == "add":
            budget.hashed(1, new=False)
    elif name == "setdefault" and args and args[0] not in target:
        budget.need(len(target) + 1)
        budget.retain(args[0])
        budget.retain(args[1] if len(args) > 1 else None)
    elif name == "extend" and args:
        args[0] = extra = budget.sized(args[0])
        budget.reserve(len(target) + len(extra), len(extra))
    elif name == "update":
        source = args[0] if args else {}
        source = source if isinstance(source, dict) else build_dict(budget, source, {})
        budget.spend(len(source) + len(kwargs))  # the size is checked afterwards: keys overlap
        budget.hashed(len(source) + len(kwargs), new=False)
        return [source]
    elif name in _SET_ALGEBRA:
        args = [budget.sized(other) for other in args]
        added = sum(map(len, args))
        budget.spend(added)  # what is hashed, before any of it is
        budget.hashed(added)
        for other in args:
            if not isinstance(other, _HASHED):  # a dict's or set's keys were checked going in
                check_keys(other, budget)
    elif name in _COMPARING and isinstance(target, list):
        budget.measure(target)
        if args:
            budget.measure(args[0])
    elif name == "sort":
        if args or set(kwargs) - {"reverse"}:
            raise Refused("sort tillåter bara argumentet reverse=")
        budget.sorting(target)  # type: ignore[arg-type]
    elif name in ("copy", "keys", "values", "items"):
        budget.reserve(len(target), len(target) * (3 if name == "items" else 1))
        if name == "copy" and isinstance(target, _HASHED):
            budget.hashed(len(target))
    return args


def build_dict(budget: Budget, source: object, kwargs: Mapping[str, Any]) -> dict[Any, Any]:
    """``dict(source, **kwargs)`` with its keys checked and its size paid for first."""
    if isinstance(source, Mapping):
        if not isinstance(source, dict):
            check_keys(list(source), budget)
        budget.reserve(len(source) + len(kwargs))
        budget.hashed(len(source) + len(kwargs))
        return dict(source, **kwargs)
    pairs = budget.sized(source)
    keys = []
    for pair in pairs:
        if not isinstance(pair, (tuple, list, str)) or len(pair) != 2:
            raise Refused("En ordlista byggs av par: (nyckel, värde)")
        keys.append(pair[0])
    check_keys(keys, budget)
    budget.reserve(len(pairs) + len(kwargs))
    budget.hashed(len(pairs) + len(kwargs))
    return dict(pairs, **kwargs)
