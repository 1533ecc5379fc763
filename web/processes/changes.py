"""What changed between two versions, in the reader's language: the engine's element kinds and
aspect codes (``engine.bpmn_diff.ASPECTS``, ``engine.form_diff.FIELD_ASPECTS``) as Swedish
words, role ids as role names, and the markers the diff's two diagrams carry
(``{"id", "kind", "symbol", "label", "text"}``, kinds ``added``/``changed`` on the new version,
``removed`` on the old)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

from engine import AspectChange, ElementChange, VersionDiff
from web.labels import stage_name
from web.roles import ROLE_NAMES, role_names

Marker = dict[str, Any]
SYMBOLS = {"added": "+", "changed": "✎", "removed": "−"}
_MARKER_TEXT_MAX = 400  # a tooltip, not the list: the page lists every change in full

KIND_NAMES: dict[str, LazyString] = {
    "userTask": _("Användaruppgift"),
    "scriptTask": _("Skriptuppgift"),
    "serviceTask": _("Tjänsteuppgift"),
    "businessRuleTask": _("Beslutsregel (DMN)"),
    "manualTask": _("Manuell uppgift"),
    "sendTask": _("Sändningsuppgift"),
    "receiveTask": _("Mottagningsuppgift"),
    "task": _("Uppgift"),
    "callActivity": _("Anropad process"),
    "subProcess": _("Delprocess"),
    "transaction": _("Transaktion"),
    "startEvent": _("Starthändelse"),
    "endEvent": _("Sluthändelse"),
    "intermediateCatchEvent": _("Mellanliggande händelse som väntar"),
    "intermediateThrowEvent": _("Mellanliggande händelse som skickar"),
    "boundaryEvent": _("Gränshändelse"),
    "exclusiveGateway": _("Exklusiv grind"),
    "parallelGateway": _("Parallell grind"),
    "inclusiveGateway": _("Inkluderande grind"),
    "eventBasedGateway": _("Händelsestyrd grind"),
    "complexGateway": _("Komplex grind"),
    "sequenceFlow": _("Flöde"),
}
ASPECT_NAMES: dict[str, LazyString] = {
    "type": _("Typ"),
    "name": _("Namn"),
    "lane": _("Bana"),
    "roles": _("Roller"),
    "form": _("Formulär"),
    "form_rules": _("Formulärregler"),
    "due": _("Förfallotid"),
    "stage": _("Skede"),
    "script": _("Skript"),
    "pre_script": _("Skript före steget"),
    "post_script": _("Skript efter steget"),
    "condition": _("Villkor"),
    "source": _("Från"),
    "target": _("Till"),
    "default": _("Standardflöde"),
    "event": _("Händelsetyp"),
    "timer_kind": _("Timertyp"),
    "timer": _("Timeruttryck"),
    "message": _("Meddelande"),
    "attached_to": _("Fäst vid"),
    "decision": _("Anropat beslut (DMN)"),
    "called_process": _("Anropad process"),
    "service": _("Tjänst"),
    "parameters": _("Tjänstens parametrar"),
    "loop": _("Upprepning"),
    "loop_cardinality": _("Antal instanser"),
    "loop_collection": _("Samling"),
    "loop_item": _("Element i samlingen"),
    "loop_output": _("Resultatsamling"),
    "loop_output_item": _("Resultatelement"),
    "loop_completion": _("Klart när"),
    "loop_condition": _("Upprepas medan"),
    "loop_maximum": _("Högst antal varv"),
}
FIELD_ASPECT_NAMES: dict[str, LazyString] = {
    "title": _("Rubrik"),
    "description": _("Hjälptext"),
    "type": _("Typ"),
    "required": _("Obligatoriskt"),
    "enum": _("Val"),
    "const": _("Fast värde"),
    "minimum": _("Minsta värde"),
    "maximum": _("Största värde"),
    "exclusiveMinimum": _("Större än"),
    "exclusiveMaximum": _("Mindre än"),
    "minLength": _("Minsta längd"),
    "maxLength": _("Största längd"),
    "minItems": _("Minsta antal rader"),
    "maxItems": _("Största antal rader"),
    "pattern": _("Mönster"),
    "format": _("Format"),
    "default": _("Förval"),
    "readOnly": _("Skrivskyddat"),
}
_VALUE_NAMES: dict[str, dict[str, LazyString]] = {
    "timer_kind": {
        "timeDate": _("datum"),
        "timeDuration": _("varaktighet"),
        "timeCycle": _("cykel"),
    },
    "event": {
        "timerEventDefinition": _("timer"),
        "messageEventDefinition": _("meddelande"),
        "errorEventDefinition": _("fel"),
        "signalEventDefinition": _("signal"),
        "escalationEventDefinition": _("eskalering"),
        "terminateEventDefinition": _("avslutar allt"),
        "conditionalEventDefinition": _("villkor"),
        "compensateEventDefinition": _("kompensation"),
        "cancelEventDefinition": _("avbryter transaktionen"),
    },
    "loop": {
        "parallel": _("flera instanser samtidigt"),
        "sequential": _("flera instanser i tur och ordning"),
        "standard": _("slinga"),
    },
}
_FIELD_TYPES: dict[str, LazyString] = {
    "string": _("text"),
    "integer": _("heltal"),
    "number": _("tal"),
    "boolean": _("ja eller nej"),
    "array": _("lista"),
    "object": _("grupp"),
    "null": _("tomt"),
}
STATUS_NAMES: dict[str, LazyString] = {
    "added": _("Nytt"),
    "removed": _("Borttaget"),
    "changed": _("Ändrat"),
}


def kind_name(kind: str) -> str:
    """'Användaruppgift' for ``userTask``; an element kind Sif has no name for as it is."""
    return str(KIND_NAMES.get(kind) or kind)


def aspect_name(code: str) -> str:
    return str(ASPECT_NAMES.get(code) or code)


def field_aspect_name(code: str) -> str:
    return str(FIELD_ASPECT_NAMES.get(code) or code)


def aspect_value(code: str, value: str | None) -> str:
    """An element aspect's value as a person reads it; '–' where the version has none."""
    if value is None:
        return "–"
    if code == "type":
        return kind_name(value)
    if code == "roles":
        return role_names(part.strip() for part in value.split(","))
    if code == "lane":
        roles = [part.strip() for part in value.split(",") if part.strip()]
        return role_names(roles) if roles and all(r in ROLE_NAMES for r in roles) else value
    if code == "stage":
        return stage_name(value)
    if code == "event":
        return ", ".join(_value_name(code, part.strip()) for part in value.split(","))
    return _value_name(code, value)


