"""bloc's own scripts, styles and icon, and the Plotly bundle, served from memory.

Starlette's StaticFiles reads each file in a worker thread; under load those
threads are busy computing pages, and a 250-byte icon waited behind them
(bench/load.py). These few files are read once, when the app is made, and
answered from the event loop: no thread, no file system, and no path from
the request ever reaches the disk.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


class Assets:
    """An ASGI app answering GET and HEAD for a fixed set of files, by name."""

    def __init__(self, files: dict[str, Path]) -> None:
        self._files: dict[str, tuple[bytes, list[tuple[bytes, bytes]]]] = {}
        for name, path in files.items():
            body = path.read_bytes()
            kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
            tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = [
                (b"content-type", (kind or "application/octet-stream").encode()),
                (b"etag", tag.encode()),
                (b"cache-control", b"public, max-age=3600"),
            ]
            self._files["/" + name] = (body, headers)

    @classmethod
    def folder(cls, folder: Path) -> Assets:
        """Every file directly inside `folder`, by its name."""
        return cls({p.name: p for p in sorted(folder.iterdir()) if p.is_file()})

    async def respond(self, request: Request, name: str) -> Response:
        """One of the files as a route's answer (304 if the client has it already)."""
        body, headers = self._files["/" + name]
        plain = {k.decode(): v.decode() for k, v in headers}
        if request.headers.get("if-none-match") == plain["etag"]:
            return Response(status_code=304, headers={"etag": plain["etag"]})
        return Response(body, media_type=plain.pop("content-type"), headers=plain)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):  # mounted: the part below the mount point
            path = path[len(root) :]
        found = self._files.get(path)
        method = scope.get("method", "GET")
        if found is None or method not in ("GET", "HEAD"):
            status = 404 if found is None else 405
            await _answer(send, status, b"Not Found" if status == 404 else b"Method Not Allowed")
            return
        body, headers = found
        asked = dict(scope.get("headers", [])).get(b"if-none-match")
        if asked is not None and headers[1][1] in {t.strip() for t in asked.split(b",")}:
            await send({"type": "http.response.start", "status": 304, "headers": headers[1:]})
            await send({"type": "http.response.body", "body": b""})
            return
        length = (b"content-length", str(len(body)).encode())
        await send({"type": "http.response.start", "status": 200, "headers": [*headers, length]})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


async def _answer(send: Send, status: int, text: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(text)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})
