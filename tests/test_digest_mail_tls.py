"""Digest email over STARTTLS and implicit TLS with a login whose password comes from the env."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newswatch.config import load_config
from newswatch.digests import service
from newswatch.storage.db import Database
from tests.plugins.digest_fixtures import T0, Inbox, News, free_port

pytest.importorskip("aiosmtpd")
pytest.importorskip("cryptography")


@pytest.fixture
def tls_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that the client trusts through SSL_CERT_FILE."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    return cert_path, key_path


class Auth:
    """Accepts one login and remembers the attempts."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        login, password = data.login.decode(), data.password.decode()
        self.seen.append((login, password))
        return AuthResult(success=(login, password) == ("desk", "s3cret-key"))


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(
    request: pytest.FixtureRequest, tls_files: tuple[Path, Path]
) -> Iterator[tuple[str, Inbox, Auth]]:
    from aiosmtpd.controller import Controller

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*tls_files)
    inbox, auth = Inbox("127.0.0.1", free_port()), Auth()
    if request.param == "starttls":
        kwargs: dict[str, Any] = {
            "server_kwargs": {"tls_context": ctx, "require_starttls": True, "authenticator": auth}
        }
    else:
        kwargs = {
            "ssl_context": ctx,
            "server_kwargs": {"authenticator": auth, "auth_require_tls": False},
        }
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port, **kwargs)
    controller.start()
    yield request.param, inbox, auth
    controller.stop()


def test_send_over_tls_with_env_password(
    tls_server: tuple[str, Inbox, Auth], db: Database, db_url: str, newsroom: News, tmp_path: Path
) -> None:
    security, inbox, auth = tls_server
    cfg = tmp_path / "nw.yaml"
    cfg.write_text(
        f"default_feeds: false\nstorage: {{url: '{db_url}'}}\n"
        f"digest:\n  output_dir: {tmp_path / 'out'}\n  recipients: ['desk@example.org']\n"
        f"  smtp: {{host: 127.0.0.1, port: {inbox.port}, security: {security}, username: desk, timeout: 5}}\n",
        encoding="utf-8",
    )
    settings = load_config(cfg, env={"NEWSWATCH_SMTP_PASSWORD": "s3cret-key"}).settings
    newsroom.article(
        "Peace treaty initialled", seen=T0 + dt.timedelta(hours=1), categories=("peace-treaty",)
    )
    result = service.run_daily_digest(settings, db, now=T0 + dt.timedelta(days=1))
    assert result is not None and [o.ok for o in result.deliveries] == [True]
    assert auth.seen == [("desk", "s3cret-key")]
    assert len(inbox.messages) == 1


@pytest.mark.parametrize(
    ("password", "message"), [("wrong", "cannot send"), ("пароль", "not ASCII")]
)
def test_bad_password_is_a_failed_delivery(
    tls_server: tuple[str, Inbox, Auth],
    db: Database,
    newsroom: News,
    tmp_path: Path,
    password: str,
    message: str,
) -> None:
    from tests.plugins.digest_fixtures import make_settings

    security, inbox, _auth = tls_server
    settings = make_settings(
        tmp_path,
        recipients=["desk@example.org"],
        smtp={
            "host": "127.0.0.1",
            "port": inbox.port,
            "security": security,
            "username": "desk",
            "password": password,
            "timeout": 2,
        },
    )
    newsroom.article("Border talks", seen=T0 + dt.timedelta(hours=1))
    result = service.run_daily_digest(settings, db, now=T0 + dt.timedelta(days=1))
    assert result is not None
    [outcome] = result.deliveries
    assert not outcome.ok and message in (outcome.error or "")
    assert inbox.messages == []
