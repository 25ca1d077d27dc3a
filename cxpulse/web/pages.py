"""The workspace's pages: login, the inbox, a mention's detail, triage and label corrections, users.

Each handler parses the request, calls one or two ``cxpulse.app`` functions and
renders a template; every POST checks the CSRF token (:func:`csrf_session`) and
answers with a redirect (post/redirect/get), so reloading never repeats an action.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cxpulse.app import auth, feedback, overview, saved_searches, triage, users, workspace
from cxpulse.app.auth import Session
from cxpulse.app.sla import sla_state
from cxpulse.app.triage import TriageChange
from cxpulse.web.params import LIST_PARAMS, SearchParams, from_query
from cxpulse.web.render import templates
from cxpulse.web.security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_login_csrf,
    csrf_session,
    page_session,
    set_cookie,
)
from cxpulse.web.state import WorkspaceState, workspace_state
from foundation.errors import AccessError, InputError, LoginThrottled, QueryError
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS

__all__ = ["render_error", "router"]

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
ORDER_LABELS = {
    "relevance": "best match",
    "newest": "newest",
    "oldest": "oldest",
    "priority": "priority",
    "due": "SLA due",
}
"""How the inbox's order menu names each of ``workspace.ORDERS``."""
State = Depends(workspace_state)
LoggedIn = Depends(page_session)
Posted = Depends(csrf_session)


def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    session: Session | None = context.get("session")
    state: WorkspaceState = request.app.state.workspace
    now = state.store.now()
    base = {
        "sla": lambda item: sla_state(item, state.sla, now),
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else "",
        "statuses": triage.STATUSES,
        "priorities": triage.PRIORITIES,
    }
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    session = None
    try:
        session = auth.resolve_session(request.app.state.workspace.store, request.cookies.get(SESSION_COOKIE, ""))
    except Exception:
        session = None
    return render(request, "error.html", {"session": session, "status": status, "message": message}, status=status)


# --- login --------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, state: WorkspaceState = State) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"login_csrf": token, "error": None})
    set_cookie(response, state, LOGIN_CSRF_COOKIE, token, max_age=3600, samesite="strict")
    return response


@router.post("/login", response_class=HTMLResponse)
def log_in(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    state: WorkspaceState = State,
) -> Response:
    check_login_csrf(request, csrf_token)
    client = request.client.host if request.client else "unknown"
    try:
        session = auth.log_in(state.store, username, password, throttle=state.throttle, client=client)
    except AccessError as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        response = render(
            request, "login.html", {"login_csrf": csrf_token, "error": str(exc), "username": username}, status=status
        )
        if isinstance(exc, LoginThrottled):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    redirect = RedirectResponse("/", status_code=303)
    set_cookie(redirect, state, SESSION_COOKIE, session.token, max_age=int(auth.SESSION_LIFETIME.total_seconds()))
    redirect.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return redirect


