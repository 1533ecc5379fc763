"""Sandboxed evaluation of untrusted Python-syntax snippets from BPMN and DMN files.

Snippets (script tasks, gateway conditions, timer expressions, DMN cells, service-task
parameters) never reach ``exec``/``eval``/``compile``.  They are parsed with :mod:`ast`,
checked against an allow-list (:func:`check`) and run by a small tree-walking interpreter
that counts steps, watches the clock and pays for every value before building it (the cost
model is :mod:`engine.scripting.budget`; hashing rules :mod:`engine.scripting.keys`).  The
clock is only read between nodes, so no single node may do work whose cost is not bounded
first.  A :class:`StepBudget` passed to :func:`evaluate`/:func:`execute` makes all snippets
of one engine step share one time and allocation allowance.  Expressions (``evaluate``)
are read-only.  Every error that reaches the caller is a :class:`ScriptError` with a
1-based line and a Swedish message.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from engine.scripting import safe_functions as sf
from engine.scripting.budget import Budget, Refused, StepBudget, element_units
from engine.scripting.formats import format_value, to_text
from engine.scripting.keys import check_key, check_keys
from engine.scripting.methods import call_method, get_attribute
from engine.scripting.safe_builtins import BUILTINS
from engine.scripting.trees import Mode, parsed

__all__ = [
    "Limits",
    "ScriptError",
    "ScriptFailed",
    "ScriptProblem",
    "ScriptRejected",
    "StepBudget",
    "check",
    "evaluate",
    "execute",
    "syntax_problem",
]


@dataclass(frozen=True)
class ScriptProblem:
    """A problem found by the static check; ``message`` is one Swedish sentence."""

    line: int
    message: str


class ScriptError(Exception):
    """Base of all sandbox errors; ``line`` is 1-based, ``message`` is Swedish."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Rad {line}: {message}")
        self.line = line
        self.message = message


class ScriptRejected(ScriptError):
    """The static check failed; ``line``/``message`` are the first of ``problems``."""

    def __init__(self, line: int, message: str, problems: tuple[ScriptProblem, ...] = ()) -> None:
        super().__init__(line, message)
        self.problems = problems


class ScriptFailed(ScriptError):
    """The snippet failed while running: an error in the script or an exceeded limit."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one check or run.

    In addition, one run may allocate at most ``budget.ALLOCATION_FACTOR * max_sequence``
    units in total (see :mod:`engine.scripting.budget`), and f-string specifications are
    bounded by ``formats.MAX_FORMAT_SPEC`` and ``formats.MAX_FORMAT_NUMBER``.
    """

    max_steps: int = 100_000  # AST nodes evaluated (and loop iterations)
    max_seconds: float = 1.0  # wall clock, checked between nodes
    max_sequence: int = 100_000  # length of any str/list/tuple/dict/set produced
    max_int_bits: int = 4_096  # bit length of any int produced
    max_source: int = 20_000  # characters of source
    max_depth: int = 100  # AST nesting depth (bounds the interpreter's recursion)


Functions = Mapping[str, Callable[..., object]]
_OP_NAMES: dict[type[ast.AST], str] = {getattr(ast, name): name for name in sf.BINARY}


def check(source: str, mode: Mode, limits: Limits = Limits()) -> list[ScriptProblem]:
    """Statically check a snippet without running it (the deploy-time lint).

    ``mode`` is ``"exec"`` for scripts, ``"eval"`` for expressions.  Returns every problem
    found (syntax, length, nesting depth, disallowed constructs, names and attributes),
    sorted by line; an empty list means the snippet may be run.
    """
    return list(_analyse(source, mode, limits)[1])


def evaluate(
    expression: str,
    names: Mapping[str, object],
    functions: Functions | None = None,
    limits: Limits = Limits(),
    step: StepBudget | None = None,
) -> object:
    """Evaluate an expression and return its value; it may not change any data.

    Names resolve from ``names``, then ``functions``, then the safe builtins; only the
    latter two can be called.  Raises :class:`ScriptRejected` when :func:`check` finds
    problems (mutating methods included) and :class:`ScriptFailed` for any run-time error
    or exceeded limit, the ``step``'s shared limits included.
    """
    tree = cast(ast.Expression, _compiled(expression, "eval", limits))
    interpreter = _Interpreter(names, None, functions, limits, step)
    try:
        return interpreter.value(tree.body)
    finally:
        interpreter.finish()


