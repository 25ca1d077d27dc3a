"""The workspace's use cases on a real store (SQLite and PostgreSQL): users, sessions, tokens,
triage with its history, default priorities, label feedback and the inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from testkit.clock import NOW, FixedClock
from testkit.workspace import MODEL, PASSWORD, seed

from cxpulse.app import auth, feedback, triage, users, workspace
from foundation.errors import AccessError, InputError, LoginThrottled, NotFound, PermissionDenied, QueryError
from storage import SearchFilters, Store
from storage.triage import TriageChange


def _user(store: Store, name: str) -> users.User:
    return users.find_user(store, name)


def test_passwords_are_argon2_hashes_and_authenticate(store: Store) -> None:
    seed(store)
    from storage import users as stored

    record = stored.get_user(store, "ada")
    assert record is not None and record.password_hash.startswith("$argon2id$")
    assert PASSWORD not in record.password_hash
    assert users.authenticate(store, "ada", PASSWORD).role == "admin"
    with pytest.raises(AccessError):
        users.authenticate(store, "ada", "wrong password!")
    with pytest.raises(AccessError):
        users.authenticate(store, "nobody", PASSWORD)


def test_adding_users_checks_names_roles_and_passwords(store: Store) -> None:
    seed(store)
    with pytest.raises(InputError, match="taken"):
        users.add_user(store, "ada", PASSWORD, role="viewer")
    with pytest.raises(InputError, match="role"):
        users.add_user(store, "bob", PASSWORD, role="boss")
    with pytest.raises(InputError, match="too short"):
        users.add_user(store, "bob", "short", role="viewer")
    with pytest.raises(InputError, match="valid username"):
        users.add_user(store, "Bob Smith", PASSWORD, role="viewer")
    assert [u.username for u in users.list_users(store)] == ["ada", "alex", "sam", "vera"]


def test_disabled_users_cannot_log_in_and_lose_their_sessions(store: Store) -> None:
    seed(store)
    throttle = auth.LoginThrottle(clock=lambda: NOW)
    session = auth.log_in(store, "alex", PASSWORD, throttle=throttle, client="127.0.0.1")
    assert auth.resolve_session(store, session.token) is not None
    users.disable_user(store, "alex")
    assert auth.resolve_session(store, session.token) is None
    with pytest.raises(AccessError):
        auth.log_in(store, "alex", PASSWORD, throttle=throttle, client="127.0.0.1")
    users.set_role(store, "vera", "agent")
    assert _user(store, "vera").role == "agent"


def test_sessions_are_stored_hashed_and_expire(store: Store) -> None:
    seed(store)
    session = auth.log_in(store, "vera", PASSWORD, throttle=auth.LoginThrottle(), client="x")
    with store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash, csrf_token FROM web_sessions").all()
    assert len(stored) == 1 and session.token not in stored[0][0]
    assert auth.csrf_matches(session, session.csrf_token)
    assert not auth.csrf_matches(session, "nope") and not auth.csrf_matches(session, "")
    later = Store(store.engine, url="later", clock=lambda: NOW + auth.SESSION_LIFETIME + timedelta(seconds=1))
    assert auth.resolve_session(later, session.token) is None
    auth.end_session(store, session.token)
    assert auth.resolve_session(store, session.token) is None


def test_logins_are_throttled_after_repeated_failures() -> None:
    clock = FixedClock()
    throttle = auth.LoginThrottle(clock=clock)
    for _ in range(auth.MAX_FAILURES_PER_USER):
        throttle.check("ada", "1.2.3.4")
        throttle.failed("ada", "1.2.3.4")
    with pytest.raises(LoginThrottled) as caught:
        throttle.check("ada", "5.6.7.8")
    assert 0 < caught.value.retry_after <= auth.FAILURE_WINDOW.total_seconds() + 1
    throttle.check("vera", "1.2.3.4")  # another user from the same address still may
    clock.advance(auth.FAILURE_WINDOW)
    throttle.check("ada", "1.2.3.4")


def test_api_tokens_are_hashed_and_revocable(store: Store) -> None:
    seed(store)
    token, record = auth.create_token(store, "alex", "nightly export")
    assert token.startswith("cxp_") and record.prefix == token[:12]
    with store.engine.connect() as connection:
        hashes = [row[0] for row in connection.exec_driver_sql("SELECT token_hash FROM api_tokens")]
    assert token not in hashes[0]
    user = auth.resolve_token(store, token)
    assert user is not None and user.username == "alex"
    assert auth.resolve_token(store, token + "x") is None
    auth.revoke_token(store, record.prefix)
    assert auth.resolve_token(store, token) is None
    with pytest.raises(NotFound):
        auth.revoke_token(store, record.prefix)
    assert auth.list_tokens(store, "alex")[0].revoked_at is not None


def test_triage_changes_are_recorded_with_who_and_when(store: Store) -> None:
    seeded = seed(store)
    refund = seeded.ids["refund"]
    alex = _user(store, "alex")
    changed = triage.update_triage(
        store, alex, [refund], TriageChange(status="in_progress", assignee="sam", tags=("refund", "vip"), note="called")
    )
    assert changed == 4
    item = triage.triage_item(store, refund)
    assert item is not None and (item.status, item.assignee, item.tags, item.note) == (
        "in_progress",
        "sam",
        ("refund", "vip"),
        "called",
    )
    events = triage.history(store, refund)
    assert [(e.field, e.actor) for e in events][-4:] == [
        ("status", "alex"),
        ("assignee", "alex"),
        ("tags", "alex"),
        ("note", "alex"),
    ]
    assert events[0].actor == "cxpulse classify" and all(e.at == NOW for e in events)
    assert triage.update_triage(store, alex, [refund], TriageChange(status="in_progress")) == 0
    triage.update_triage(store, alex, [refund], TriageChange(assignee=""))
    item = triage.triage_item(store, refund)
    assert item is not None and item.assignee is None


def test_bulk_triage_and_its_checks(store: Store) -> None:
    seeded = seed(store)
    alex, vera = _user(store, "alex"), _user(store, "vera")
    ids = [seeded.ids["refund"], seeded.ids["delay"], seeded.ids["praise"]]
    triage.update_triage(store, alex, ids, TriageChange(status="resolved"))
    assert {triage.triage_item(store, i).status for i in ids} == {"resolved"}  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        triage.update_triage(store, vera, ids, TriageChange(status="open"))
    with pytest.raises(InputError, match="status"):
        triage.update_triage(store, alex, ids, TriageChange(status="closed"))
    with pytest.raises(InputError, match="cannot be assigned"):
        triage.update_triage(store, alex, ids, TriageChange(assignee="vera"))
    with pytest.raises(NotFound):
        triage.update_triage(store, alex, [999_999], TriageChange(status="open"))


def test_new_items_get_a_priority_from_their_labels(store: Store) -> None:
    seeded = seed(store)
    refund = triage.triage_item(store, seeded.ids["refund"])  # anger
    delay = triage.triage_item(store, seeded.ids["delay"])  # frustration
    assert refund is not None and refund.priority == "high"
    assert delay is not None and delay.priority == "normal"


def test_a_switching_threat_raises_a_new_items_priority(store: Store) -> None:
    seeded = seed(store)
    delay = seeded.ids["delay"]  # frustration: normal by its emotion
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE classifications SET switching = :yes WHERE mention_id = :id"), {"yes": True, "id": delay}
        )
        connection.execute(sa.text("UPDATE triage SET priority = NULL WHERE mention_id = :id"), {"id": delay})
    assert triage.apply_default_priorities(store) == 1
    item = triage.triage_item(store, delay)
    assert item is not None and item.priority == "high"


def test_label_corrections_become_feedback_rows_in_the_annotation_format(store: Store) -> None:
    seeded = seed(store)
    alex = _user(store, "alex")
    delay = seeded.ids["delay"]
    feedback.correct_label(store, alex, delay, "sentiment", "neutral", note="just a report")
    feedback.correct_label(store, alex, delay, "flagged", "false")
    rows = feedback.feedback_for(store, delay)
    assert [(r.field, r.predicted, r.corrected, r.actor, r.model_version) for r in rows] == [
        ("sentiment", "negative", "neutral", "alex", MODEL),
        ("flagged", "true", "false", "alex", MODEL),
    ]
    exported = feedback.annotation_rows(feedback.list_feedback(store))
    assert exported[0]["labels"] == {"sentiment": "neutral", "complaint": False}
    assert exported[0]["text"].startswith("Flight delayed")
    with pytest.raises(InputError):
        feedback.correct_label(store, alex, delay, "sentiment", "furious")
    with pytest.raises(PermissionDenied):
        feedback.correct_label(store, _user(store, "vera"), delay, "sentiment", "neutral")


def test_the_inbox_filters_counts_and_orders(store: Store) -> None:
    seeded = seed(store)
    filters = SearchFilters(flagged=True, statuses=workspace.OPEN_STATUSES, model_version=MODEL)
    page = workspace.inbox(store, "", filters, order="newest", counts=workspace.COUNTED)
    assert [h.id for h in page.hits] == [seeded.ids["hostile"], seeded.ids["delay"], seeded.ids["refund"]]
    assert page.total == 3
    assert page.counts["sentiment"] == {"negative": 3}
    assert page.counts["flagged"] == {"true": 3}  # the open-status filter keeps only triaged (flagged) ones
    assert page.counts["emotion"] == {"anger": 1, "frustration": 1, "disappointment": 1}
    assert page.counts["topic"] == {"refunds": 2, "delays": 1}
    assert page.counts["priority"] == {"high": 1, "normal": 2}
    by_priority = workspace.inbox(store, "", filters, order="priority")
    assert by_priority.hits[0].id == seeded.ids["refund"]
    refunds = workspace.inbox(store, "refund", filters, order="newest", counts=("brand",))
    assert [h.id for h in refunds.hits] == [seeded.ids["hostile"], seeded.ids["refund"]]
    assert refunds.counts["brand"] == {"Acme": 2}
    triage.update_triage(store, _user(store, "alex"), [seeded.ids["refund"]], TriageChange(status="resolved"))
    assert seeded.ids["refund"] not in [h.id for h in workspace.inbox(store, "", filters).hits]
    assert workspace.inbox(store, "", SearchFilters(statuses=("resolved",))).hits[0].triage.status == "resolved"  # type: ignore[union-attr]
    unassigned = workspace.inbox(store, "", SearchFilters(assignees=("",)))
    assert unassigned.total == 3


@pytest.mark.parametrize(
    "query", ["' OR 1=1 --", 'refund" NEAR(a b)', "a:b", "*", "(((", "refund^2", "; DROP TABLE mentions", '"""']
)
def test_hostile_search_text_finds_or_says_why(store: Store, query: str) -> None:
    seed(store)
    try:
        page = workspace.inbox(store, query, SearchFilters(), counts=("sentiment",))
    except QueryError as exc:
        assert str(exc)
    else:
        assert page.total >= 0


def test_the_detail_has_labels_history_related_and_feedback(store: Store) -> None:
    seeded = seed(store)
    detail = workspace.mention_detail(store, seeded.ids["refund"])
    assert detail.labels is not None and detail.labels.gap_evidence == ("you promised it within 5 days",)
    assert detail.labels.sentiment_scores["negative"] == pytest.approx(0.8)
    assert detail.triage is not None and detail.history[0].field == "status"
    assert [r.id for r in detail.related] == [seeded.ids["delay"]]  # same author
    with pytest.raises(NotFound):
        workspace.mention_detail(store, 424242)
