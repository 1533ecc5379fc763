"""One decorator, ``endpoint``, puts a view on the API: route, request and response validation,
and its place in the OpenAPI document, all from the same pydantic models.

Why spectree: it validates with pydantic and documents what it validates, and it works on a
plain Flask blueprint inside our own app factory. APIFlask and flask-openapi3 build the
document only in their own ``Flask`` subclass, which ``create_app`` would have to become.

The document is served by ``openapi`` below rather than by spectree's own route, so that it
lies at ``/api/v1/openapi.json`` and no documentation page loads scripts from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ValidationError
from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine import ValidationFailed
from web.api import bp
from web.api.problems import field_errors
from web.api.schemas import BundleProblem, ValidationProblem
from web.api.schemas import Problem as ProblemOut

F = TypeVar("F", bound=Callable[..., Any])


def _refuse_invalid(req: Any, resp: Any, error: Exception | None, instance: Any, _: Any) -> None:
    """spectree's hook after validating a request: a 422 with the errors per field."""
    if isinstance(error, ValidationError):
        raise ValidationFailed(field_errors(error))


spec = SpecTree(
    "flask",
    mode="strict",
    path="api/v1/openapi",
    page_templates={},
    title="Sif API",
    version="1",
    description="Sociala investeringsfonden: ärenden, uppgifter, processer och fonden. "
    "Anropa med Authorization: Bearer sif_… (sif token create ANVÄNDARE).",
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", bearer_format="sif_…"),
        )
    ],
    security={"bearer": []},
    validation_error_model=ValidationProblem,
    before=_refuse_invalid,
    naming_strategy=lambda model: model.__name__,  # the models' names are unique
    nested_naming_strategy=lambda _parent, child: child,
)

#: What every endpoint may answer besides its own statuses.
ALWAYS = (401,)
#: What an endpoint with a JSON body may answer besides.
WITH_BODY = (400, 413, 415, 422)


def endpoint(
    rule: str,
    method: str = "GET",
    *,
    ok: dict[int, type[BaseModel]],
    errors: tuple[int, ...] = (),
    tag: str,
    body: str = "",
    guard: Callable[[], None] | None = None,
) -> Callable[[F], F]:
    """Register ``view`` at ``rule``; ``ok`` maps success statuses to their models; ``errors``
    lists the other statuses it answers; ``body`` is ``"json"`` or ``"files"`` when it reads
    one; ``guard`` refuses a caller before the body is read. The request models come from the
    view's ``query``/``json``/``form`` annotations."""

    def decorate(view: F) -> F:
        statuses = {*ALWAYS, *errors, *(WITH_BODY if body == "json" else ())}
        if body == "files":
            statuses |= {413, 415, 422}
        models: dict[str, Any] = {f"HTTP_{code}": model for code, model in ok.items()}
        for code in sorted(statuses):
            models[f"HTTP_{code}"] = _error_model(code, body)
        validated = spec.validate(
            resp=Response(**models),
            tags=[tag],
            operation_id=view.__name__,
        )(view)
        checked = _checked_first(validated, body, guard) if body or guard else validated
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=checked, methods=[method])
        return view

    return decorate


def _error_model(status: int, body: str) -> type[BaseModel]:
    if status == 422:
        return BundleProblem if body == "files" else ValidationProblem
    return ProblemOut


def _checked_first(
    view: Callable[..., Any], body: str, guard: Callable[[], None] | None
) -> Callable[..., Any]:
    """Refuse a caller who may not (``guard``), then a body of the wrong type (415) or
    malformed JSON (400), before validating it; spectree alone would read either as ``{}``."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if guard is not None:
            guard()
        if body == "json":
            _read_json()
        elif body == "files" and request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType("Skicka filerna som multipart/form-data.")
        return cast(ResponseReturnValue, view(*args, **kwargs))

    return checked


def _read_json() -> None:
    if not request.is_json:
        raise UnsupportedMediaType("Innehållet måste vara JSON (Content-Type: application/json).")
    try:
        request.get_json()
    except BadRequest:
        raise BadRequest("Innehållet är inte giltig JSON.") from None
    except RecursionError:
        raise BadRequest("JSON-innehållet är för djupt nästlat.") from None


@bp.route("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3 document of this API, generated from the endpoints' own models."""
    return jsonify(spec.spec)
