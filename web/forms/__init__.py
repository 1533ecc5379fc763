"""Forms from JSON Schema: rendered server-side to accessible Swedish HTML, and read back.

The task page, the read-only history and the modeller's preview share this package::

    html = render_form(schema, data, errors)        # the fields; the page adds <form>, buttons
    summary = error_summary(schema, errors)         # links to each erroneous field (WCAG 3.3.1)
    data = parse_submission(schema, request.form)   # back to the JSON the schema describes
    action = request.form.get(ACTION_FIELD)         # "add:plan" / "remove:plan.2" without JS
    if action: data = apply_action(schema, data, action)   # then show the form again
    answers = render_readonly(schema, data)         # an earlier step's answers, labelled

Field names are the dotted paths of ``engine.errors.FieldError.path`` (``plan.0.amount``);
ids are ``field-plan-0-amount``. The CSS is ``web/static/css/forms.css`` and the script
``web/static/js/forms.js`` (row buttons in place, conditional fields shown and hidden).
"""

from web.forms.actions import apply_action
from web.forms.display import render_readonly
from web.forms.parse import parse_submission
from web.forms.paths import ACTION_FIELD, field_id
from web.forms.render import render_form
from web.forms.summary import error_summary

__all__ = [
    "ACTION_FIELD",
    "apply_action",
    "error_summary",
    "field_id",
    "parse_submission",
    "render_form",
    "render_readonly",
]
