"""The one scrubbing helper: remembered secrets and secret-bearing URL parts never survive it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from foundation.secrets import REDACTED, forget_secrets, remember_secret, remember_url_secrets, scrub

PASSWORD = "app-Pw-9f2k!x"  # noqa: S105 (made up)


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def test_a_remembered_secret_is_scrubbed_also_when_encoded_as_a_server_echoes_it() -> None:
    remember_secret(PASSWORD)
    plain = base64.b64encode(f"\0cx-user\0{PASSWORD}".encode()).decode()  # SMTP AUTH PLAIN
    for echoed in (
        f"535 5.7.8 bad credentials {PASSWORD}",
        f"login failed for password={quote(PASSWORD, safe='')}",
        json.dumps({"message": f'Invalid password "{PASSWORD}"'}),
        f"535 5.7.8 Authentication failed ({plain})",
        f"token {base64.b64encode(PASSWORD.encode()).decode()}",
    ):
        scrubbed = scrub(echoed)
        assert PASSWORD not in scrubbed and plain not in scrubbed and REDACTED in scrubbed, scrubbed


def test_a_webhook_url_is_scrubbed_however_its_host_is_written() -> None:
    remember_secret("https://hooks.example.test/services/T0/B0/abcdefSECRET")
    line = 'HTTP Request: POST https://hooks.example.test/services/T0/B0/abcdefSECRET "HTTP/1.1 200 OK"'
    assert "abcdefSECRET" not in scrub(line)
    assert "abcdefSECRET" not in scrub("POST http://10.0.0.1:8080/services/T0/B0/abcdefSECRET")


def test_secret_bearing_url_parts_are_masked_without_being_remembered() -> None:
    assert scrub("postgresql://cx:hunter22@db/cx") == "postgresql://cx:***@db/cx"
    assert scrub("postgresql://cx@db/cx?sslmode=require&password=hunter22") == (
        "postgresql://cx@db/cx?sslmode=require&password=***"
    )
    assert (
        scrub("GET https://api.example/v1?q=acme&access_token=abc123")
        == "GET https://api.example/v1?q=acme&access_token=***"
    )
    assert scrub("https://hooks.slack.com/services/T1/B2/xyz") == "https://hooks.slack.com/services/***"
    assert scrub("Authorization: Bearer eyJhbGciOiJFUzI1NksifQ.x.y") == "Authorization: Bearer ***"


def test_a_database_url_keeps_its_host_and_name_readable() -> None:
    remember_url_secrets("postgresql://cx:s3cret-pw@db.internal:5432/cxpulse?sslpassword=k3y-pass")
    assert scrub("cannot connect to db.internal/cxpulse as cx") == "cannot connect to db.internal/cxpulse as cx"
    assert scrub("server said s3cret-pw and k3y-pass") == "server said *** and ***"


def test_ordinary_text_is_left_alone() -> None:
    remember_secret("abc")  # too short to remember: masking it would garble everything
    for text in ("acme lost my bag at https://acme.example/track?id=42", "abc", "mail cx@example.com", ""):
        assert scrub(text) == text