def execute(
    script: str,
    data: dict[str, object],
    functions: Functions | None = None,
    limits: Limits = Limits(),
    step: StepBudget | None = None,
) -> None:
    """Run a script; assignments to plain names are written into ``data``.

    Lookup and errors are as for :func:`evaluate`.  When :class:`ScriptFailed` is raised,
    assignments made before the failure remain in ``data``.
    """
    tree = cast(ast.Module, _compiled(script, "exec", limits))
    interpreter = _Interpreter(data, data, functions, limits, step)
    try:
        interpreter.block(tree.body)
    finally:
        interpreter.finish()


def syntax_problem(source: str, mode: Mode, limits: Limits = Limits()) -> ScriptProblem | None:
    """Why ``source`` cannot even be parsed (syntax, length, parser overload), or ``None``.

    Thread-safe, unlike ``ast.parse`` on CPython 3.11; accepted sources are cached.
    """
    tree, problems = _analyse(source, mode, limits)
    return problems[0] if tree is None else None


def _compiled(source: str, mode: Mode, limits: Limits) -> ast.AST:
    tree, problems = _analyse(source, mode, limits)
    if problems or tree is None:
        raise ScriptRejected(problems[0].line, problems[0].message, problems)
    return tree


def _analyse(
    source: str, mode: Mode, limits: Limits
) -> tuple[ast.AST | None, tuple[ScriptProblem, ...]]:
    if not isinstance(source, str):
        raise TypeError("source must be a str")
    if mode not in ("exec", "eval"):
        raise ValueError("mode must be 'exec' or 'eval'")
    if len(source) > limits.max_source:
        message = f"Skriptet är för långt ({len(source)} tecken, högst {limits.max_source})"
        return None, (ScriptProblem(1, message),)
    tree, found = parsed(source, mode, limits.max_depth, limits.max_int_bits)
    return tree, tuple(ScriptProblem(line, message) for line, message in found)


class _Break(BaseException):
    """``break`` (a BaseException so that no ``except Exception`` translates it)."""


class _Continue(BaseException):
    """``continue``."""


