"""Sandboxed evaluation of untrusted Python-syntax snippets from BPMN and DMN files.

Snippets (script tasks, gateway conditions, timer expressions, DMN cells, service-task
parameters) never reach ``exec``/``eval``/``compile``.  They are parsed with :mod:`ast`,
checked against an allow-list (:func:`check`) and run by a small tree-walking interpreter
that counts steps, watches the clock and measures every operation that could allocate a lot
of memory before doing it (see :mod:`engine.scripting.safe_functions`).  Every error that
reaches the caller is a :class:`ScriptError` with a 1-based line and a Swedish message.
"""

from __future__ import annotations

import ast
import functools
import operator
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from engine.scripting import safe_functions as sf


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

    In addition, containers created or stored by one run may hold at most
    ``safe_functions.ALLOCATION_FACTOR * max_sequence`` elements in total, and f-string
    widths/precisions are capped at ``safe_functions.MAX_FORMAT_NUMBER``.
    """

    max_steps: int = 100_000  # AST nodes evaluated (and loop iterations)
    max_seconds: float = 1.0  # wall clock, checked at every node
    max_sequence: int = 100_000  # length of any str/list/tuple/dict/set produced
    max_int_bits: int = 4_096  # bit length of any int produced
    max_source: int = 20_000  # characters of source
    max_depth: int = 100  # AST nesting depth (bounds the interpreter's recursion)


Mode = Literal["exec", "eval"]
Functions = Mapping[str, Callable[..., object]]
_OP_NAMES: dict[type[ast.AST], str] = {getattr(ast, name): name for name in sf.BINARY}
_first: Callable[[tuple[int, str]], int] = operator.itemgetter(0)


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
) -> object:
    """Evaluate an expression and return its value.

    Names resolve from ``names``, then ``functions``, then the safe builtins; only the
    latter two can be called.  Raises :class:`ScriptRejected` when :func:`check` finds
    problems and :class:`ScriptFailed` for any run-time error or exceeded limit.
    """
    tree = cast(ast.Expression, _compiled(expression, "eval", limits))
    return _Interpreter(names, None, functions, limits).value(tree.body)


def execute(
    script: str,
    data: dict[str, object],
    functions: Functions | None = None,
    limits: Limits = Limits(),
) -> None:
    """Run a script; assignments to plain names are written into ``data``.

    Lookup and errors are as for :func:`evaluate`.  When :class:`ScriptFailed` is raised,
    assignments made before the failure remain in ``data``.
    """
    tree = cast(ast.Module, _compiled(script, "exec", limits))
    _Interpreter(data, data, functions, limits).block(tree.body)


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
    return _prepare(source, mode, limits)


@functools.lru_cache(maxsize=512)
def _prepare(
    source: str, mode: Mode, limits: Limits
) -> tuple[ast.AST | None, tuple[ScriptProblem, ...]]:
    """Parse and check once per (source, mode, limits); the tree is never mutated."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        return None, (ScriptProblem(exc.lineno or 1, f"Syntaxfel: {exc.msg}"),)
    except (RecursionError, MemoryError, ValueError):
        message = "Skriptet är för djupt nästlat eller för komplext för att tolkas"
        return None, (ScriptProblem(1, message),)
    found = sf.static_problems(tree, limits.max_depth, limits.max_int_bits)
    return tree, tuple(ScriptProblem(line, message) for line, message in sorted(found, key=_first))


class _Break(BaseException):
    """``break`` (a BaseException so that no ``except Exception`` translates it)."""


class _Continue(BaseException):
    """``continue``."""


