"""Moving running cases to another version (``/processer/<key>/<version>/flytta``).

The page is the dry run: every running case of the version (50 a page, searchable by key and
title) with where it is, whether it can move to the chosen version (the newest by default)
and why not, or what changes for it. The process owner moves the marked cases, or every case
that can move; each case moves in its own transaction (``engine.migrate_cases``) and the
result lists the moved and the untouched cases with their reasons. Process owners may not
open cases, so a case is shown by its key and title only. Keys from the browser are never
trusted: the engine moves only listed cases of this process and version.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext

import engine
from engine import CaseMove, MigrationPlan, Paged, VersionInfo
from web.access import process_owner_required
from web.cases.status import STATUS_NAMES
from web.context import me, runtime
from web.processes import bp
from web.processes.pages import MAX_KEY, MAX_VERSION
from web.roles import role_names

PAGE_SIZE = 50
MAX_KEYS = 1000  # marked cases in one request; a page shows 50
MAX_KEY_LENGTH = 40  # cases.business_key
MAX_QUERY = 100


@dataclass(frozen=True)
class PlanPage(Paged):
    """One page of the dry run, for the pager."""

    plan: MigrationPlan
    total: int
    page: int
    page_size: int


def _versions(process_key: str, version: int) -> list[VersionInfo]:
    """The process's versions, newest first; 404 unless ``version`` is one of them."""
    if not 0 < version <= MAX_VERSION:
        abort(404)
    found = engine.process_versions(runtime(), process_key[:MAX_KEY])
    if not any(v.definition.version == version for v in found):
        abort(404)
    return found


def _target(versions: list[VersionInfo], version: int, asked: str | None) -> int | None:
    """The version to move to: the one asked for if it is another version, else the newest
    other one; None when the process has only this version."""
    others = [v.definition.version for v in versions if v.definition.version != version]
    if asked and asked.isdigit() and int(asked) in others:
        return int(asked)
    return others[0] if others else None


@bp.route("/processer/<process_key>/<int:version>/flytta")
@process_owner_required
def migration_page(process_key: str, version: int) -> ResponseReturnValue:
    versions = _versions(process_key, version)
    target = _target(versions, version, request.args.get("till"))
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    page_number = request.args.get("sida", "1")
    page = int(page_number) if page_number.isdigit() and 0 < int(page_number) < 10**6 else 1
    plan = None
    if target is not None:
        plan = engine.plan_migration(runtime(), process_key, version, target, None, page,
                                     PAGE_SIZE, query)  # fmt: skip
    return render_template(
        "processes/migration.html",
        process_key=process_key, version=version, versions=versions, target=target,
        name=versions[0].definition.name, q=query,
        page=PlanPage(plan, plan.total, page, PAGE_SIZE) if plan else None,
        status_names=STATUS_NAMES,
    )  # fmt: skip


@bp.route("/processer/<process_key>/<int:version>/flytta", methods=["POST"])
@process_owner_required
def migrate(process_key: str, version: int) -> ResponseReturnValue:
    versions = _versions(process_key, version)
    target = _target(versions, version, request.form.get("till"))
    back = url_for("processes.migration_page", process_key=process_key, version=version,
                   till=target)  # fmt: skip
    if target is None or request.form.get("till") != str(target):
        flash(gettext("Välj en annan version att flytta ärendena till."), "error")
        return redirect(back)
    keys: list[str] | None = None
    if request.form.get("action") != "alla":
        keys = _marked(request.form.getlist("arende"))
        if not keys:
            flash(gettext("Markera minst ett ärende att flytta."), "error")
            return redirect(back)
    query = request.form.get("q", "").strip()[:MAX_QUERY]  # "all" means all the search found
    result = engine.migrate_cases(runtime(), process_key, version, target, keys, me().name,
                                  query if keys is None else "")  # fmt: skip
    moved = len(result.moved)
    flash(
        ngettext("%(num)d ärende flyttades till version %(target)d.",
                 "%(num)d ärenden flyttades till version %(target)d.", moved, target=target),
        "success" if moved else "error",
    )  # fmt: skip
    return render_template(
        "processes/migration_result.html",
        process_key=process_key, version=version, target=target, result=result,
        name=versions[0].definition.name, status_names=STATUS_NAMES,
    )  # fmt: skip


def _marked(values: list[str]) -> list[str]:
    """The marked case keys as sent: trimmed, unique, bounded (the engine checks each)."""
    keys = [v.strip()[:MAX_KEY_LENGTH] for v in values[:MAX_KEYS] if v.strip()]
    return list(dict.fromkeys(keys))


@bp.app_template_global("migration_said")
def said(move: CaseMove) -> list[str]:
    """What the page says of a case: its reasons, or its changes with role names."""
    if not move.movable and not move.moved:
        return list(move.reasons)
    lines = list(move.changes)
    for change in move.role_changes:
        lines.append(
            gettext("Uppgiften '%(step)s' erbjuds nu: %(roles)s.", step=change.step,
                    roles=role_names(change.roles))
        )  # fmt: skip
    return lines
