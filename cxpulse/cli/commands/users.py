"""``cxpulse users`` and ``cxpulse tokens``: who may use the workspace and the REST API."""

from __future__ import annotations

import sys

import click

from cxpulse.app import auth, users
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json, table

__all__ = ["tokens", "users_group"]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("password", hide_input=True, confirmation_prompt=True, err=True))


@click.group("users")
def users_group() -> None:
    """Manage the people who may log in to the workspace (`cxpulse serve`).

    \b
    Roles: viewer (reads), agent (also triages and corrects labels),
    admin (also manages users). Passwords are stored as argon2 hashes.
    """


@users_group.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(users.ROLES), default="agent", show_default=True, help="What the user may do."
)
@click.option("--name", "display_name", default=None, help="The name shown in the workspace.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of a prompt."
)
@pass_app
def add(app: AppContext, username: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Add a user; asks for the password (never give it as an argument)."""
    store = app.store()
    user = users.add_user(store, username, _read_password(password_stdin), role=role, display_name=display_name)
    app.out.print(f"user {user.username} added ({user.role})", markup=False)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print users as a JSON array.")
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List users with their roles and whether they are disabled."""
    found = users.list_users(app.store())
    if as_json:
        print_json(
            app.out,
            [{"username": u.username, "name": u.display_name, "role": u.role, "disabled": u.disabled} for u in found],
        )
        return
    rows = [(u.username, u.display_name or "", u.role, "disabled" if u.disabled else "") for u in found]
    app.out.print(table(None, ["username", "name", "role", "state"], rows))


@users_group.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the user again instead.")
@pass_app
def disable(app: AppContext, username: str, enable: bool) -> None:
    """Disable a user: they cannot log in, their sessions end and their API tokens stop working."""
    user = users.disable_user(app.store(), username, disabled=not enable)
    app.out.print(f"user {user.username} {'disabled' if user.disabled else 'enabled'}", markup=False)


@users_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(users.ROLES))
@pass_app
def set_role(app: AppContext, username: str, role: str) -> None:
    """Give a user another role (viewer, agent or admin)."""
    user = users.set_role(app.store(), username, role)
    app.out.print(f"user {user.username} is now {user.role}", markup=False)


@users_group.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of a prompt."
)
@pass_app
def set_password(app: AppContext, username: str, password_stdin: bool) -> None:
    """Give a user a new password; their sessions end."""
    user = users.set_password(app.store(), username, _read_password(password_stdin))
    app.out.print(f"password of {user.username} changed", markup=False)


@click.group()
def tokens() -> None:
    """Manage API tokens for scripts (REST API under /api/v1, `Authorization: Bearer TOKEN`).

    A token acts as its user, with the user's role. Only its SHA-256 is stored:
    the token is printed once, when it is created.
    """


@tokens.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What uses the token, e.g. nightly-export.")
@pass_app
def create(app: AppContext, username: str, name: str) -> None:
    """Create a token for USERNAME and print it (once) on stdout."""
    token, record = auth.create_token(app.store(), username, name)
    app.err.print(
        f"token {record.prefix}… ({record.name}) for {record.username}; store it now, it is not shown again",
        markup=False,
    )
    app.out.print(token, markup=False)


@tokens.command("list")
@click.option("--user", "username", default=None, help="Only this user's tokens.")
@click.option("--json", "as_json", is_flag=True, help="Print tokens as a JSON array.")
@pass_app
def list_tokens(app: AppContext, username: str | None, as_json: bool) -> None:
    """List tokens (never the tokens themselves: their prefix, name, user and dates)."""
    found = auth.list_tokens(app.store(), username)
    if as_json:
        print_json(app.out, found)
        return
    rows = [
        (t.id, t.prefix + "…", t.name, t.username, t.created_at, t.last_used_at or "", t.revoked_at or "")
        for t in found
    ]
    app.out.print(table(None, ["id", "prefix", "name", "user", "created", "last used", "revoked"], rows))


@tokens.command("revoke")
@click.argument("token_id")
@pass_app
def revoke(app: AppContext, token_id: str) -> None:
    """Revoke the token with this id or prefix (see `cxpulse tokens list`)."""
    record = auth.revoke_token(app.store(), token_id)
    app.out.print(f"token {record.prefix}… ({record.name}) of {record.username} revoked", markup=False)