class _Interpreter:
    """Runs one checked tree; every node costs a step and a look at the clock."""

    __slots__ = ("budget", "deadline", "functions", "limits", "names", "scopes", "steps", "target")

    def __init__(
        self,
        names: Mapping[str, object],
        target: dict[str, object] | None,
        functions: Functions | None,
        limits: Limits,
    ) -> None:
        self.names = names  # variables (read)
        self.target = target  # where assignments go (execute) or None (evaluate)
        self.functions: Functions = functions or {}
        self.limits = limits
        self.budget = sf.Budget(limits.max_sequence, limits.max_int_bits)
        self.steps = limits.max_steps
        self.deadline = time.monotonic() + limits.max_seconds
        self.scopes: list[dict[str, Any]] = []  # comprehension variables, innermost last

    def tick(self, node: ast.AST) -> None:
        self.steps -= 1
        if self.steps < 0:
            message = f"Skriptet utförde för många steg (högst {self.limits.max_steps})"
            raise ScriptFailed(getattr(node, "lineno", 1), message)
        if time.monotonic() > self.deadline:
            message = f"Skriptet tog för lång tid (högst {self.limits.max_seconds} sekunder)"
            raise ScriptFailed(getattr(node, "lineno", 1), message)

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
        if name in self.functions or name in sf.BUILTINS:
            raise sf.Refused(f"Funktionen {name} kan bara anropas, inte användas som värde")
        raise sf.Refused(f"Okänt namn: {name}")

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
            sf.compare_guard(left, right, self.budget)
            result = sf.COMPARE[type(op)](left, right)
            if not result:
                break
            left = right
        return result

    def elements(self, nodes: list[ast.expr]) -> list[Any]:
        items: list[Any] = []
        for element in nodes:
            if isinstance(element, ast.Starred):
                extra = self.budget.items(self.value(element.value))
                self.budget.spend(len(extra))
                items.extend(extra)
            else:
                items.append(self.value(element))
                self.budget.retain(items[-1])
            self.budget.need(len(items))
        return items

    def _dict(self, node: ast.Dict) -> Any:
        result: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                extra = self.value(value_node)
                if not isinstance(extra, Mapping):
                    raise sf.Refused("Bara ordlistor kan packas upp med **")
                self.budget.spend(len(extra))
                result.update(extra)
            else:
                key = self.budget.key(self.value(key_node))
                result[key] = self.value(value_node)
                self.budget.retain(result[key])
            self.budget.need(len(result))
        return result

    def _subscript(self, node: ast.Subscript) -> Any:
        container, index = self.value(node.value), self.value(node.slice)
        result = container[self.budget.key(index)]
        return self.budget.produced(result) if isinstance(index, slice) else result

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> Any:
        """All comprehensions, generator expressions included, are built eagerly."""
        result: Any = (
            set() if isinstance(node, ast.SetComp) else {} if isinstance(node, ast.DictComp) else []
        )

        def emit() -> None:
            if isinstance(node, ast.DictComp):
                key = self.budget.key(self.value(node.key))
                result[key] = item = self.value(node.value)
            elif isinstance(node, ast.SetComp):
                result.add(item := self.budget.key(self.value(node.elt)))
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
        for item in self.value(generator.iter):
            self.tick(generator.iter)
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
        return sf.format_value(value, node.conversion, spec, self.budget)

    def _call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = self.value(func.value)
            args, kwargs = self.arguments(node)
            return sf.call_method(owner, func.attr, args, kwargs, self.budget)
        name = cast(ast.Name, func).id
        if name in self.names or any(name in scope for scope in self.scopes):
            raise sf.Refused(f"{name} är ett värde och kan inte anropas")
        helper, builtin = self.functions.get(name), sf.BUILTINS.get(name)
        if helper is None and builtin is None:
            raise sf.Refused(f"Okänd funktion: {name}")
        args, kwargs = self.arguments(node)
        if helper is not None:
            return self.budget.produced(helper(*args, **kwargs), count=False)
        return self.budget.produced(cast(Callable[..., Any], builtin)(self.budget, *args, **kwargs))

    def arguments(self, node: ast.Call) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                args.extend(self.budget.items(self.value(arg.value)))
            else:
                args.append(self.value(arg))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.value(keyword.value)
            if keyword.arg is None:
                kwargs.update(sf.keyword_arguments(value))
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
            current = container[self.budget.key(index)]
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
            self.set_item(self.value(target.value), self.value(target.slice), value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element, item in sf.unpack(target.elts, self.budget.items(value)):
                self.assign(element, item)
        else:
            raise sf.Refused("Det går inte att tilldela ett värde hit")

    def set_item(self, container: Any, index: Any, value: Any) -> None:
        if not isinstance(container, (list, dict)):
            raise sf.Refused(f"Värden av typen {type(container).__name__} kan inte ändras")
        self.budget.retain(value)
        container[self.budget.key(index)] = value
        self.budget.need(len(container))

    def delete(self, target: ast.expr) -> None:
        if isinstance(target, ast.Name):
            if self.target is None or target.id not in self.target:
                raise sf.Refused(f"Okänt namn: {target.id}")
            del self.target[target.id]
        elif isinstance(target, ast.Subscript):
            container, index = self.value(target.value), self.value(target.slice)
            if not isinstance(container, (list, dict)):
                raise sf.Refused(f"Värden av typen {type(container).__name__} kan inte ändras")
            del container[self.budget.key(index)]
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
        for item in self.value(node.iter):
            self.tick(node)
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
            detail = "" if node.msg is None else sf.to_text(self.value(node.msg), self.budget)
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
    ast.Set: lambda self, node: {self.budget.key(item) for item in self.elements(node.elts)},
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
    ast.Attribute: lambda self, node: sf.get_attribute(self.value(node.value), node.attr),
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
