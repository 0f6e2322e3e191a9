"""Access control of the workbench: token, cross-site protection, headers.

* Every request carries the server's token: ``Authorization: Bearer TOKEN``
  (scripts), or the cookie the browser gets when it opens the start URL
  ``/?token=TOKEN`` (as Jupyter does). Without it: 403.
* State changes (POST, PUT, PATCH, DELETE) from the browser also need the
  header ``X-CSRF-Token`` (a second secret the pages carry, which another
  site cannot read) and, when the browser sends one, an ``Origin`` equal to
  the server's own. GET never changes anything.
* ``Host`` must be the address the server is bound to (or ``localhost``):
  a page elsewhere cannot reach the server through DNS rebinding.
* Every response carries a Content-Security-Policy that allows nothing from
  other origins (no inline scripts either), and ``Referrer-Policy:
  no-referrer`` so the token never leaves in a Referer header.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL, QueryParams, State
from starlette.responses import PlainTextResponse, RedirectResponse

__all__ = ["COOKIE", "CSRF_HEADER", "CSP", "Guard", "new_token", "is_loopback"]

COOKIE = "altena_qca_token"
CSRF_HEADER = "x-csrf-token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_SAFE = {"GET", "HEAD", "OPTIONS"}


def new_token() -> str:
    """A fresh random token (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware enforcing the rules in the module docstring.

    Parameters
    ----------
    app
        The wrapped ASGI application.
    token
        The access token.
    csrf
        The cross-site token the pages send back on state changes.
    hosts
        Accepted ``Host`` names (without port); empty accepts any.
    """

    def __init__(self, app, *, token: str, csrf: str, hosts: set[str] | None = None):
        self.app = app
        self.token = token
        self.csrf = csrf
        self.hosts = set(hosts or ())
        self.state: State = getattr(app, "state", State())  # the wrapped app's (token, csrf, workbench)
        # cookies are not per port: two servers on one host (two coders) each need their own name
        self.cookie = f"{COOKIE}_{hashlib.sha256(token.encode()).hexdigest()[:10]}"

    def _ok(self, given: str | None) -> bool:
        return given is not None and given != "" and hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in _HEADERS if k not in have]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        deny = None
        host = headers.get("host", "")
        hostname = urlsplit("//" + host).hostname or ""
        if self.hosts and hostname not in self.hosts:
            deny = "unknown Host"
        url = URL(scope=scope)
        auth = headers.get("authorization", "")
        bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        cookie = _cookie(headers.get("cookie", ""), self.cookie)
        params = QueryParams(scope.get("query_string", b""))
        query_token = params.get("token")
        if deny is None and query_token is not None and method == "GET" and self._ok(query_token):
            # the start URL: set the cookie and drop the token from the address bar
            rest = [(k, v) for k, v in params.multi_items() if k != "token"]
            target = url.path + ("?" + urlencode(rest) if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
            return await response(scope, receive, send_with_headers)
        if deny is None:
            if self._ok(bearer):
                pass  # scripts: a header no other site can make a browser send
            elif self._ok(cookie):
                if method not in _SAFE:
                    origin = headers.get("origin")
                    if origin is not None and urlsplit(origin).netloc != host:
                        deny = "cross-origin request"
                    elif not hmac.compare_digest(headers.get(CSRF_HEADER, "").encode(), self.csrf.encode()):
                        deny = "missing or wrong X-CSRF-Token"
            else:
                deny = "token required: open the URL printed at start, or send 'Authorization: Bearer TOKEN'"
        if deny is not None:
            refusal = PlainTextResponse(f"403 Forbidden: {deny}\n", status_code=403)
            return await refusal(scope, receive, send_with_headers)
        return await self.app(scope, receive, send_with_headers)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
