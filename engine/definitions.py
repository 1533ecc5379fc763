"""Deploying bundles as immutable, versioned process definitions, and reading them back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import Connection, func, insert, select

from engine.bundle import bundle_sha256
from engine.clock import as_utc
from engine.db import inserted_id
from engine.errors import BundleInvalid, NotFound, Problem
from engine.forms import form_validator
from engine.runtime import Runtime
from engine.schema import definitions, deployment_files, deployments
from engine.validate import validate_bundle


@dataclass(frozen=True)
class Definition:
    id: int
    process_key: str
    version: int
    name: str
    sha256: str
    deployed_by: str
    deployed_at: datetime
    comment: str = ""


@dataclass(frozen=True)
class Deployment:
    """The outcome of a deploy: ``created`` is False when the same content was deployed before."""

    created: bool
    sha256: str
    definitions: list[Definition]


DEPLOY_LOCK = 0x51F0_0002  # the advisory lock deployments take turns on (PostgreSQL)


def deploy(
    rt: Runtime, files: Mapping[str, bytes], deployed_by: str, comment: str = ""
) -> Deployment:
    """Validate and store a bundle; idempotent by content hash (the first deployment's comment
    stays). Raises ``BundleInvalid``."""
    sha = bundle_sha256(files)
    with rt.db.reading() as conn:
        existing = _definitions_of(conn, sha)
    if existing:
        return Deployment(False, sha, existing)
    bundle = validate_bundle(files, rt.settings, rt.services.names(), rt.services.rule_names())
    now = rt.clock.now()
    with rt.db.transaction() as conn:
        rt.db.take_turns(conn, DEPLOY_LOCK)  # versions are numbered one deployment at a time
        existing = _definitions_of(conn, sha)
        if existing:  # someone deployed the same bundle meanwhile
            return Deployment(False, sha, existing)
        deployment_id = inserted_id(
            conn.execute(
                insert(deployments).values(
                    sha256=sha, deployed_by=deployed_by, deployed_at=now, comment=comment.strip()
                )
            )
        )
        conn.execute(
            insert(deployment_files),
            [
                {"deployment_id": deployment_id, "name": n, "content": c.decode("utf-8")}
                for n, c in sorted(files.items())
            ],
        )
        meta = json.dumps(bundle.meta)
        for process in bundle.processes:
            latest = conn.execute(
                select(func.max(definitions.c.version)).where(
                    definitions.c.process_key == process.process_key
                )
            ).scalar()
            conn.execute(
                insert(definitions).values(
                    process_key=process.process_key,
                    version=(latest or 0) + 1,
                    name=process.name,
                    deployment_id=deployment_id,
                    spec=process.spec_json,
                    meta=meta,
                    deployed_at=now,
                )
            )
        return Deployment(True, sha, _definitions_of(conn, sha))


def check_bundle(rt: Runtime, files: Mapping[str, bytes]) -> list[Problem]:
    """Every problem deploying ``files`` would meet (the whole pipeline), deploying nothing."""
    try:
        validate_bundle(files, rt.settings, rt.services.names(), rt.services.rule_names())
    except BundleInvalid as invalid:
        return invalid.problems
    return []


def _select_definitions() -> Any:
    return select(
        definitions.c.id,
        definitions.c.process_key,
        definitions.c.version,
        definitions.c.name,
        deployments.c.sha256,
        deployments.c.deployed_by,
        definitions.c.deployed_at,
        deployments.c.comment,
    ).join(deployments, deployments.c.id == definitions.c.deployment_id)


def _row_to_definition(row: Any) -> Definition:
    return Definition(
        row.id, row.process_key, row.version, row.name, row.sha256, row.deployed_by,
        as_utc(row.deployed_at), row.comment,
    )  # fmt: skip


def _definitions_of(conn: Connection, sha: str) -> list[Definition]:
    rows = conn.execute(
        _select_definitions().where(deployments.c.sha256 == sha).order_by(definitions.c.process_key)
    )
    return [_row_to_definition(r) for r in rows]


def list_definitions(rt: Runtime, process_key: str | None = None) -> list[Definition]:
    """Every deployed version (of ``process_key`` only, if given), by process key and newest
    first within each."""
    query = _select_definitions()
    if process_key is not None:
        query = query.where(definitions.c.process_key == process_key)
    with rt.db.reading() as conn:
        rows = conn.execute(query.order_by(definitions.c.process_key, definitions.c.version.desc()))
        return [_row_to_definition(r) for r in rows]


def find_definition(rt: Runtime, process_key: str, version: int | None = None) -> Definition:
    """A process's given version, or its newest; ``NotFound`` if there is none."""
    query = _select_definitions().where(definitions.c.process_key == process_key)
    if version is not None:
        query = query.where(definitions.c.version == version)
    with rt.db.reading() as conn:
        row = conn.execute(query.order_by(definitions.c.version.desc()).limit(1)).first()
    if row is None:
        which = f"version {version} av processen" if version is not None else "processen"
        raise NotFound(f"Det finns ingen {which} {process_key!r}.")
    return _row_to_definition(row)


def definition_files(rt: Runtime, definition_id: int) -> dict[str, bytes]:
    """The files of the bundle a definition was deployed from, by name, as deployed."""
    with rt.db.reading() as conn:
        rows = conn.execute(
            select(deployment_files.c.name, deployment_files.c.content)
            .join(definitions, definitions.c.deployment_id == deployment_files.c.deployment_id)
            .where(definitions.c.id == definition_id)
            .order_by(deployment_files.c.name)
        )
        return {row.name: row.content.encode("utf-8") for row in rows}


def latest_definition_id(conn: Connection, process_key: str) -> int:
    found = conn.execute(
        select(definitions.c.id)
        .where(definitions.c.process_key == process_key)
        .order_by(definitions.c.version.desc())
        .limit(1)
    ).scalar()
    if found is None:
        raise NotFound(f"Processen {process_key!r} är inte driftsatt.")
    return int(found)


@dataclass(frozen=True)
class DefinitionBody:
    """What the runtime needs of a definition: its spec text and Sif's metadata."""

    id: int
    process_key: str
    version: int
    spec_json: str
    meta: dict[str, Any]
    validators: dict[str, Draft202012Validator] = field(default_factory=dict, compare=False)

    def user_task(self, element_id: str) -> dict[str, Any]:
        info: dict[str, Any] = self.meta["user_tasks"].get(element_id, {})
        return info

    def form(self, name: str | None) -> dict[str, Any] | None:
        return self.meta["forms"].get(name) if name else None

    def form_validator(self, name: str) -> Draft202012Validator:
        """The form's validator, built on first use and kept with the (immutable) definition."""
        validator = self.validators.get(name)
        if validator is None:
            validator = self.validators[name] = form_validator(self.meta["forms"][name])
        return validator


_bodies: dict[tuple[str, int], DefinitionBody] = {}


def definition_body(rt: Runtime, conn: Connection, definition_id: int) -> DefinitionBody:
    """A definition's spec and metadata; immutable, so cached per database and id."""
    key = (rt.db.url, definition_id)
    hit = _bodies.get(key)
    if hit is not None:
        return hit
    row = conn.execute(
        select(
            definitions.c.id, definitions.c.process_key, definitions.c.version,
            definitions.c.spec, definitions.c.meta,
        ).where(definitions.c.id == definition_id)
    ).one_or_none()  # fmt: skip
    if row is None:
        raise NotFound(f"Definitionen {definition_id} finns inte.")
    body = DefinitionBody(row.id, row.process_key, row.version, row.spec, json.loads(row.meta))
    _bodies[key] = body
    return body
