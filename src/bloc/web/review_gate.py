"""Who may review on the dashboard: the review token, sign-in sessions and CSRF tokens.

`bloc serve` is read-only unless started with `--review`. Then a reviewer
signs in once with the review token (`BLOC_REVIEW_TOKEN`, or one made at
start and printed), which sets a session cookie (HttpOnly, SameSite=Strict);
every form the pages show carries a CSRF token, an HMAC of the session under
a secret made at start, and a post without a valid session and its token is
refused with nothing stored. Scripts send the review token in a header
(`Authorization: Bearer TOKEN` or `X-Bloc-Token`); a browser on another site
can neither set that header nor read the cookie. Sessions live in the
server's memory: a restart signs everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Request

COOKIE = "bloc_review"
TOKEN_ENV = "BLOC_REVIEW_TOKEN"
HEADER = "x-bloc-token"
SESSION_SECONDS = 12 * 3600
MAX_SESSIONS = 1_000
SHORT_TOKEN = 16  # characters; a shorter token from the environment is warned about


@dataclass(frozen=True)
class Session:
    id: str
    reviewer: str
    expires: float


class ReviewGate:
    """The review token and the sessions signed in with it (thread-safe)."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("the review token must not be empty")
        self._token = token.encode()
        self._secret = secrets.token_bytes(32)
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> tuple[ReviewGate, str | None]:
        """The gate for `BLOC_REVIEW_TOKEN`, or for a new random token (returned, to print)."""
        token = os.environ.get(TOKEN_ENV, "").strip()
        if token:
            return cls(token), None
        made = secrets.token_urlsafe(24)
        return cls(made), made

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given).encode(), self._token)

    def sign_in(self, reviewer: str) -> Session:
        session = Session(secrets.token_urlsafe(32), reviewer, time.time() + SESSION_SECONDS)
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return session

    def sign_out(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def session(self, request: Request) -> Session | None:
        """The live session of the request's cookie, if any."""
        sid = request.cookies.get(COOKIE)
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is not None and session.expires < time.time():
                self._sessions.pop(sid, None)
                session = None
        return session

    def csrf(self, session: Session) -> str:
        return hmac.new(self._secret, session.id.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: Session, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given), self.csrf(session))

    def header_token(self, request: Request) -> str | None:
        """The review token a script sent: `Authorization: Bearer ...` or `X-Bloc-Token`."""
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.headers.get(HEADER)


def gate_of(request: Request) -> ReviewGate | None:
    """The app's gate, or None when the server is read-only."""
    gate = getattr(request.app.state, "review", None)
    return gate if isinstance(gate, ReviewGate) else None


def same_origin(request: Request) -> bool:
    """A browser's post says where its page came from; it must be this server.

    Defence in depth beside the SameSite cookie and the CSRF token. Browsers
    send `Sec-Fetch-Site` and an `Origin`, which must name this server: an
    `Origin: null` (a sandboxed frame, a `data:` page, a redirect from another
    site) is refused like a foreign one. The dashboard's referrer policy is
    `same-origin` so that its own forms send their origin by name (under
    `no-referrer` a browser would send "null" for them too). A request with
    neither header (a script) is left to the cookie and the token.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")
