"""A real HTTP server on loopback that serves feed files the way blogs do: with
ETags and Last-Modified, gzip, redirects, delays, trickling, and failures."""

from __future__ import annotations

import gzip
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering
    trickle: float = 0.0  # seconds between single bytes of the body
    gzip: bool = False
    location: str | None = None  # for redirects
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # accept, read the request, never answer
    lie_length: int | None = None  # a Content-Length that is not the body's
    gate: threading.Event | None = None  # answer only once the test opens it


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # Clients that hang up early (timeouts, size limits) are the point of many
        # tests; anything else is still reported.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FeedServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.active = 0
        self.peak_by_host: int = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server name
                with server._lock:
                    server.requests.append(Seen(self.path, dict(self.headers)))
                    server.active += 1
                    server.peak_by_host = max(server.peak_by_host, server.active)
                self.counted = True
                try:
                    self._answer()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    self._done()

            def _done(self) -> None:
                """The request stops counting as active once its answer starts: from
                then on the client may finish and send the next request before this
                thread runs again, which on a busy machine made one request look like
                two at once."""
                if getattr(self, "counted", False):
                    self.counted = False
                    with server._lock:
                        server.active -= 1

            def send_response(self, code: int, message: str | None = None) -> None:
                self._done()
                super().send_response(code, message)

            def _answer(self) -> None:
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.hang:
                    server._stop.wait(30)
                    return
                if route.gate is not None:
                    route.gate.wait(60)
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if (
                    route.last_modified
                    and not route.etag
                    and self.headers.get("If-Modified-Since") == route.last_modified
                ):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body
                self.send_response(route.status)
                if route.location:
                    self.send_header("Location", route.location)
                if route.gzip:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                length = route.lie_length if route.lie_length is not None else len(body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if route.trickle:
                    for byte in body:
                        if server._stop.is_set():
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.trickle)
                else:
                    self.wfile.write(body)

        self.httpd = QuietServer((host, 0), Handler)
        self.host = host
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """A small RSS 2.0 feed; each item: title, link, and optional date, guid, description."""
    parts = [
        f"<?xml version='1.0' encoding='utf-8'?>\n<rss version='2.0'><channel>"
        f"<title>{title}</title><link>https://blog.example.org/</link>"
        f"<description>{title}</description>"
    ]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{item['title']}</title><link>{item['link']}</link>")
        if "date" in item:
            parts.append(f"<pubDate>{item['date']}</pubDate>")
        if "guid" in item:
            parts.append(f"<guid>{item['guid']}</guid>")
        if "description" in item:
            parts.append(f"<description>{item['description']}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")
