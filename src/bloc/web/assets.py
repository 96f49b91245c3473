"""bloc's own scripts, styles and icon, and the Plotly bundle, served from memory.

Starlette's StaticFiles reads each file in a worker thread; under load those
threads are busy computing pages, and a 250-byte icon waited behind them
(bench/load.py). These few files are read once, when the app is made, and
answered from the event loop: no thread, no file system, and no path from
the request ever reaches the disk.

Pages ask for each file by a versioned address (`url`: `/static/bloc.css?v=<hash of
its bytes>`). Such an answer never changes, so the browser keeps it for a year
without asking again (`immutable`); a new release has new hashes, hence new
addresses. An address without the current hash (typed by hand, or an old page
after an upgrade) is answered too, but must be revalidated each time (its ETag
makes that a 304). Text files are sent gzip-compressed to browsers that accept it,
compressed once per process (bloc's partial Plotly bundle: 1.26 MB become 0.42 MB),
in a background thread as soon as the app is made (`warm`): at level 9 Plotly took
0.2-0.5 s, which the first visitor's page waited for when it was compressed on the
first request that asked.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
COMPRESSED = (".css", ".js", ".svg")  # text: worth compressing (an image format is not)
FOREVER = "public, max-age=31536000, immutable"  # a versioned address: its bytes never change
REVALIDATE = "public, no-cache"  # an unversioned one: kept, but checked (ETag) before each use
_PACKED: dict[str, bytes] = {}  # each file's gzip form, by its ETag (a sha256 of its bytes)
_PACKING = threading.Lock()  # one compression at a time; a second asker waits for it


def _gzip(tag: str, body: bytes) -> bytes:
    """The gzip form of `body` (whose ETag is `tag`), compressed once per process: every
    app made in it (a test suite makes dozens) shares it."""
    with _PACKING:
        packed = _PACKED.get(tag)
        if packed is None:
            packed = _PACKED[tag] = gzip.compress(body, compresslevel=9, mtime=0)
    return packed


@functools.cache
def version(path: Path) -> str:
    """A short hash of a file's bytes: the `v` of its versioned address."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass
class _File:
    body: bytes
    kind: str
    version: str
    etag: str
    compressed: bytes | None = field(default=None, repr=False)
    compressible: bool = False

    def gzipped(self) -> bytes:
        if self.compressed is None:
            self.compressed = _gzip(self.etag, self.body)
        return self.compressed


class Assets:
    """An ASGI app answering GET and HEAD for a fixed set of files, by name."""

    def __init__(self, files: dict[str, Path], made: dict[str, bytes] | None = None) -> None:
        """`files` by name, and `made`: bytes the program makes (the world map), by name."""
        self._files: dict[str, _File] = {}
        bodies = {name: path.read_bytes() for name, path in files.items()} | (made or {})
        for name, body in bodies.items():
            suffix = Path(name).suffix
            kind = TYPES.get(suffix) or mimetypes.guess_type(name)[0]
            tag = hashlib.sha256(body).hexdigest()
            self._files["/" + name] = _File(
                body,
                kind or "application/octet-stream",
                tag[:16],
                f'"{tag[:32]}"',
                compressible=suffix in COMPRESSED,
            )

    def warm(self) -> None:
        """Compress the text files in a background thread, so that no request waits for it."""
        files = [f for f in self._files.values() if f.compressible]
        threading.Thread(target=lambda: [f.gzipped() for f in files], daemon=True).start()

    @classmethod
    def folder(cls, folder: Path, made: dict[str, bytes] | None = None) -> Assets:
        """Every file directly inside `folder`, by its name, and the `made` ones."""
        return cls({p.name: p for p in sorted(folder.iterdir()) if p.is_file()}, made)

    async def respond(self, request: Request, name: str) -> Response:
        """One of the files as a route's answer (304 if the client has it already)."""
        status, headers, body = await _answer_for(self._files["/" + name], request)
        plain = {k.decode(): v.decode() for k, v in headers if k != b"content-length"}
        if status == 304:
            return Response(status_code=304, headers=plain)
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
        status, headers, body = await _answer_for(found, Request(scope))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


async def _answer_for(
    found: _File, request: Request
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of one file for one request.

    The gzip form has its own ETag (the same bytes' tag with `-gz`), as a strong
    ETag names one sequence of bytes: a 304 answers an If-None-Match that names
    the form this request would get.
    """
    versioned = request.query_params.get("v") == found.version
    compress = found.compressible and "gzip" in request.headers.get("accept-encoding", "")
    etag = found.etag[:-1] + '-gz"' if compress else found.etag
    headers = [
        (b"etag", etag.encode()),
        (b"cache-control", (FOREVER if versioned else REVALIDATE).encode()),
    ]
    if found.compressible:
        headers.append((b"vary", b"Accept-Encoding"))
    asked = request.headers.get("if-none-match")
    if asked is not None and etag in {t.strip() for t in asked.split(",")}:
        return 304, headers, b""
    body = found.body
    if compress:
        if found.compressed is None:  # once, in a thread: not on the event loop
            await anyio.to_thread.run_sync(found.gzipped)
        body = found.gzipped()
        headers.append((b"content-encoding", b"gzip"))
    headers.append((b"content-type", found.kind.encode()))
    headers.append((b"content-length", str(len(body)).encode()))
    return 200, headers, body


def versioned(prefix: str, name: str, body: bytes) -> str:
    """The versioned address of bytes made by the program, served as `name` (`Assets`)."""
    return f"{prefix}/{name}?v={hashlib.sha256(body).hexdigest()[:16]}"


def url(name: str, folder: Path, prefix: str) -> str:
    """The versioned address of a file of `folder` served under `prefix` (`Assets`)."""
    return f"{prefix}/{name}?v={version(folder / name)}"


async def _answer(send: Send, status: int, text: bytes) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    headers.append((b"content-length", str(len(text)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})
