"""The BPMN modeller in a real browser (``/modellera/<key>``): a process owner renames a task
and changes its form in the properties panel, validates and deploys a new version; errors show
on their elements and deploy nothing; a case started before keeps its version; the keyboard
and axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Dialog, Locator, Page, expect

import engine
from engine import Runtime
from tests.e2e import pages
from tests.e2e.conftest import PROCESS, LiveSif
from tests.e2e.test_screenshots import picture_folder

pytestmark = pytest.mark.e2e

OWNER = "helena.rask"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
#: How many parameters the shipped process's book_grant has (a new one comes after them).
BOOK_GRANT_PARAMETERS = len(
    etree.parse(Path(__file__).resolve().parents[2] / "processes" / "social_investment_case.bpmn")
    .getroot()
    .xpath("//*[@id='book_grant']//*[local-name()='parameter']")
)
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
# Put the element in the middle of the canvas, at 100 %, where a click reaches it.
CENTRE = """id => {
  const m = window.sifModeller.modeler, canvas = m.get('canvas');
  const el = m.get('elementRegistry').get(id), box = canvas.viewbox();
  canvas.zoom(1);
  const size = canvas.viewbox();
  const wide = el.width > size.width / 2;  // a lane or pool: its left end, where its name is
  canvas.viewbox({x: wide ? el.x - 150 : el.x + el.width / 2 - size.width / 2,
                  y: el.y + Math.min(el.height, 60) / 2 - size.height / 2,
                  width: size.width, height: size.height});
}"""


def open_modeller(page: Page, key: str = PROCESS) -> None:
    """Open the modeller on ``key`` and wait until its diagram is drawn."""
    page.goto(f"/modellera/{key}")
    root = page.locator("[data-modeller]")
    expect(root).to_have_attribute("data-ready", "yes", timeout=30_000)
    # Let the favicon and fonts arrive: a test that ends while the server still sends them
    # leaves werkzeug a dropped connection and an unclosed file (a ResourceWarning).
    page.wait_for_load_state("networkidle")


def import_warnings(page: Page) -> list[str]:
    warnings: list[str] = page.evaluate("() => window.sifModeller.importWarnings")
    return warnings


def select(page: Page, element_id: str) -> None:
    """Click the element on the canvas, as a person would, so the panel shows it."""
    page.evaluate(CENTRE, element_id)
    shape = page.locator(f'g.djs-element[data-element-id="{element_id}"]').first
    if element_id.startswith("lane_"):
        shape.click(position={"x": 12, "y": 30})  # on the lane's header, beside its tasks
    else:
        shape.click()
    # The panel shows it once its Id field does (it redraws after the selection).
    expect(page.locator("#bio-properties-panel-id")).to_have_value(element_id)


def type_into(page: Page, field: Locator, text: str) -> None:
    """Type ``text`` into a field of the panel and leave it; wait until the edit is applied
    (the panel applies typing after a pause)."""
    before = page.evaluate("() => window.sifModeller.changes")
    field.fill(text)
    field.press("Tab")
    page.wait_for_function("n => window.sifModeller.changes > n", arg=before)


def assert_leaving_asks_first(page: Page, link: Locator) -> None:
    """Following ``link`` with unsaved changes makes the browser ask first; staying keeps the
    page (and the changes) as they were."""
    before = page.url
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    link.click()
    assert asked == ["beforeunload"]
    expect(page).to_have_url(before)


def status(page: Page) -> str:
    return page.locator("#modeller-status").inner_text()


def validate(page: Page) -> None:
    page.get_by_role("button", name="Validera").click()
    expect(page.locator("#modeller-problems")).to_be_visible()


def deploy(page: Page, comment: str) -> None:
    page.get_by_role("button", name="Driftsätt …").click()
    dialog = page.get_by_role("dialog", name="Driftsätt en ny version")
    dialog.get_by_label("Vad ändras?").fill(comment)
    dialog.get_by_role("button", name="Driftsätt", exact=True).click()


def user_task(rt: Runtime, version: int, element_id: str) -> etree._Element:
    definition = engine.find_definition(rt, PROCESS, version)
    xml = engine.definition_files(rt, definition.id)[f"{PROCESS}.bpmn"]
    root = etree.fromstring(xml)
    found = root.find(f".//{{{BPMN_NS}}}userTask[@id='{element_id}']")
    assert found is not None
    return found


def _user_tasks(rt: Runtime, version: int) -> set[tuple[str, str, str]]:
    definition = engine.find_definition(rt, PROCESS, version)
    root = etree.fromstring(engine.definition_files(rt, definition.id)[f"{PROCESS}.bpmn"])
    return {
        (str(t.get("id")), str(t.get("name")), form_of(t))
        for t in root.iter(f"{{{BPMN_NS}}}userTask")
    }


def form_of(task: etree._Element) -> str:
    for prop in task.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name") == "formJsonSchemaFilename":
            return str(prop.get("value"))
    return ""


def test_a_renamed_task_with_a_new_form_deploys_and_an_older_case_keeps_its_version(
    page: Page, sif: LiveSif, tmp_path: Path
) -> None:
    before = engine.find_definition(sif.rt, PROCESS).version
    older = sif.start_case()
    pages.sign_in(page, OWNER)
    open_modeller(page)
    assert import_warnings(page) == []
    expect(page.locator("#modeller-draft-status")).to_have_text("Inget utkast sparat")

    select(page, "scientific_review")
    panel = page.locator("#modeller-properties")
    type_into(page, panel.get_by_label("Namn", exact=True), "Vetenskaplig granskning av metoden")
    form = panel.get_by_label("Formulär", exact=True)
    assert form.input_value() == "scientific_review.schema.json"
    form.select_option("economic_review.schema.json")
    page.screenshot(path=str(picture_folder(tmp_path) / "modeller.png"))

    page.get_by_role("button", name="Spara utkast").click()
    expect(page.locator("#modeller-status")).to_have_text("Utkastet är sparat.")
    expect(page.locator("#modeller-draft-status")).to_contain_text("Utkast sparat")

    validate(page)
    expect(page.locator("#modeller-problems-summary")).to_have_text(
        "Inga fel: paketet kan driftsättas."
    )
    deploy(page, "Granskningen av metoden med ekonomens formulär")
    expect(page.locator("[data-modeller]")).to_have_attribute(
        "data-deployed-version", str(before + 1)
    )
    link = page.locator("#modeller-status a")
    expect(link).to_have_attribute("href", f"/processer/{PROCESS}/{before + 1}")
    expect(page.locator("#modeller-draft-status")).to_have_text("Inget utkast sparat")

    newest = engine.find_definition(sif.rt, PROCESS)
    assert newest.version == before + 1
    assert newest.comment == "Granskningen av metoden med ekonomens formulär"
    # The new version differs in that one task only (beside the layout bpmn-js writes).
    assert _user_tasks(sif.rt, before) ^ _user_tasks(sif.rt, newest.version) == {
        ("scientific_review", "Vetenskaplig granskning", "scientific_review.schema.json"),
        ("scientific_review", "Vetenskaplig granskning av metoden", "economic_review.schema.json"),
    }

    # The case started before the deploy runs on, on the version it started on.
    assert sif.case(older.id).definition_version == before
    sif.submit_idea(older.id)
    screening = sif.open_task(older.id, "screen_idea")
    assert (screening.name, screening.form) == ("Rådet prövar idén", "screening.schema.json")
    assert sif.case(older.id).definition_version == before


def test_errors_are_marked_on_their_elements_and_nothing_deploys(
    page: Page, sif: LiveSif, tmp_path: Path
) -> None:
    before = engine.find_definition(sif.rt, PROCESS).version
    pages.sign_in(page, OWNER)
    open_modeller(page)

    # An unquoted duration on the timer, typed into the panel's timer group.
    select(page, "wait_effects")
    value = page.locator("#modeller-properties").get_by_label("Värde", exact=True)
    assert value.input_value() == '"P1Y"'
    type_into(page, value, "P1Y")
    # A misspelt variable in a condition, typed into the panel.
    page.evaluate(
        "id => { const m = window.sifModeller.modeler;"
        " m.get('selection').select(m.get('elementRegistry').get(id)); }",
        "flow_screening_gw_to_idea_rejected",
    )
    condition = page.locator("#modeller-properties").get_by_label("Villkorsuttryck", exact=True)
    expect(condition).to_have_value("screening_decision == 'reject'")
    type_into(page, condition, "screening_desicion == 'reject'")
    # The lane of the board secretary loses its role: its tasks have none.
    page.evaluate("() => window.sifModeller.openFile('reservation_decision.bpmn')")
    select(page, "lane_board_secretary")
    roles = page.locator("#modeller-properties").get_by_label("Nämndsekreterare", exact=True)
    expect(roles).to_be_checked()
    roles.uncheck()
    # A form file that is not in the bundle, written where Sif reads it.
    page.evaluate(
        "() => { const m = window.sifModeller.modeler;"
        " const task = m.get('elementRegistry').get('decide_reservation');"
        " const property = task.businessObject.extensionElements.values"
        "   .find(v => v.$type === 'spiffworkflow:Properties').properties"
        "   .find(p => p.name === 'formJsonSchemaFilename');"
        " m.get('modeling').updateModdleProperties(task, property,"
        "   { value: 'missing.schema.json' }); }"
    )
    validate(page)
    problems = page.locator("#modeller-problems-list li")
    texts = problems.all_inner_texts()
    assert any("missing.schema.json" in t for t in texts), texts
    assert any("wait_effects" in t for t in texts), texts
    assert any("screening_desicion" in t and "Avslås" in t for t in texts), texts
    marked = (page.locator("#modeller-problems").get_attribute("data-marked") or "").split()
    assert "decide_reservation" in marked, marked
    expect(
        page.locator('g.djs-element.sif-problem[data-element-id="decide_reservation"]')
    ).to_have_count(1)
    expect(page.locator(".sif-problem-badge").first).to_be_visible()
    page.screenshot(path=str(picture_folder(tmp_path) / "modeller-errors.png"))
    pages.assert_accessible(page)

    # Clicking the timer's entry opens its file and selects it.
    problems.filter(has_text="wait_effects").first.get_by_role("button").click()
    expect(page.locator("[data-modeller]")).to_have_attribute("data-file", f"{PROCESS}.bpmn")
    expect(page.locator('g.djs-element.sif-problem[data-element-id="wait_effects"]')).to_have_count(
        1
    )
    expect(page.locator(".bio-properties-panel-header-label")).to_have_text("Vänta ett år")

    deploy(page, "ska inte gå")
    expect(page.locator("#modeller-status")).to_contain_text("driftsattes inte")
    assert engine.find_definition(sif.rt, PROCESS).version == before


def test_the_modeller_passes_axe(page: Page, sif: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page)
    select(page, "submit_idea")
    pages.assert_accessible(page)
    validate(page)
    pages.assert_accessible(page)


def test_the_toolbar_the_problem_list_and_the_deploy_dialog_work_from_the_keyboard(
    page: Page, sif: LiveSif
) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page, "reservation_decision")
    keyboard = pages.Keyboard(page)
    keyboard.tab_to('[data-action="save"]')
    keyboard.press("Enter")
    expect(page.locator("#modeller-status")).to_have_text("Utkastet är sparat.")

    # Any named element is reached from the "Gå till" list; the panel shows it.
    page.locator("#modeller-file").focus()
    keyboard.tab_to("#modeller-element")
    keyboard.press("ArrowDown")
    chosen = page.locator("#modeller-element").input_value()
    assert chosen
    expect(page.locator("#bio-properties-panel-id")).to_have_value(chosen)

    # A lane without its role, then validation from the keyboard.
    select(page, "lane_board_secretary")
    checkbox = page.locator("#modeller-properties").get_by_label("Nämndsekreterare", exact=True)
    checkbox.focus()
    keyboard.press("Space")
    expect(checkbox).not_to_be_checked()
    page.locator("#modeller-file").focus()
    keyboard.tab_to('[data-action="validate"]')
    keyboard.press("Enter")
    entry = page.locator("#modeller-problems-list button").first
    expect(entry).to_be_visible()
    # From the list to the element: Enter selects it and moves to its properties.
    keyboard.tab_to("#modeller-problems-list button")
    keyboard.press("Enter")
    expect(page.locator("#modeller-properties")).to_be_focused()
    expect(page.locator(".bio-properties-panel-header-label")).to_have_text(
        "KS beslut om reservationen"
    )

    # The deploy dialog opens on Enter with the focus in it, and Escape closes it.
    page.locator("#modeller-file").focus()
    keyboard.tab_to('[data-action="deploy"]')
    keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Driftsätt en ny version")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Vad ändras?")).to_be_focused()
    keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator('[data-action="deploy"]')).to_be_focused()
    assert keyboard.unseen == [], keyboard.unseen


def _exported(page: Page) -> etree._Element:
    xml = page.evaluate("() => window.sifModeller.exportXML()")
    return etree.fromstring(xml.encode())


def _element(root: etree._Element, element_id: str) -> etree._Element:
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return found


def _properties(el: etree._Element) -> dict[str, str]:
    return {
        str(p.get("name")): str(p.get("value"))
        for p in el.iterfind(f"./{{{BPMN_NS}}}extensionElements//{{{SPIFF_NS}}}property")
    }


def test_sifs_groups_write_what_sif_reads_and_the_result_validates(
    page: Page, sif: LiveSif
) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page)
    panel = page.locator("#modeller-properties")

    select(page, "scientific_review")
    panel.get_by_label("Samordnare", exact=True).check()
    type_into(page, panel.get_by_label("Förfallodag", exact=True), '"P21D"')
    panel.get_by_label("Skede", exact=True).select_option(label="Granskning")

    select(page, "book_grant")
    type_into(page, panel.get_by_label("Resultatvariabel", exact=True), "grant_booking")
    parameters = panel.locator('[data-group-id="group-sif-parameters"]')
    parameters.get_by_role("button", name="Lägg till").click()
    value = panel.locator(f"#bio-properties-panel-sif-parameter-{BOOK_GRANT_PARAMETERS}-value")
    type_into(page, value, "project['title']")

    select(page, "recommend_screening")
    panel.get_by_label("Beslutstabell", exact=True).select_option("evaluation_outcome")

    # Multi-instance as SpiffWorkflow runs it: the collection and each instance's variable.
    select(page, "board_consent")
    expect(panel.get_by_label("Samling att gå igenom", exact=True)).to_have_value("consent_boards")
    expect(panel.get_by_label("Samling för resultaten", exact=True)).to_have_value("consents")
    item = panel.get_by_label("Variabel för varje instans", exact=True)
    expect(item).to_have_value("consent_board")
    type_into(page, item, "board_to_ask")
    loop = _element(_exported(page), "board_consent").find(
        f"./{{{BPMN_NS}}}multiInstanceLoopCharacteristics/{{{BPMN_NS}}}inputDataItem"
    )
    assert loop is not None and (loop.get("id"), loop.get("name")) == ("board_to_ask",) * 2
    type_into(page, item, "consent_board")

    root = _exported(page)
    review = _element(root, "scientific_review")
    assert review.get(f"{{{CAMUNDA_NS}}}candidateGroups") == "coordinator"
    props = _properties(review)
    assert (props["dueDate"], props["stage"]) == ('"P21D"', "under_review")
    operator = _element(root, "book_grant").find(f".//{{{SPIFF_NS}}}serviceTaskOperator")
    assert operator is not None and operator.get("resultVariable") == "grant_booking"
    params = [(p.get("id"), p.get("value")) for p in operator.iter(f"{{{SPIFF_NS}}}parameter")]
    added = BOOK_GRANT_PARAMETERS + 1
    assert params[-1] == (f"parameter_{added}", "project['title']") and len(params) == added
    decision = _element(root, "recommend_screening").find(f".//{{{SPIFF_NS}}}calledDecisionId")
    assert decision is not None and decision.text == "evaluation_outcome"

    validate(page)
    texts = page.locator("#modeller-problems-list li").all_inner_texts()
    # Sif reads the new result variable: what read the old one is now unknown (and said so).
    assert texts and all("grant" in t for t in texts), texts


def test_going_to_the_forms_keeps_the_changes_in_the_draft(page: Page, sif: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page, "reservation_decision")
    select(page, "decide_reservation")
    name = page.locator("#modeller-properties").get_by_label("Namn", exact=True)
    type_into(page, name, "KS beslutar om reservationen")
    page.get_by_role("navigation", name="Delar av processpaketet").get_by_role(
        "link", name="Formulär"
    ).click()
    page.wait_for_url("**/modellera/reservation_decision/formular")
    draft = engine.process_draft(sif.rt, OWNER, "reservation_decision")
    assert draft is not None
    assert b'name="KS beslutar om reservationen"' in draft.files["reservation_decision.bpmn"]
    open_modeller(page, "reservation_decision")
    expect(page.locator("#modeller-draft-status")).to_contain_text("Utkast sparat")
    engine.discard_process_draft(sif.rt, OWNER, "reservation_decision")


def test_leaving_with_unsaved_changes_asks_first(page: Page) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page)
    select(page, "scientific_review")
    name = page.locator("#modeller-properties").get_by_label("Namn", exact=True)
    type_into(page, name, "Granskning som ännu inte är sparad")
    breadcrumbs = page.get_by_role("navigation", name="Du är här")
    assert_leaving_asks_first(page, breadcrumbs.get_by_role("link", name="Processer"))
    assert page.evaluate("() => window.sifModeller.changes") > 0


def test_an_answer_that_is_not_sifs_is_said_in_swedish(page: Page) -> None:
    pages.sign_in(page, OWNER)
    open_modeller(page)
    # A proxy in between refuses a large bundle with its own (English, HTML) error page.
    page.route(
        f"**/modellera/{PROCESS}/validera",
        lambda route: route.fulfill(
            status=413, content_type="text/html", body="<h1>413 Request Entity Too Large</h1>"
        ),
    )
    validate(page)
    expect(page.locator("#modeller-status")).to_have_text("Servern kunde inte nås. Försök igen.")
