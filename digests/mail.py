"""Digest email: multipart/alternative (text + HTML with inlined CSS) sent over SMTP."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

import css_inline

from newswatch.config import DigestConfig, SmtpConfig
from newswatch.errors import DeliveryError

_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Move the stylesheet into style attributes (mail clients drop <style> blocks)."""
    return _INLINER.inline(html)


def _domain(cfg: DigestConfig) -> str:
    addr = parseaddr(cfg.sender)[1]
    return addr.rpartition("@")[2] or "localhost"


def subject_for(cfg: DigestConfig, label: str, kind: str) -> str:
    subject = cfg.subject.replace("{date}", label)
    return f"Catch-up: {subject}" if kind == "catchup" else subject


def build_message(
    cfg: DigestConfig,
    *,
    subject: str,
    text: str,
    html: str,
    now: datetime,
    recipients: list[str] | None = None,
) -> EmailMessage:
    """The digest as an email to the configured recipients."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["Subject"] = subject
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(recipients if recipients is not None else cfg.recipients)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(domain=_domain(cfg))
    msg["List-Id"] = f"newswatch digest <{cfg.list_id}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    msg.add_alternative(inline_css(html), subtype="html")
    return msg


def _envelope(msg: EmailMessage) -> tuple[str, list[str]]:
    sender = parseaddr(str(msg["From"]))[1]
    rcpts = [a for _n, a in getaddresses([str(v) for v in msg.get_all("To", [])]) if a]
    return sender, rcpts


def send_message(msg: EmailMessage, smtp: SmtpConfig) -> str:
    """Send over SMTP (STARTTLS, implicit TLS or plain); the Message-ID on success."""
    sender, rcpts = _envelope(msg)
    if not rcpts:
        raise DeliveryError("the digest has no recipients", hint="set digest.recipients")
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                client.login(smtp.username, password)
            client.send_message(msg, from_addr=sender, to_addrs=rcpts)
    except UnicodeEncodeError as exc:
        # smtplib encodes AUTH as ASCII: a non-ASCII login or password cannot be sent at all
        raise DeliveryError(
            f"cannot log in to {smtp.host}:{smtp.port}: the SMTP username or password is not ASCII",
            hint="use an ASCII password (an app password) for digest.smtp",
        ) from exc
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise DeliveryError(
            f"cannot send the digest through {smtp.host}:{smtp.port}: {exc}",
            hint="check digest.smtp and NEWSWATCH_SMTP_PASSWORD; it is retried on the next run",
        ) from exc
    return str(msg["Message-ID"])
