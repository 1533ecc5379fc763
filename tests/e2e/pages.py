"""What the browser tests do on Sif's pages, in the words of the person at the keyboard.

Form fields are found by the name the form posts (the JSON Schema key, ``rows.0.code`` in a
row), buttons and links by their accessible names — what a screen reader would announce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Locator, Page

AXE_SCRIPT = "/static/vendor/axe-core/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COMPLETE = "Slutför uppgiften"
SAVE_DRAFT = "Spara utkast"


@dataclass(frozen=True)
class Idea:
    """An applicant's idea as typed into the idea form (``forms/idea.schema.json``)."""

    fields: Mapping[str, str]
    knowledge_base: str  # the label of the chosen radio
    criteria: Sequence[Mapping[str, str]] = field(default_factory=list)
    partners: Sequence[Mapping[str, str]] = field(default_factory=list)
    co_boards: Sequence[str] = field(default_factory=list)


IDEA = Idea(
    fields={
        "title": "Läxhjälp och mentorer i Hovsjö",
        "lead_board": "KFN",
        "lead_administration": "Kultur- och fritidskontoret",
        "contact_person": "nora.falk",
        "need_description": "Många elever i årskurs 7–9 i Hovsjö går ut utan behörighet.",
        "target_group": "Elever i årskurs 7–9 i Hovsjö",
        "target_group_size": "180",
        "intervention_summary": "Läxhjälp tre kvällar i veckan och mentorer från föreningar.",
        "expected_cost_reductions": "Färre placeringar och lägre försörjningsstöd i SN från 2030.",
        "estimated_total_tkr": "2400",
        "estimated_duration_years": "3",
    },
    knowledge_base="Beprövad erfarenhet",
    criteria=[
        {"criterion_code": "K1", "met": "yes", "motivation": "Förebyggande insats."},
        {"criterion_code": "K2", "met": "yes", "motivation": "Minskade kostnader i SN."},
        {"criterion_code": "K3", "met": "partly", "motivation": "Beprövad, inte utvärderad här."},
    ],
    partners=[{"name": "Hovsjö IF", "kind": "non_profit", "role": "Mentorer"}],
    co_boards=["SN"],
)


def sign_in(page: Page, user: str, password: str | None = None) -> None:
    """Sign in as ``user`` with the real sign-in form (demo password = the user name)."""
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill(user)
    page.get_by_label("Lösenord").fill(password or user)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "/logga-in" not in page.url, page.locator("main").inner_text()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in**")


def control(page: Page, name: str) -> Locator:
    """The form control posted as ``name``."""
    return page.locator(f'[name="{name}"]')


def set_value(page: Page, name: str, value: str) -> None:
    target = control(page, name)
    if target.evaluate("e => e.tagName") == "SELECT":
        target.select_option(value)
    else:
        target.fill(value)


def add_row(page: Page, array: str, values: Mapping[str, str] | str) -> int:
    """Press the array's "Lägg till rad" and fill the new row; its index in the posted names."""
    rows = page.locator(f'[data-rows="{array}"]')
    index = int(rows.get_attribute("data-next-index") or "0")
    rows.get_by_role("button", name="Lägg till rad").click()
    if isinstance(values, str):
        set_value(page, f"{array}.{index}", values)
    else:
        for key, value in values.items():
            set_value(page, f"{array}.{index}.{key}", value)
    return index


def fill_idea(page: Page, idea: Idea = IDEA) -> None:
    """Fill the idea form as an applicant would, rows added with the page's own buttons."""
    for name, value in idea.fields.items():
        set_value(page, name, value)
    page.get_by_label(idea.knowledge_base).check()
    page.get_by_label("Inte ordinarie verksamhet eller befintligt projekt").check()
    for board in idea.co_boards:
        add_row(page, "co_boards", board)
    for partner in idea.partners:
        add_row(page, "partners", partner)
    for criterion in idea.criteria:
        add_row(page, "criteria_self_assessment", criterion)


def values_of(page: Page, names: Sequence[str]) -> dict[str, str]:
    return {name: control(page, name).input_value() for name in names}


def row_values(page: Page, array: str) -> list[dict[str, str]]:
    """Every row's values in an array of objects, in page order, keyed by property."""
    found: list[dict[str, str]] = []
    for row in page.locator(f'[data-rows="{array}"] [data-rows-body] > [data-row]').all():
        values: dict[str, str] = {}
        for item in row.locator("input:not([type=hidden]), select, textarea").all():
            name = item.get_attribute("name") or ""
            values[name.rsplit(".", 1)[-1]] = item.input_value()
        found.append(values)
    return found


def list_values(page: Page, array: str) -> list[str]:
    """Every row's value in an array of plain values, in page order."""
    items = page.locator(f'[data-rows="{array}"] [data-rows-body] > [data-row] input')
    return [item.input_value() for item in items.all()]


def flash(page: Page) -> str:
    return page.locator(".flashes").inner_text()


def inbox_row(page: Page, business_key: str) -> Locator:
    return page.locator("table.inbox-table tbody tr").filter(has_text=business_key)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_SCRIPT)  # same origin: the CSP allows it
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("options => window.axe.run(document, options)", options)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: Sequence[Mapping[str, Any]]) -> str:
    """One paragraph per broken rule: rule, impact, what it means and where."""
    lines: list[str] = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            lines.append(f"  at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"    {node['failureSummary'].replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


# Reading where the focus is, and whether it shows, is looking at the screen, not using a mouse.
_FOCUSED_MATCHES = "s => !!document.activeElement && document.activeElement.matches(s)"
# A date field's calendar button (inside the field, so the field itself is not :focus) shows
# Chromium's own focus ring; everything else must show Sif's outline or shadow.
_FOCUS_SHOWN = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  if (e.type === 'date' && !e.matches(':focus')) return '';
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || s.boxShadow !== 'none' ? '' : e.outerHTML.slice(0, 120);
}"""


class Keyboard:
    """The person's keyboard; remembers every focus stop that could not be seen."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unseen: list[str] = []

    def tab_to(self, selector: str, limit: int = 150) -> None:
        """Press Tab until the focus is on ``selector``."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if hidden := self.page.evaluate(_FOCUS_SHOWN):
                self.unseen.append(hidden)
            if self.page.evaluate(_FOCUSED_MATCHES, selector):
                return
        raise AssertionError(f"{limit} presses of Tab never reached {selector}")

    def type_into(self, selector: str, text: str) -> None:
        """Tab to ``selector`` and type ``text`` there."""
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def fill(self, name: str, text: str) -> None:
        """Tab to the form field called ``name`` and type ``text`` there."""
        self.type_into(f'[name="{name}"]', text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def add_row(self, array: str, key: str = "Enter") -> None:
        """Tab to the array's "Lägg till rad" and press it; the new row gets the focus."""
        self.tab_to(f'[data-rows="{array}"] > button[data-form-action="add"]')
        self.press(key)
