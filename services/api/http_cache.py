"""``ETag`` and ``Cache-Control`` on GET answers, and ``304 Not Modified`` for a client that has them.

The tag is a hash of the body, so it changes exactly when the answer does (a new event on the
page, a changed count) with no bookkeeping in the endpoints. It is weak (``W/``) because the gzip
layer outside this one may encode the same body differently. The query still runs on a
revalidation; what a 304 saves is the transfer and the client's parsing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Data changes as the pipeline writes: clients keep the answer but ask again each time (the tag
# makes the question cheap).
REVALIDATE = "no-cache"


class ConditionalGet:
    """Tags every whole (sized) 200 answer to a GET that has no tag yet; ``policies`` maps a path
    prefix to the ``Cache-Control`` of answers under it (others get :data:`REVALIDATE` unless they
    set one)."""

    def __init__(self, app: ASGIApp, policies: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.policies = dict(policies or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        policy = next((p for prefix, p in self.policies.items() if path.startswith(prefix)), REVALIDATE)
        wanted = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        body = bytearray()
        passing = False

        async def tagging(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Cache-Control", policy)
                # A body without a length is streamed (a download): it passes untagged, unbuffered.
                passing = message["status"] != 200 or "etag" in headers or "content-length" not in headers
                if "etag" in headers and not headers["etag"].startswith("W/"):
                    headers["ETag"] = f"W/{headers['etag']}"  # a file's tag: gzip may re-encode it
                if passing:
                    await send(message)
                else:
                    start = message
                return
            if passing or message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            etag = f'W/"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
            headers = MutableHeaders(scope=start)
            headers["ETag"] = etag
            if wanted is not None and _matches(wanted, etag):
                kept = [(k, v) for k, v in start["headers"] if k.lower() in _KEPT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, tagging)


# RFC 9110 15.4.5: a 304 carries the headers a 200 would have that describe caching.
_KEPT_ON_304 = {b"cache-control", b"etag", b"vary", b"content-location", b"expires", b"date"}


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2): ``W/"x"`` and ``"x"`` are the same tag."""
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in if_none_match.split(","))