class _Interpreter:
    """Runs one checked tree; every node costs a step and a look at the clock."""

    __slots__ = (
        "budget", "deadline", "functions", "limits", "names", "read_only", "scopes", "started",
        "step", "step_bound", "steps", "target",
    )  # fmt: skip

    def __init__(
        self,
        names: Mapping[str, object],
        target: dict[str, object] | None,
        functions: Functions | None,
        limits: Limits,
        step: StepBudget | None = None,
    ) -> None:
        self.names = names  # variables (read)
        self.target = target  # where assignments go (execute) or None (evaluate)
        self.read_only = target is None
        self.functions: Functions = functions or {}
        self.limits = limits
        self.budget = Budget(limits.max_sequence, limits.max_int_bits, step)
        self.steps = limits.max_steps
        self.step = step
        self.step_bound = step is not None and step.seconds_left < limits.max_seconds
        self.started = time.monotonic()
        seconds = step.seconds_left if step is not None and self.step_bound else limits.max_seconds
        self.deadline = self.started + seconds
        self.scopes: list[dict[str, Any]] = []  # comprehension variables, innermost last

    def finish(self) -> None:
        """Pay the time and allocation this run used to the step's shared budget."""
        if self.step is not None:
            self.step.seconds_left -= time.monotonic() - self.started
            self.budget.settle()

    def tick(self, node: ast.AST) -> None:
        self.steps -= 1
        if self.steps < 0:
            message = f"Skriptet utförde för många steg (högst {self.limits.max_steps})"
            raise ScriptFailed(getattr(node, "lineno", 1), message)
        if time.monotonic() > self.deadline:
            raise ScriptFailed(getattr(node, "lineno", 1), self.too_long())

    def too_long(self) -> str:
        if self.step is not None and self.step_bound:
            return (
                "Steget tog för lång tid: skript, villkor och uttryck i ett steg får "
                f"sammanlagt ta högst {self.step.max_seconds} sekunder"
            )
        return f"Skriptet tog för lång tid (högst {self.limits.max_seconds} sekunder)"

    def value(self, node: ast.expr) -> Any:
        self.tick(node)
        try:
            return _EXPRESSIONS[type(node)](self, node)
        except ScriptError:
            raise
        except Exception as exc:
            raise ScriptFailed(node.lineno, sf.describe(exc)) from None

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.tick(node)
            try:
                _STATEMENTS[type(node)](self, node)
            except ScriptError:
                raise
            except Exception as exc:
                raise ScriptFailed(node.lineno, sf.describe(exc)) from None

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if name in self.names:
            return self.names[name]
        if name in self.functions or name in BUILTINS:
            raise Refused(f"Funktionen {name} kan bara anropas, inte användas som värde")
        raise Refused(f"Okänt namn: {name}")

    def _boolop(self, node: ast.BoolOp) -> Any:
        is_and, result = isinstance(node.op, ast.And), None
        for part in node.values:
            result = self.value(part)
            if bool(result) != is_and:
                break
        return result

    def _binop(self, node: ast.BinOp) -> Any:
        left, right = self.value(node.left), self.value(node.right)
        return sf.binary(_OP_NAMES[type(node.op)], left, right, self.budget)

    def _compare(self, node: ast.Compare) -> Any:
        left, result = self.value(node.left), True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.value(comparator)
            kind = type(op)
            sf.compare_guard(kind, left, right, self.budget)
            result = sf.COMPARE[kind](left, right)
            if not result:
                break
            left = right
        return result

    def elements(self, nodes: list[ast.expr]) -> list[Any]:
        """The values of a list/tuple/set display or positional arguments, paid for."""
        items: list[Any] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                extra = self.budget.sized(self.value(element.value))
                self.budget.reserve(len(items) + len(extra), len(extra))
                items.extend(extra)
            else:
                items.append(self.value(element))
                self.budget.retain(items[-1])
        return items

    def _set(self, node: ast.Set) -> Any:
        items = self.elements(node.elts)
        check_keys(items, self.budget)
        self.budget.hashed(len(items))
        return set(items)

    def _dict(self, node: ast.Dict) -> Any:
        self.budget.hashed(0)  # each entry pays for its key and value below
        result: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                extra = self.value(value_node)
                if not isinstance(extra, Mapping):
                    raise Refused("Bara ordlistor kan packas upp med **")
                if not isinstance(extra, dict):
                    check_keys(list(extra), self.budget)
                self.budget.spend(len(extra))  # keys overlap: the size is checked afterwards
                self.budget.hashed(len(extra), new=False)
                result.update(extra)
            else:
                key = self.value(key_node)
                check_key(key)
                self.budget.retain(key)
                result[key] = item = self.value(value_node)
                self.budget.retain(item)
            self.budget.need(len(result))
        return result

    def _subscript(self, node: ast.Subscript) -> Any:
        container, index = self.value(node.value), self.value(node.slice)
        if isinstance(index, slice):
            return self.budget.produced(container[index])
        if isinstance(container, dict):
            check_key(index)
        return container[index]

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> Any:
        """All comprehensions, generator expressions included, are built eagerly."""
        result: Any = (
            set() if isinstance(node, ast.SetComp) else {} if isinstance(node, ast.DictComp) else []
        )
        if not isinstance(result, list):
            self.budget.hashed(0)

        def emit() -> None:
            if isinstance(node, ast.DictComp):
                key = self.value(node.key)
                check_key(key)
                self.budget.retain(key)
                result[key] = item = self.value(node.value)
            elif isinstance(node, ast.SetComp):
                item = self.value(node.elt)
                check_key(item)
                self.budget.hashed(1, new=False)
                result.add(item)
            else:
                result.append(item := self.value(node.elt))
            self.budget.retain(item)
            self.budget.need(len(result))

        self.scopes.append({})
        try:
            self.generate(node.generators, 0, emit)
        finally:
            self.scopes.pop()
        return result

    def generate(
        self, generators: list[ast.comprehension], index: int, emit: Callable[[], None]
    ) -> None:
        generator = generators[index]
        iterable = self.value(generator.iter)
        extra = element_units(iterable)  # wide integers made by a range
        for item in iterable:
            self.tick(generator.iter)
            if extra:
                self.budget.spend(extra)
            self.assign(generator.target, item)
            if all(self.value(condition) for condition in generator.ifs):
                if index + 1 < len(generators):
                    self.generate(generators, index + 1, emit)
                else:
                    emit()

    def _joinedstr(self, node: ast.JoinedStr) -> Any:
        parts: list[str] = []
        for part in node.values:
            parts.append(self.value(part))
            self.budget.need(sum(map(len, parts)))
        return "".join(parts)

    def _formattedvalue(self, node: ast.FormattedValue) -> Any:
        value = self.value(node.value)
        spec = "" if node.format_spec is None else self.value(node.format_spec)
        return format_value(value, node.conversion, spec, self.budget)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = self.value(func.value)
            args, kwargs = self.arguments(node)
            return call_method(owner, func.attr, args, kwargs, self.budget, self.read_only)
        name = cast(ast.Name, func).id
        if name in self.names or any(name in scope for scope in self.scopes):
            raise Refused(f"{name} är ett värde och kan inte anropas")
        helper, builtin = self.functions.get(name), BUILTINS.get(name)
        if helper is None and builtin is None:
            raise Refused(f"Okänd funktion: {name}")
        args, kwargs = self.arguments(node)
        if helper is not None:  # Sif's own functions: trusted, their results only checked
            return self.budget.produced(helper(*args, **kwargs), count=False)
        # the safe builtins reserve what they build themselves
        result = cast(Callable[..., Any], builtin)(self.budget, *args, **kwargs)
        return self.budget.produced(result, count=False)

    def arguments(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        """Positional and keyword arguments; ``*`` and ``**`` expansions are paid for."""
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                extra = self.budget.sized(self.value(arg.value))
                self.budget.reserve(len(args) + len(extra), len(extra))
                args.extend(extra)
            else:
                args.append(self.value(arg))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.value(keyword.value)
            if keyword.arg is None:
                extra = sf.keyword_arguments(value)
                self.budget.reserve(len(kwargs) + len(extra), len(extra))
                kwargs.update(extra)
            else:
                kwargs[keyword.arg] = value
        return args, kwargs

    def _assign(self, node: ast.Assign) -> None:
        value = self.value(node.value)
        for target in node.targets:
            self.assign(target, value)

    def _augassign(self, node: ast.AugAssign) -> None:
        op, target = _OP_NAMES[type(node.op)], node.target
        if isinstance(target, ast.Name):
            current = self.lookup(target.id)
            self.assign(target, sf.binary(op, current, self.value(node.value), self.budget, True))
        else:
            target = cast(ast.Subscript, target)
            container, index = self.value(target.value), self.value(target.slice)
            if isinstance(container, dict):
                check_key(index)
            current = container[index]
            self.set_item(
                container, index, sf.binary(op, current, self.value(node.value), self.budget, True)
            )

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            if self.scopes:
                self.scopes[-1][target.id] = value
            elif self.target is not None:
                if target.id not in self.target:
                    self.budget.retain(value)
                self.target[target.id] = value
        elif isinstance(target, ast.Subscript):
            if self.read_only:
                raise Refused("Villkor och uttryck får inte ändra data")
            self.set_item(self.value(target.value), self.value(target.slice), value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element, item in sf.unpack(target.elts, self.budget.items(value)):
                self.assign(element, item)
        else:
            raise Refused("Det går inte att tilldela ett värde hit")

    def set_item(self, container: Any, index: Any, value: Any) -> None:
        if not isinstance(container, (list, dict)):
            raise Refused(f"Värden av typen {type(container).__name__} kan inte ändras")
        if isinstance(container, dict):
            check_key(index)
            if index not in container:  # a new key is kept too
                self.budget.need(len(container) + 1)
                self.budget.retain(index)
            self.budget.retain(value)
        elif isinstance(index, slice):
            value = self.budget.sized(value)
            self.budget.reserve(len(container) + len(value), len(value))
        else:
            self.budget.retain(value)
        container[index] = value

    def delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if self.target is None or target.id not in self.target:
                raise Refused(f"Okänt namn: {target.id}")
            del self.target[target.id]
        elif isinstance(target, ast.Subscript):
            container, index = self.value(target.value), self.value(target.slice)
            if not isinstance(container, (list, dict)):
                raise Refused(f"Värden av typen {type(container).__name__} kan inte ändras")
            if isinstance(container, dict):
                check_key(index)
            del container[index]
        else:
            for element in cast(ast.Tuple, target).elts:
                self.delete(element)

    def loop_body(self, body: list[ast.stmt]) -> bool:
        """Run one iteration; False when it ended with ``break``."""
        try:
            self.block(body)
        except _Break:
            return False
        except _Continue:
            pass
        return True

    def _for(self, node: ast.For) -> None:
        iterable = self.value(node.iter)
        extra = element_units(iterable)  # wide integers made by a range
        for item in iterable:
            self.tick(node)
            if extra:
                self.budget.spend(extra)
            self.assign(node.target, item)
            if not self.loop_body(node.body):
                return
        self.block(node.orelse)

    def _while(self, node: ast.While) -> None:
        while self.value(node.test):
            if not self.loop_body(node.body):
                return
        self.block(node.orelse)

    def _assert(self, node: ast.Assert) -> None:
        if not self.value(node.test):
            detail = "" if node.msg is None else to_text(self.value(node.msg), self.budget)
            suffix = f": {detail[:200]}" if detail else ""
            raise ScriptFailed(node.lineno, f"Kontrollen (assert) misslyckades{suffix}")


def _raise(signal: type[BaseException]) -> Callable[[_Interpreter, ast.stmt], None]:
    def run(interpreter: _Interpreter, node: ast.stmt) -> None:
        raise signal

    return run


_Handler = Callable[[_Interpreter, Any], Any]
_EXPRESSIONS: dict[type[ast.AST], _Handler] = {
    ast.Constant: lambda self, node: node.value,
    ast.Name: lambda self, node: self.lookup(node.id),
    ast.BoolOp: _Interpreter._boolop,
    ast.BinOp: _Interpreter._binop,
    ast.UnaryOp: lambda self, node: self.budget.produced(
        sf.UNARY[type(node.op)](self.value(node.operand))
    ),
    ast.Compare: _Interpreter._compare,
    ast.IfExp: lambda self, node: self.value(node.body if self.value(node.test) else node.orelse),
    ast.List: lambda self, node: self.elements(node.elts),
    ast.Tuple: lambda self, node: tuple(self.elements(node.elts)),
    ast.Set: _Interpreter._set,
    ast.Dict: _Interpreter._dict,
    ast.Subscript: _Interpreter._subscript,
    ast.Slice: lambda self, node: slice(
        *(
            None if part is None else self.value(part)
            for part in (node.lower, node.upper, node.step)
        )
    ),
    ast.ListComp: _Interpreter._comprehension,
    ast.SetComp: _Interpreter._comprehension,
    ast.DictComp: _Interpreter._comprehension,
    ast.GeneratorExp: _Interpreter._comprehension,
    ast.JoinedStr: _Interpreter._joinedstr,
    ast.FormattedValue: _Interpreter._formattedvalue,
    ast.Attribute: lambda self, node: get_attribute(self.value(node.value), node.attr),
    ast.Call: _Interpreter._call,
    ast.Starred: lambda self, node: sf.refuse("Stjärnuttryck får inte stå här"),
}
_STATEMENTS: dict[type[ast.AST], _Handler] = {
    ast.Expr: lambda self, node: self.value(node.value),
    ast.Assign: _Interpreter._assign,
    ast.AugAssign: _Interpreter._augassign,
    ast.Delete: lambda self, node: self.delete(ast.Tuple(elts=node.targets)),
    ast.If: lambda self, node: self.block(node.body if self.value(node.test) else node.orelse),
    ast.For: _Interpreter._for,
    ast.While: _Interpreter._while,
    ast.Break: _raise(_Break),
    ast.Continue: _raise(_Continue),
    ast.Pass: lambda self, node: None,
    ast.Assert: _Interpreter._assert,
}
