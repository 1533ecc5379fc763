"""The texts the modeller's script shows, in the person's language: its own messages and labels,
and Swedish for what bpmn-js and its properties panel say in English (their ``translate``
service looks each English text up here; what is missing stays English)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

#: The modeller's own words, by the key web/frontend/modeller/ uses.
OWN: dict[str, LazyString] = {
    "loading": _("Processen laddas …"),
    "loaded": _("Processen är laddad."),
    "loadFailed": _("Processen kunde inte laddas."),
    "noDiagram": _(
        "Filen har inget diagram (BPMNDiagram) och kan inte visas här. Rita den i ett "
        "BPMN-verktyg och ladda upp den, så kan den ändras här."
    ),
    "importWarnings": _("Varningar när diagrammet lästes in"),
    "saving": _("Utkastet sparas …"),
    "saved": _("Utkastet är sparat."),
    "discarded": _("Utkastet är borttaget; den senaste versionen visas."),
    "discardConfirm": _("Ta bort ditt utkast och börja om från den senaste versionen?"),
    "validating": _("Paketet valideras …"),
    "deploying": _("Paketet driftsätts …"),
    "unsaved": _("Osparade ändringar"),
    "requestFailed": _("Servern kunde inte nås. Försök igen."),
    "noProblems": _("Inga fel hittades."),
    "problemsTitle": _("Fel i paketet"),
    "problemBadge": _("Fel"),
    "package": _("paketet"),
    "whoGroup": _("Vem gör steget (Sif)"),
    "formGroup": _("Formulär och förfallodag (Sif)"),
    "scriptGroup": _("Skript (Sif)"),
    "prePostGroup": _("Skript före och efter steget (Sif)"),
    "serviceGroup": _("Tjänst (Sif)"),
    "decisionGroup": _("Beslutstabell (Sif)"),
    "stageGroup": _("Skede (Sif)"),
    "laneRoles": _("Roller i lanen"),
    "laneRolesHelp": _("Användaruppgifterna i lanen erbjuds dessa roller."),
    "laneNoRoles": _("Ingen roll vald: uppgifterna i lanen erbjuds ingen förrän en roll väljs."),
    "laneRolesNow": _("Lanens roller"),
    "candidateGroups": _("Roller för just den här uppgiften"),
    "candidateGroupsHelp": _("Valfritt: ersätter lanens roller för uppgiften."),
    "otherRole": _("Övrig roll"),
    "form": _("Formulär"),
    "noForm": _("Inget formulär"),
    "missingForm": _("saknas i paketet"),
    "formRules": _("Formulärregler"),
    "dueDate": _("Förfallodag"),
    "dueDateHelp": _(
        'Uttryck, t.ex. "P14D" (14 dagar efter att uppgiften skapas) eller en variabel.'
    ),
    "script": _("Skript"),
    "preScript": _("Skript före steget"),
    "postScript": _("Skript efter steget"),
    "service": _("Tjänst"),
    "noService": _("Ingen tjänst"),
    "resultVariable": _("Resultatvariabel"),
    "parameters": _("Parametrar"),
    "parameterName": _("Namn"),
    "parameterValue": _("Värde (uttryck)"),
    "addParameter": _("Lägg till parameter"),
    "removeParameter": _("Ta bort parametern"),
    "decision": _("Beslutstabell"),
    "noDecision": _("Ingen beslutstabell"),
    "stage": _("Skede"),
    "noStage": _("Inget skede"),
    "file": _("Fil"),
}

#: Swedish for the English texts of bpmn-js and bpmn-js-properties-panel that a process owner
#: meets: the panel's groups and fields, the palette and the context pad.
LIBRARY: dict[str, LazyString] = {
    # The panel header's element types.
    "Collaboration": _("Samarbete"),
    "Participant": _("Pool"),
    "Process": _("Process"),
    "Lane": _("Lane"),
    "Task": _("Uppgift"),
    "User Task": _("Användaruppgift"),
    "Service Task": _("Tjänsteuppgift"),
    "Script Task": _("Skriptuppgift"),
    "Business Rule Task": _("Beslutsuppgift"),
    "Manual Task": _("Manuell uppgift"),
    "Send Task": _("Sändningsuppgift"),
    "Receive Task": _("Mottagningsuppgift"),
    "Call Activity": _("Anropad process"),
    "Collapsed Sub Process": _("Delprocess (hopfälld)"),
    "Expanded Sub Process": _("Delprocess"),
    "Event Sub Process": _("Händelsedelprocess"),
    "Sequence Flow": _("Flöde"),
    "Conditional Flow": _("Villkorat flöde"),
    "Default Flow": _("Standardflöde"),
    "Exclusive Gateway": _("Exklusiv grind"),
    "Parallel Gateway": _("Parallell grind"),
    "Inclusive Gateway": _("Inkluderande grind"),
    "Event Based Gateway": _("Händelsestyrd grind"),
    "Start Event": _("Starthändelse"),
    "End Event": _("Sluthändelse"),
    "Intermediate Throw Event": _("Mellanhändelse"),
    "Timer Start Event": _("Timerstart"),
    "Timer Intermediate Catch Event": _("Timer (väntar)"),
    "Timer Boundary Event": _("Timer på kanten"),
    "Timer Boundary Event (Non Interrupting)": _("Timer på kanten (avbryter inte)"),
    "Message Start Event": _("Meddelandestart"),
    "Message Intermediate Catch Event": _("Väntar på meddelande"),
    "Message Boundary Event": _("Meddelande på kanten"),
    "Message Boundary Event (Non Interrupting)": _("Meddelande på kanten (avbryter inte)"),
    "Message Start Event (Non Interrupting)": _("Meddelandestart (avbryter inte)"),
    "Error End Event": _("Felslut"),
    "Error Boundary Event": _("Fel på kanten"),
    "Terminate End Event": _("Avslutande sluthändelse"),
    "Text Annotation": _("Kommentar"),
    "Data Object Reference": _("Dataobjekt"),
    "Group": _("Grupp"),
    "General": _("Allmänt"),
    "Documentation": _("Dokumentation"),
    "Element documentation": _("Beskrivning av elementet"),
    "Process documentation": _("Beskrivning av processen"),
    "Name": _("Namn"),
    "ID": _("Id"),
    "Process name": _("Processens namn"),
    "Process ID": _("Processens id"),
    "Participant Name": _("Deltagarens namn"),
    "Executable": _("Körbar"),
    "Version tag": _("Versionsetikett"),
    "Timer": _("Timer"),
    "Type": _("Typ"),
    "Value": _("Värde"),
    "Date": _("Datum"),
    "Duration": _("Varaktighet"),
    "Cycle": _("Upprepning"),
    "<none>": _("<ingen>"),
    "Condition": _("Villkor"),
    "Condition expression": _("Villkorsuttryck"),
    "Multi-instance": _("Flera instanser"),
    "Loop cardinality": _("Antal varv"),
    "Completion condition": _("Klart-villkor"),
    "Input collection": _("Indatasamling"),
    "Input element": _("Indataelement"),
    "Output collection": _("Utdatasamling"),
    "Output element": _("Utdataelement"),
    "Message": _("Meddelande"),
    "Global message reference": _("Meddelande"),
    "Signal": _("Signal"),
    "Global signal reference": _("Signal"),
    "Error": _("Fel"),
    "Global error reference": _("Fel"),
    "Escalation": _("Eskalering"),
    "Global escalation reference": _("Eskalering"),
    "Compensation": _("Kompensation"),
    "Link": _("Länk"),
    "Script": _("Skript"),
    "Format": _("Format"),
    "Create new ...": _("Skapa ny …"),
    "Select an element to edit its properties.": _(
        "Välj ett element för att ändra dess egenskaper."
    ),
    "Multiple elements are selected. Select a single element to edit its properties.": _(
        "Flera element är valda. Välj ett element för att ändra dess egenskaper."
    ),
    "A time duration defined as ISO 8601 durations format.": _(
        'En varaktighet, i Sif ett uttryck: skriv "P14D" med citattecken, eller en variabel.'
    ),
    "A specific point in time defined as ISO 8601 combined date and time representation.": _(
        'En tidpunkt, i Sif ett uttryck: "2026-06-30T12:00:00" med citattecken, eller en variabel.'
    ),
    "A cycle defined as ISO 8601 repeating intervals format, or a cron expression.": _(
        'En upprepning, i Sif ett uttryck: "R3/P1Y" med citattecken, eller en variabel.'
    ),
    "Activate hand tool": _("Handverktyget: flytta vyn"),
    "Activate lasso tool": _("Lasso: markera flera"),
    "Activate create/remove space tool": _("Skapa eller ta bort utrymme"),
    "Activate global connect tool": _("Förbind element"),
    "Create start event": _("Skapa starthändelse"),
    "Create intermediate/boundary event": _("Skapa mellan- eller kanthändelse"),
    "Create end event": _("Skapa sluthändelse"),
    "Create gateway": _("Skapa grind"),
    "Create task": _("Skapa uppgift"),
    "Create data object reference": _("Skapa dataobjekt"),
    "Create data store reference": _("Skapa datalager"),
    "Create expanded sub-process": _("Skapa delprocess"),
    "Create pool/participant": _("Skapa pool"),
    "Create group": _("Skapa grupp"),
    "Append task": _("Lägg till uppgift efter"),
    "Append end event": _("Lägg till sluthändelse efter"),
    "Append gateway": _("Lägg till grind efter"),
    "Append intermediate/boundary event": _("Lägg till händelse efter"),
    "Add text annotation": _("Lägg till kommentar"),
    "Add lane above": _("Lägg till lane ovanför"),
    "Add lane below": _("Lägg till lane nedanför"),
    "Divide into two lanes": _("Dela i två lanes"),
    "Divide into three lanes": _("Dela i tre lanes"),
    "Change element": _("Byt typ"),
    "Connect to other element": _("Förbind med annat element"),
    "Connect using association": _("Förbind med association"),
    "Delete": _("Ta bort"),
}


def script_texts() -> dict[str, dict[str, str]]:
    """The modeller's texts in the person's language (``own``), and the library's texts
    translated (``library``; empty in English, where the library's own words stand)."""
    own = {key: str(text) for key, text in OWN.items()}
    english = str(get_locale() or "sv") == "en"
    library = {} if english else {key: str(text) for key, text in LIBRARY.items()}
    return {"own": own, "library": library}
