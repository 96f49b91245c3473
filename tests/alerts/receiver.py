"""A webhook receiver on loopback for the alert tests: records each POST, answers `status`
after `delay` seconds."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status = status
        self.posts: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                receiver.posts.append((dict(self.headers.items()), self.rfile.read(size)))
                time.sleep(delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/hook"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def ids(self) -> list[str]:
        """The alert ids received, in order (with repeats)."""
        return [json.loads(body)["id"] for _, body in self.posts]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
