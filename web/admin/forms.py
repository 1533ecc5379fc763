"""The forms of user administration (Flask-WTF, so each carries its CSRF token) and the role
catalogue as the forms group it: every role of ``web.roles.ROLE_NAMES``, by what people do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from engine import FieldError
from engine.useradmin import DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, USER_NAME
from web.roles import ROLE_NAMES, role_name

#: The roles in the order and groups the check boxes show them (DOMAIN §2.1).
ROLE_GROUPS: tuple[tuple[LazyString, tuple[str, ...]], ...] = (
    (_("Administration av Sif"), ("admin", "auditor", "process_owner")),
    (_("Ansökan och projekt"), (
        "applicant", "applicant_board", "affected_board", "admin_head", "ops_head",
        "steering_group", "project_leader", "project_member", "partner",
    )),
    (_("Beredning och beslut"), (
        "coordinator", "council", "council_chair", "council_member", "scientific_reviewer",
        "city_director", "finance_director", "committee", "ks", "kf", "board_secretary",
    )),
    (_("Ekonomi och utvärdering"), (
        "economist", "external_evaluator", "central_economist", "admin_economist",
        "statistician", "planner",
    )),
)  # fmt: skip
#: Names the new-user form cannot take: they are addresses of pages under /admin/anvandare/.
RESERVED_NAMES = frozenset({"ny"})


def role_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group name, [(role id, role name)]) for the check boxes; a role of the catalogue that
    no group lists lands in 'Övriga roller', so every role can be given."""
    grouped = {role for _, roles in ROLE_GROUPS for role in roles}
    groups = [(str(title), [(r, role_name(r)) for r in roles if r in ROLE_NAMES])
              for title, roles in ROLE_GROUPS]  # fmt: skip
    rest = sorted((r for r in ROLE_NAMES if r not in grouped), key=role_name)
    if rest:
        groups.append((str(_("Övriga roller")), [(r, role_name(r)) for r in rest]))
    return groups


class RoleChoices(SelectMultipleField):  # type: ignore[misc]
    """Check boxes of roles (the template draws them, grouped); a role not in the catalogue is
    refused in Swedish rather than with WTForms' English message. No ``choices``: the
    catalogue is ``ROLE_NAMES``, checked here."""

    def pre_validate(self, form: Any) -> None:
        if unknown := [r for r in self.data or [] if r not in ROLE_NAMES]:
            raise ValidationError(_("Rollen finns inte: %(roles)s.", roles=", ".join(unknown)))


def _password_fields() -> tuple[PasswordField, PasswordField]:
    length = _("Lösenordet måste vara %(min)d–%(max)d tecken.", min=PASSWORD_MIN, max=PASSWORD_MAX)
    password = PasswordField(_("Lösenord"), validators=[
        DataRequired(_("Ange ett lösenord.")), Length(PASSWORD_MIN, PASSWORD_MAX, length),
    ])  # fmt: skip
    again = PasswordField(_("Samma lösenord igen"), validators=[
        DataRequired(_("Skriv lösenordet en gång till.")),
        EqualTo("password", _("Lösenorden är inte lika. Skriv samma lösenord i båda fälten.")),
    ])  # fmt: skip
    return password, again


class NewUserForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_("Användarnamn"), validators=[
        DataRequired(_("Ange ett användarnamn.")),
        Length(max=80, message=_("Användarnamnet får vara högst 80 tecken.")),
    ])  # fmt: skip
    display_name = StringField(_("Namn"), validators=[
        DataRequired(_("Ange personens namn.")),
        Length(max=DISPLAY_NAME_MAX, message=_("Namnet får vara högst %(max)d tecken.",
                                               max=DISPLAY_NAME_MAX)),
    ])  # fmt: skip
    roles = RoleChoices(_("Roller"))
    password, password_again = _password_fields()

    def validate_name(self, field: Field) -> None:
        name = (field.data or "").strip()
        if not USER_NAME.fullmatch(name):
            raise ValidationError(_("Användarnamnet får bara innehålla små bokstäver a–z, "
                                    "siffror, punkt och bindestreck."))  # fmt: skip
        if name in RESERVED_NAMES:
            raise ValidationError(_("Användarnamnet är reserverat. Välj ett annat."))


class RolesForm(FlaskForm):  # type: ignore[misc]
    roles = RoleChoices(_("Roller"))


class PasswordForm(FlaskForm):  # type: ignore[misc]
    password, password_again = _password_fields()


class EmailForm(FlaskForm):  # type: ignore[misc]
    """The address notifications are mailed to; empty removes it (the engine checks it)."""

    email = EmailField(_("E-postadress"), validators=[
        Length(max=254, message=_("E-postadressen får vara högst 254 tecken.")),
    ])  # fmt: skip


def show_errors(form: FlaskForm, errors: Iterable[FieldError]) -> None:
    """Put the engine's refusals at the form's fields; one without a field goes to the form."""
    for error in errors:
        field = form._fields.get(error.path) if error.path else None
        if field is None:
            form.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]


def form_errors(form: FlaskForm) -> list[tuple[str, str]]:
    """(field id, 'Label: message') for the error summary at the top of the page; the id is
    empty for an error of the whole form."""
    found = [(field.id, f"{field.label.text}: {message}") for field in form
             if field.name != "csrf_token" for message in field.errors]  # fmt: skip
    return found + [("", str(message)) for message in form.form_errors]
