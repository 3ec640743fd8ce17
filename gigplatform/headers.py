"""Security headers on every reply: what the browser may load and run, framing, sniffing, referrers, caching.

Pages load scripts and styles only from this site (`script-src 'self'`, no inline script anywhere), may not be
framed by another site, and are never stored by a shared or browser cache, since most show personal data. Static
files are the exception to `no-store`: they hold nothing personal and are cached for an hour.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",  # a width on a progress bar; no style element, no script
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
ALWAYS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
STATIC_PREFIX = "/static/"


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Litestar `before_send` hook, so it also covers replies no route handled (404, 405) and error pages; a
    handler's own Cache-Control (a calendar feed's) is kept."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in ALWAYS.items():
        headers[name] = value
    if "cache-control" not in headers:
        headers["cache-control"] = "public, max-age=3600" if scope["path"].startswith(STATIC_PREFIX) else "no-store"


def attachment(filename: str, ascii_fallback: str | None = None) -> dict[str, str]:
    """A Content-Disposition for a download named `filename`: the name as written (RFC 5987 `filename*`, UTF-8)
    for browsers, with an ASCII name (`ascii_fallback`, or the name with other characters as `_`) for clients
    that read only `filename`. A slash or a control character in the name becomes `-`."""
    filename = "".join("-" if ch in "/\\" or ord(ch) < 32 or ord(ch) == 127 else ch for ch in filename)
    ascii_name = "".join(ch if 32 < ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in ascii_fallback or filename)
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
