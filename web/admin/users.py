"""The pages of user administration. Administrators and auditors read them; only an
administrator's POST changes anything, and each change is one audited engine call followed by
a redirect and a Swedish flash message. A refused change shows the page again, with what was
entered kept (never a password) and the reason at the field."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

import engine
from engine import AccountQuery, Conflict, ValidationFailed
from web.access import admin_required, may_administer, overseer_required
from web.admin import bp
from web.admin.forms import (
    EmailForm,
    NewUserForm,
    PasswordForm,
    RolesForm,
    form_errors,
    role_groups,
    show_errors,
)
from web.admin.history import describe
from web.context import me, runtime
from web.roles import ROLE_NAMES, role_name

PAGE_SIZE = 25
STATES = {"aktiva": True, "inaktiverade": False}


def account_query(args: dict[str, str]) -> AccountQuery:
    """The list a URL asks for; unknown values fall back to showing everyone."""
    try:
        page = max(int(args.get("sida", "1")), 1)
    except ValueError:
        page = 1
    role = args.get("roll", "")
    return AccountQuery(
        role=role if role in ROLE_NAMES else "",
        active=STATES.get(args.get("status", "")),
        search=args.get("sok", "")[:80],
        page=page,
        page_size=PAGE_SIZE,
    )


@bp.route("/admin/anvandare")
@overseer_required
def users() -> ResponseReturnValue:
    args = {k: v for k, v in request.args.items() if v and k != "sida"}
    page = engine.list_accounts(runtime(), account_query(request.args.to_dict()))
    roles = sorted(ROLE_NAMES, key=role_name)
    return render_template(
        "admin/users.html", page=page, args=args, roles=roles, now=datetime.now(UTC),
        may_act=may_administer(),
    )  # fmt: skip


@bp.route("/admin/anvandare/ny", methods=["GET", "POST"])
@admin_required
def new_user() -> ResponseReturnValue:
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            added = engine.create_user(
                runtime(), me().name, form.name.data, form.display_name.data,
                form.roles.data or [], form.password.data, known_roles=ROLE_NAMES,
            )  # fmt: skip
        except ValidationFailed as refused:
            show_errors(form, refused.errors)
        else:
            said = gettext("%(person)s (%(name)s) är tillagd och kan logga in.",
                           person=added.display_name, name=added.name)  # fmt: skip
            flash(said, "success")
            return redirect(url_for("admin.user", name=added.name))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/new_user.html", form=form, errors=form_errors(form), groups=role_groups()
    ), status


@bp.route("/admin/anvandare/<name>")
@overseer_required
def user(name: str) -> ResponseReturnValue:
    return _user_page(name)


@bp.route("/admin/anvandare/<name>/roller", methods=["POST"])
@admin_required
def change_roles(name: str) -> ResponseReturnValue:
    current = engine.get_user(runtime(), name)  # NotFound: 404 before anything is read
    form = RolesForm()
    if not form.validate_on_submit():
        return _user_page(name, roles_form=form, status=422)
    outside = current.roles - ROLE_NAMES.keys()  # roles Sif has no name for stay as they are
    wanted = set(form.roles.data or []) | outside
    try:
        changed = engine.set_roles(runtime(), me().name, name, wanted, known_roles=ROLE_NAMES)
    except ValidationFailed as refused:
        show_errors(form, refused.errors)
        return _user_page(name, roles_form=form, status=422)
    except Conflict as refused:
        return _user_page(name, roles_form=form, problem=refused.message, status=409)
    if changed.roles == current.roles:
        flash(gettext("Inget ändrades: %(person)s hade redan de rollerna.",
                      person=changed.display_name), "info")  # fmt: skip
    else:
        flash(gettext("Rollerna för %(person)s är ändrade och gäller från nästa sidvisning.",
                      person=changed.display_name), "success")  # fmt: skip
    return redirect(url_for("admin.user", name=name))


@bp.route("/admin/anvandare/<name>/inaktivera", methods=["GET", "POST"])
@admin_required
def deactivate(name: str) -> ResponseReturnValue:
    account = engine.get_account(runtime(), name)
    if request.method == "GET":
        return render_template("admin/deactivate.html", account=account)
    try:
        engine.deactivate_user(runtime(), me().name, name)
    except Conflict as refused:
        return _user_page(name, problem=refused.message, status=409)
    flash(gettext("%(person)s är inaktiverad och kan inte längre logga in.",
                  person=account.display_name), "success")  # fmt: skip
    return redirect(url_for("admin.user", name=name))


@bp.route("/admin/anvandare/<name>/aktivera", methods=["POST"])
@admin_required
def reactivate(name: str) -> ResponseReturnValue:
    try:
        again = engine.reactivate_user(runtime(), me().name, name)
    except Conflict as refused:
        return _user_page(name, problem=refused.message, status=409)
    flash(gettext("%(person)s kan logga in igen.", person=again.display_name), "success")
    return redirect(url_for("admin.user", name=name))


@bp.route("/admin/anvandare/<name>/losenord", methods=["POST"])
@admin_required
def reset_password(name: str) -> ResponseReturnValue:
    account = engine.get_user(runtime(), name)
    form = PasswordForm()
    if not form.validate_on_submit():
        return _user_page(name, password_form=form, status=422)
    try:
        engine.reset_password(runtime(), me().name, name, form.password.data)
    except ValidationFailed as refused:
        show_errors(form, refused.errors)
        return _user_page(name, password_form=form, status=422)
    said = gettext("%(person)s har fått ett nytt lösenord. Lämna det till personen på ett säkert "
                   "sätt.", person=account.display_name)  # fmt: skip
    flash(said, "success")
    return redirect(url_for("admin.user", name=name))


@bp.route("/admin/anvandare/<name>/epost", methods=["POST"])
@admin_required
def change_email(name: str) -> ResponseReturnValue:
    engine.get_user(runtime(), name)  # NotFound: 404 before anything is read
    form = EmailForm()
    if not form.validate_on_submit():
        return _user_page(name, email_form=form, status=422)
    try:
        changed = engine.set_email(runtime(), me().name, name, form.email.data or "")
    except ValidationFailed as refused:
        show_errors(form, refused.errors)
        return _user_page(name, email_form=form, status=422)
    if changed.email:
        said = gettext("Aviseringar till %(person)s skickas till %(email)s.",
                       person=changed.display_name, email=changed.email)  # fmt: skip
    else:
        said = gettext("%(person)s har ingen e-postadress och läser aviseringarna i Sif.",
                       person=changed.display_name)  # fmt: skip
    flash(said, "success")
    return redirect(url_for("admin.user", name=name))


def _user_page(
    name: str,
    roles_form: RolesForm | None = None,
    password_form: PasswordForm | None = None,
    problem: str = "",
    status: int = 200,
    email_form: EmailForm | None = None,
) -> ResponseReturnValue:
    """One user's page; the form that was posted (if any) comes back with its errors, the
    other forms fresh (``formdata=None``: never filled from another form's POST)."""
    rt = runtime()
    account = engine.get_account(rt, name)
    known = sorted(account.roles & ROLE_NAMES.keys())
    roles_form = roles_form or RolesForm(formdata=None, data={"roles": known})
    password_form = password_form or PasswordForm(formdata=None)
    email_form = email_form or EmailForm(formdata=None, data={"email": account.email or ""})
    history = [(event, describe(event)) for event in engine.user_history(rt, name)]
    errors = form_errors(roles_form) + form_errors(email_form) + form_errors(password_form)
    return render_template(
        "admin/user.html", account=account, roles_form=roles_form, password_form=password_form,
        email_form=email_form,
        errors=errors, problem=problem, history=history, groups=role_groups(),
        now=datetime.now(UTC), may_act=may_administer(), is_me=account.name == me().name,
        other_roles=len(account.roles - ROLE_NAMES.keys()),
    ), status  # fmt: skip