def _value_name(code: str, value: str) -> str:
    return str(_VALUE_NAMES.get(code, {}).get(value) or value)


def field_value(code: str, value: str | None) -> str:
    """A form field aspect's value: 'ja'/'nej', a Swedish type name, the value as written."""
    if value is None:
        return "–"
    if code in ("required", "readOnly"):
        return str(gettext("ja") if value == "true" else gettext("nej"))
    if code == "type":
        return str(_FIELD_TYPES.get(value) or value)
    return value


def element_title(element: ElementChange) -> str:
    """An element as the list names it: its name, or for an unnamed flow where it runs."""
    if element.name:
        return element.name
    if element.between is not None:
        return str(gettext("Flödet från %(source)s till %(target)s",
                           source=element.between[0], target=element.between[1]))  # fmt: skip
    return str(gettext("Namnlöst steg"))


def diff_markers(diff: VersionDiff, drawing: str) -> list[Marker]:
    """The markers of the ``new`` drawing (added and changed) or the ``old`` one (removed)."""
    if drawing == "old":
        return [
            _marker(e, "removed", gettext("Borttaget: %(name)s", name=element_title(e)))
            for e in diff.removed
        ]
    found = [
        _marker(e, "added", gettext("Nytt: %(name)s", name=element_title(e))) for e in diff.added
    ]
    for element in diff.changed:
        label = gettext("Ändrat: %(name)s", name=element_title(element))
        found.append(_marker(element, "changed", label, _changes_text(element.aspects)))
    return found


def _changes_text(aspects: tuple[AspectChange, ...]) -> str:
    text = " · ".join(
        gettext("%(aspect)s: %(old)s → %(new)s", aspect=aspect_name(a.aspect),
                old=_one_line(aspect_value(a.aspect, a.old)),
                new=_one_line(aspect_value(a.aspect, a.new)))
        for a in aspects
    )  # fmt: skip
    return text if len(text) <= _MARKER_TEXT_MAX else text[: _MARKER_TEXT_MAX - 1] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _marker(element: ElementChange, kind: str, label: str, text: str = "") -> Marker:
    return {
        "id": element.element_id, "kind": kind, "symbol": SYMBOLS[kind], "label": label,
        "text": text or kind_name(element.kind),
    }  # fmt: skip
