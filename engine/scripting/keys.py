"""Which values a snippet may hash: dict keys, set elements and ``in`` against them.

A dict or set holding n values with the same hash costs n² comparisons to build, in C code
the time limit cannot interrupt. Python hashes ``str``, ``date`` and naive ``datetime``
with a random key, so nobody can choose strings that collide (as long as
``PYTHONHASHSEED`` is not set for the process). Numbers it hashes modulo the
prime ``P = 2**61 - 1`` without a key:

* an ``int`` with ``|n| < P`` hashes to ``n`` itself (``-1`` to ``-2``), so distinct ones
  never collide; larger ones collide at will (``k * P`` all hash to 0) and are refused;
* a ``float`` ``m * 2**e`` hashes to ``m * 2**(e mod 61) mod P``. Integral floats below
  ``P`` hash like the equal int. Other floats in ``2**-60 <= |x| < P`` share a hash with
  about a dozen others at most (rotations of the mantissa within 61 bits that still fit
  53 bits, times the exponents ``e, e ± 61`` in range; 12 is the largest class a search
  found); larger or tinier ones are refused, as are infinities and NaN.

A tuple's hash mixes its elements' hashes with fixed arithmetic: with two numbers in it an
attacker can solve for colliding tuples (the last number can be chosen to give any hash),
so a tuple may hold at most one number; its other elements must be strings, dates, times,
durations, booleans or ``None`` (randomly keyed, or too few values to search), never other
tuples. A ``timedelta`` (and an aware ``datetime``) hashes the tuple of its three bounded
fields; the last has only a million values, so collisions cannot be solved for as with a
free number, only searched for, and large classes of equal hashes are beyond any such
search: they are allowed. Any other hashable type (``range``, ``frozenset`` …) is refused.
"""

from __future__ import annotations

import datetime as _dt
import sys
from collections.abc import Collection
from typing import cast

from engine.scripting.budget import Budget, Refused

_MODULUS = sys.hash_info.modulus
_TINIEST_FLOAT = 2.0**-60
#: Types whose hash an attacker cannot steer into collisions.
_SAFE = frozenset({str, bool, type(None), _dt.date, _dt.datetime, _dt.timedelta})
_NUMBERS = frozenset({int, float})
_INTEGERS = frozenset({int, bool})
_NUMBER_MESSAGE = (
    "Talet kan inte användas som nyckel i en ordlista eller som element i en mängd "
    "(heltal högst 2**61 - 2 i belopp, decimaltal mellan 2**-60 och 2**61 eller 0)"
)


def check_key(value: object) -> None:
    """Refuse ``value`` as a dict key or set element unless its hash cannot be steered."""
    kind = type(value)
    if kind in _SAFE:
        return
    if kind is int or kind is float:
        _check_number(value)  # type: ignore[arg-type]
    elif kind is tuple:
        _check_tuple(value)  # type: ignore[arg-type]
    else:
        raise Refused(
            f"Värden av typen {kind.__name__} kan inte användas som nyckel i en ordlista "
            "eller som element i en mängd"
        )


def check_keys(values: Collection[object], budget: Budget) -> None:
    """:func:`check_key` for every element of ``values``, fast when they are alike."""
    kinds = set(map(type, values))
    if kinds <= _SAFE:
        return
    if kinds <= _INTEGERS:
        numbers = cast(Collection[int], values)
        if min(numbers) > -_MODULUS and max(numbers) < _MODULUS:
            return
        raise Refused(_NUMBER_MESSAGE)
    if tuple in kinds:
        budget.measure(values)  # hashing walks every tuple, shared ones every time
    for value in values:
        check_key(value)


def _check_number(value: int | float) -> None:
    if type(value) is int:
        if -_MODULUS < value < _MODULUS:
            return
    elif value == 0 or _TINIEST_FLOAT <= abs(value) < _MODULUS:
        return
    raise Refused(_NUMBER_MESSAGE)


def _check_tuple(value: tuple[object, ...]) -> None:
    if set(map(type, value)) <= _SAFE:
        return
    numbers = 0
    for element in value:
        kind = type(element)
        if kind in _NUMBERS:
            numbers += 1
            _check_number(element)  # type: ignore[arg-type]
        elif kind not in _SAFE:
            raise Refused(
                "En tupel som används som nyckel eller mängdelement får bara innehålla "
                f"text, datum, tal, sanningsvärden och None (inte {kind.__name__})"
            )
    if numbers > 1:
        raise Refused(
            "En tupel som används som nyckel eller mängdelement får innehålla högst ett tal"
        )
