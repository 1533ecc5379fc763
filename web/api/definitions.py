"""``/api/v1/definitions``: deployed processes and their versions; deploying a bundle."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, WithJsonSchema

import engine
from engine import BundleInvalid, NotAllowed, Problem
from web.api.access import may_deploy
from web.api.auth import caller
from web.api.schemas import DefinitionList, DefinitionOut, DefinitionQuery, Deployment
from web.api.spec import endpoint
from web.context import runtime
from web.uploads import MAX_COMMENT, bundle_from_uploads


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class Bundle(BaseModel):
    """A bundle: its .bpmn, .dmn and .schema.json files, each under the field ``files``.

    Anything is let through here and judged by ``bundle_from_uploads``, so that whatever is
    wrong with an upload is answered as a refused bundle (spectree's own error answer cannot
    hold a file)."""

    files: Annotated[
        list[Any],
        BeforeValidator(_as_list),
        WithJsonSchema({"type": "array", "items": {"type": "string", "format": "binary"}}),
    ] = []
    comment: Annotated[
        Any,
        WithJsonSchema(
            {
                "type": "string",
                "description": f"Vad versionen ändrar (valfritt, högst {MAX_COMMENT} tecken).",
            }
        ),
    ] = ""


@endpoint("/definitions", ok={200: DefinitionList}, errors=(422,), tag="Processer")
def list_definitions(query: DefinitionQuery) -> DefinitionList:
    """Driftsatta processer och versioner, nyaste versionen först inom varje process."""
    found = engine.list_definitions(runtime(), query.process_key or None)
    start = (query.page - 1) * query.page_size
    items = [DefinitionOut.of(d) for d in found[start : start + query.page_size]]
    return DefinitionList(items=items, total=len(found), page=query.page, page_size=query.page_size)


def _deployer() -> None:
    if not may_deploy(caller()):
        raise NotAllowed("Bara processägare och systemadministratörer får driftsätta processer.")


@endpoint(
    "/definitions", "POST", ok={201: Deployment, 200: Deployment}, errors=(403,),
    tag="Processer", body="files", guard=_deployer,
)  # fmt: skip
def deploy(form: Bundle) -> tuple[Deployment, int]:
    """Driftsätt ett paket (multipart, fältet files; comment: vad versionen ändrar): 201 ny
    version, 200 redan driftsatt."""
    if not isinstance(form.comment, str) or len(form.comment) > MAX_COMMENT:
        # answered as the bundle's problem, like whatever is wrong with its files
        too_long = f"Kommentaren ska vara en text på högst {MAX_COMMENT} tecken."
        raise BundleInvalid([Problem("", None, None, too_long)])
    deployment = engine.deploy(
        runtime(), bundle_from_uploads(form.files), caller().name, form.comment
    )
    answer = Deployment(
        created=deployment.created, sha256=deployment.sha256,
        definitions=[DefinitionOut.of(d) for d in deployment.definitions],
    )  # fmt: skip
    return answer, 201 if deployment.created else 200
