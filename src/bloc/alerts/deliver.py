"""Webhooks: each alert POSTed as JSON to every hook, signed, retried, every attempt recorded.

Deliveries are an outbox: a pending row per (alert, hook) is written in the
transaction that raises the alert, and `deliver_pending` works through them
after the change that raised them is stored, so a slow or failing receiver
never holds an ingest or a watch pass, and a process killed mid-delivery
loses none (the row is still pending). Delivery is at least once: a receiver
may get an alert twice if bloc dies between its answer and the record of it,
and de-duplicates by the alert's id, which the payload and the
`X-Bloc-Alert` header carry.

The body is signed with HMAC-SHA256 under the hook's secret (shown once, when
the hook is added): `X-Bloc-Signature: sha256=<hex digest of the body>`.
Hook URLs follow the watcher's address rules (public addresses only, unless
added with `--allow-private`), checked at connect time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pandas as pd

from bloc.errors import AlertError, NotFoundError
from bloc.ingest.addresses import GuardedTransport, Refused, check_url
from bloc.ingest.fetch import refusal, user_agent
from bloc.store import View, opened
from bloc.store import alerts as stored

DB = Path | str | View | None
SIGNATURE = "X-Bloc-Signature"
ALERT_HEADER = "X-Bloc-Alert"


@dataclass(frozen=True)
class Retry:
    """How hard one `deliver_pending` tries each delivery."""

    attempts: int = 3  # tries per delivery in one call; then it is recorded as failed
    timeout: float = 5.0  # seconds to connect, and between two reads
    backoff: float = 0.5  # the pause before the second try; doubles each time


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # alert, hook, reason


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for a body: `sha256=` and the HMAC's hex digest."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def add_hook(
    url: str, db: DB = None, *, allow_private: bool = False, secret: str | None = None
) -> tuple[str, str]:
    """Add a webhook; its id and its signing secret (keep it: it is not shown again)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise AlertError(f"{url!r:.200} is not an http(s) address; give the hook's full URL")
    if not allow_private:
        try:
            check_url(url)
        except Refused as exc:
            raise AlertError(refusal(url, exc).replace("feed", "hook")) from None
        except OSError:
            pass  # not resolvable now: each delivery says so
    secret = secret or secrets.token_hex(32)
    hook = "h" + hashlib.sha256(url.encode()).hexdigest()[:11]
    with opened(db, write=True) as store, store.transaction() as con:
        if stored.hook_with_url(con, url) is not None:
            raise AlertError(f"a hook already posts to {url}; remove it first to change it")
        stored.add_hook(con, (hook, url, secret, allow_private), _now())
    return hook, secret


def remove_hook(hook: str, db: DB = None) -> None:
    with opened(db, write=True) as store, store.transaction() as con:
        if not stored.remove_hook(con, hook):
            raise NotFoundError(f"there is no hook {hook!r:.40} (`bloc alerts hook list`)")


def hooks_frame(db: DB = None) -> pd.DataFrame:
    """The hooks (secrets left out) with their deliveries counted by status."""
    with opened(db) as store:
        hooks = stored.hook_rows(store)
        deliveries = stored.deliveries_table(store)
    rows = []
    for hook, url, _secret, private in hooks:
        mine = deliveries[deliveries["hook"] == hook]
        counts = mine["status"].value_counts()
        rows.append(
            {
                "id": hook,
                "url": url,
                "allow_private": bool(private),
                **{s: int(counts.get(s, 0)) for s in ("sent", "failed", "pending")},
            }
        )
    return pd.DataFrame(rows, columns=["id", "url", "allow_private", "sent", "failed", "pending"])


def deliver_pending(
    db: DB = None,
    *,
    retry: Retry | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Make every pending delivery, each recorded as sent or failed as soon as it ends."""
    retry = retry or Retry()
    report = DeliveryReport()
    with opened(db) as store:
        pending = stored.pending_deliveries(store)
        hooks = {h[0]: h for h in stored.hook_rows(store)}
    if not pending:
        return report
    clients = {
        private: httpx.Client(
            timeout=httpx.Timeout(retry.timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent(), "Content-Type": "application/json"},
            transport=None if private else GuardedTransport(),
        )
        for private in (False, True)
    }
    try:
        for alert, hook, attempts, payload in pending:
            _, url, secret, private = hooks[hook]
            body = payload.encode()
            sent, tries, reason = _post(
                clients[bool(private)], url, secret, alert, body, retry, sleep
            )
            status = "sent" if sent else "failed"
            with opened(db, write=True) as store, store.transaction() as con:
                stored.record_delivery(con, alert, hook, status, attempts + tries, reason, _now())
            if sent:
                report.sent += 1
            else:
                report.failed.append((alert, hook, reason or "failed"))
    finally:
        for client in clients.values():
            client.close()
    return report


def _post(
    client: httpx.Client,
    url: str,
    secret: str,
    alert: str,
    body: bytes,
    retry: Retry,
    sleep: Callable[[float], None],
) -> tuple[bool, int, str | None]:
    """POST with retries on 429, 5xx, timeouts and broken connections: (sent, tries, reason)."""
    headers = {SIGNATURE: sign(secret, body), ALERT_HEADER: alert}
    reason: str | None = None
    for attempt in range(retry.attempts):
        if attempt:
            sleep(retry.backoff * 2 ** (attempt - 1))
        try:
            answer = client.post(url, content=body, headers=headers)
        except Refused as exc:
            return False, attempt + 1, refusal(url, exc).replace("feed", "hook")
        except httpx.HTTPError as exc:
            reason = f"{exc.__class__.__name__}: {exc}"[:300]
            continue
        if 200 <= answer.status_code < 300:
            return True, attempt + 1, None
        reason = f"HTTP {answer.status_code}"
        if answer.status_code not in (408, 429) and answer.status_code < 500:
            return False, attempt + 1, reason  # the receiver refuses it: trying again won't help
    return False, retry.attempts, f"{reason} (after {retry.attempts} tries)"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)