@router.post("/logout")
def log_out(request: Request, session: Session = Posted, state: WorkspaceState = State) -> Response:
    auth.end_session(state.store, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- inbox --------------------------------------------------------------------------------


def _agents(state: WorkspaceState) -> list[users.User]:
    return [u for u in users.list_users(state.store) if u.can("agent") and not u.disabled]


INLINE_COUNTS = "inline"
"""``?counts=inline``: the inbox counts per filter value in the page itself (for browsers
without JavaScript; others fetch them from ``/filters`` once the page shows)."""


@router.get("/", response_class=HTMLResponse)
def inbox(request: Request, session: Session = LoggedIn, state: WorkspaceState = State) -> Response:
    """The results at once; the counts per filter value, which read every match (1.3 s for
    the default view of a million mentions, against 0.25 s for the page), follow from
    :func:`filters`."""
    params, error = _search_params(request)
    try:
        offset = max(int(request.query_params.get("offset", "0") or 0), 0)
    except ValueError:
        offset = 0
    inline = request.query_params.get("counts") == INLINE_COUNTS
    page = None
    try:
        page = workspace.inbox(
            state.store,
            params.q,
            params.filters(state.model_version),
            order=params.order,
            sla=state.sla,
            limit=PAGE_SIZE,
            offset=offset,
            counts=workspace.COUNTED if inline else (),
        )
    except (QueryError, InputError) as exc:
        error = f"The search could not be read: {exc}"
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    if "f" not in request.query_params:
        kept = [("f", "1"), ("flagged", "yes"), *[("status", s) for s in workspace.OPEN_STATUSES], *kept]
    query = request.url.query
    counted = page is not None and inline
    return render(
        request,
        "inbox.html",
        {
            **_filters_context(request, session, state, params, page.counts if counted and page else None),
            "page": page,
            "error": error,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "base_query": urlencode(kept),
            "list_params": LIST_PARAMS,
            "saved": saved_searches.list_searches(state.store, session.user),
            "orders": workspace.ORDERS,
            "order_labels": ORDER_LABELS,
            "return_to": str(request.url.path) + ("?" + query if query else ""),
            "counts_url": None if counted or page is None else "/filters" + ("?" + query if query else ""),
            "inline_counts_url": "/?" + urlencode([*request.query_params.multi_items(), ("counts", INLINE_COUNTS)]),
        },
    )


@router.get("/filters", response_class=HTMLResponse)
def filters(request: Request, session: Session = LoggedIn, state: WorkspaceState = State) -> Response:
    """The inbox's filters for the same query string, each value with its count of matches:
    the fragment that app.js puts in place of the inbox's uncounted filters."""
    params, _ = _search_params(request)
    counts: dict[str, dict[str | None, int]] | None
    try:
        counts = workspace.filter_counts(state.store, params.q, params.filters(state.model_version))
    except (QueryError, InputError):
        counts = None  # the inbox page says what is wrong with the search
    return render(request, "_filters.html", {**_filters_context(request, session, state, params, counts)})


def _search_params(request: Request) -> tuple[SearchParams, str | None]:
    """The inbox's search from the query string, or the default view and the reason it is unreadable."""
    try:
        return from_query(request.query_params), None
    except InputError as exc:
        return from_query(request.query_params.__class__("")), str(exc)


def _filters_context(
    request: Request,
    session: Session,
    state: WorkspaceState,
    params: SearchParams,
    counts: dict[str, dict[str | None, int]] | None,
) -> dict[str, Any]:
    """What ``_filters.html`` reads; ``count_of(name)`` is None while the counts are not known."""
    return {
        "session": session,
        "params": params,
        "agents": _agents(state),
        "raw": request.query_params,
        "count_of": lambda name: None if counts is None else counts.get(name, {}),
        "counts_url": None,
    }


def _local(path: str) -> str:
    """Only redirect within the workspace."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


@router.post("/triage/bulk")
async def bulk_triage(
    request: Request,
    session: Session = Posted,
    state: WorkspaceState = State,
) -> Response:
    form = await request.form()
    ids = [int(v) for v in form.getlist("ids") if isinstance(v, str) and v.isdigit()]
    change = _change(form)
    triage.update_triage(state.store, session.user, ids, change)
    back = form.get("return_to")
    return RedirectResponse(_local(back if isinstance(back, str) else "/"), status_code=303)


def _field(form: Any, name: str) -> str | None:
    value = form.get(name)
    if not isinstance(value, str) or value == "":
        return None
    return value


def _change(form: Any) -> TriageChange:
    assignee = form.get("assignee")
    tags = _field(form, "tags")
    return TriageChange(
        status=_field(form, "status"),
        assignee=None if not isinstance(assignee, str) or assignee == "*" else assignee,
        priority=_field(form, "priority"),
        tags=tuple(t.strip() for t in tags.split(",") if t.strip()) if tags is not None else None,
        note=_field(form, "note"),
    )


# --- a mention ----------------------------------------------------------------------------


@router.get("/mentions/{mention_id}", response_class=HTMLResponse)
def mention(request: Request, mention_id: int, session: Session = LoggedIn, state: WorkspaceState = State) -> Response:
    detail = workspace.mention_detail(state.store, mention_id, model_version=state.model_version)
    return render(
        request,
        "mention.html",
        {
            "session": session,
            "d": detail,
            "agents": _agents(state),
            "sentiments": SENTIMENTS,
            "gaps": GAPS,
            "emotions": EMOTIONS,
            "feedback_fields": feedback.FEEDBACK_FIELDS,
        },
    )


@router.post("/mentions/{mention_id}/triage")
async def triage_mention(
    request: Request, mention_id: int, session: Session = Posted, state: WorkspaceState = State
) -> Response:
    form = await request.form()
    change = _change(form)
    if form.get("clear_tags") == "1" and change.tags is None:
        change = TriageChange(change.status, change.assignee, change.priority, (), change.note)
    triage.update_triage(state.store, session.user, [mention_id], change)
    return RedirectResponse(f"/mentions/{mention_id}", status_code=303)


@router.post("/mentions/{mention_id}/feedback")
def correct(
    request: Request,
    mention_id: int,
    field: str = Form(...),
    value: str = Form(...),
    note: str = Form(""),
    session: Session = Posted,
    state: WorkspaceState = State,
) -> Response:
    feedback.correct_label(
        state.store, session.user, mention_id, field, value, model_version=state.model_version, note=note
    )
    return RedirectResponse(f"/mentions/{mention_id}#feedback", status_code=303)


@router.post("/searches")
def save_search(
    request: Request,
    name: str = Form(...),
    query: str = Form(""),
    shared: str = Form(""),
    session: Session = Posted,
    state: WorkspaceState = State,
) -> Response:
    saved = saved_searches.save_search(state.store, session.user, name, query, shared=shared == "1")
    return RedirectResponse("/?" + saved.query if saved.query else "/", status_code=303)


@router.post("/searches/{search_id}/delete")
def delete_search(
    request: Request, search_id: int, session: Session = Posted, state: WorkspaceState = State
) -> Response:
    saved_searches.delete_search(state.store, session.user, search_id)
    return RedirectResponse("/", status_code=303)


# --- overview -----------------------------------------------------------------------------


@router.get("/overview", response_class=HTMLResponse)
def overview_page(request: Request, session: Session = LoggedIn, state: WorkspaceState = State) -> Response:
    found = overview.overview(state.store, days=30, model_version=state.model_version, sla=state.sla)
    return render(request, "overview.html", {"session": session, "o": found})


# --- users (admins) -----------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def user_list(request: Request, session: Session = LoggedIn, state: WorkspaceState = State) -> Response:
    users.require_role(session.user, "admin", "manage users")
    return render(
        request, "users.html", {"session": session, "users": users.list_users(state.store), "roles": users.ROLES}
    )


@router.post("/admin/users")
def user_add(
    request: Request,
    username: str = Form(...),
    password: str = Form(...),
    role: str = Form("agent"),
    display_name: str = Form(""),
    session: Session = Posted,
    state: WorkspaceState = State,
) -> Response:
    users.require_role(session.user, "admin", "manage users")
    users.add_user(state.store, username, password, role=role, display_name=display_name or None)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}")
def user_change(
    request: Request,
    username: str,
    role: str = Form(""),
    action: str = Form(""),
    session: Session = Posted,
    state: WorkspaceState = State,
) -> Response:
    users.require_role(session.user, "admin", "manage users")
    if role:
        users.set_role(state.store, username, role)
    if action in ("disable", "enable"):
        if username == session.user.username:
            raise InputError("you cannot disable yourself; ask another admin")
        users.disable_user(state.store, username, disabled=action == "disable")
    return RedirectResponse("/admin/users", status_code=303)
