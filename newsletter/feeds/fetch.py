"""Fetching one feed over HTTP, within limits a hostile or broken server cannot stretch.

feedparser has no timeout and reads whatever it is given, so the bytes are
fetched here: a connect timeout, a read timeout for each wait, a time limit
for the whole download (against servers that trickle), a size limit that also
holds after gzip, a bounded number of redirects, and conditional GET.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newsletter.text.urls import ascii_path

REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT_REDIRECTS = (301, 308)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    feed_timeout: float = 20.0  # one feed, first request to last byte, redirects included
    deadline: float = 30.0  # the whole collection
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    concurrency: int = 64


@dataclass
class Response:
    status: int  # 200, or 304 when the cached copy is still current
    url: str  # where the bytes came from, after redirects
    headers: dict[str, str]
    body: bytes
    moved_to: str | None = None  # the target of permanent redirects, to ask there next time


class FetchError(Exception):
    """Why a feed could not be fetched, in words an editor understands."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status  # the HTTP status, when the server answered with an error


class HostGate:
    """At most `per_host` requests at once to any one host, however many feeds it has."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    @contextmanager
    def slot(self, host: str, until: float | None = None) -> Iterator[None]:
        """Wait for a turn with `host`, at most until `until` (time.monotonic())."""
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.Semaphore(self.per_host))
        timeout = None if until is None else max(until - time.monotonic(), 0)
        if not semaphore.acquire(timeout=timeout):
            raise FetchError(
                f"never got its turn: many feeds on {host} share {self.per_host} "
                "connections at once (feeds.per_host), and its time ran out while it "
                "waited; the server itself was not slow"
            )
        try:
            yield
        finally:
            semaphore.release()


def fetch(
    url: str,
    *,
    limits: FetchLimits,
    user_agent: str,
    gate: HostGate,
    etag: str = "",
    last_modified: str = "",
    stop_at: float | None = None,
    method: str = "GET",
    read_body: bool = True,
) -> Response:
    """GET (or HEAD) `url`, following redirects, within the limits; raises FetchError.
    Without `read_body` only the status and headers are read (checking a link)."""
    feed_stop = time.monotonic() + limits.feed_timeout
    stop = min(feed_stop, stop_at) if stop_at else feed_stop
    visited: list[str] = []
    current = url
    moved_to: str | None = None
    all_permanent = True
    for _ in range(limits.max_redirects + 1):
        if current in visited:
            raise FetchError("redirect loop: the server sends us back where we were")
        visited.append(current)
        host = urlsplit(current).hostname or ""
        with gate.slot(host, until=stop):
            status, headers, body = _request(
                current,
                limits,
                user_agent,
                etag,
                last_modified,
                stop,
                feed_stop,
                method,
                read_body,
            )
        if status not in REDIRECTS:
            return Response(status, current, headers, body, moved_to)
        location = headers.get("location")
        if not location:
            raise FetchError(f"{status} redirect with no Location to follow")
        try:
            target = urljoin(current, location.strip())
            urlsplit(target).port  # noqa: B018 - raises for a port that is not one
        except ValueError:
            raise FetchError(
                f"redirected to an address that is not valid ({location[:60]})"
            ) from None
        if urlsplit(target).scheme not in ("http", "https"):
            raise FetchError(f"redirected to a non-web address ({target[:60]})")
        all_permanent = all_permanent and status in PERMANENT_REDIRECTS
        if all_permanent:
            moved_to = target
        current = target
    raise FetchError(f"more than {limits.max_redirects} redirects")


def _request(
    url: str,
    limits: FetchLimits,
    user_agent: str,
    etag: str,
    last_modified: str,
    stop: float,
    feed_stop: float,
    method: str = "GET",
    read_body: bool = True,
) -> tuple[int, dict[str, str], bytes]:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError:
        raise FetchError(f"not a valid web address: {url[:80]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not a web address: {url}")
    remaining = stop - time.monotonic()
    if remaining <= 0:
        raise _out_of_time(stop, feed_stop, limits)
    connect_timeout = min(limits.connect_timeout, remaining)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname,
            parts.port,
            timeout=connect_timeout,
            context=ssl.create_default_context(),
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=connect_timeout)
    headers = {"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    path = ascii_path((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    try:
        try:
            conn.connect()
        except TimeoutError:
            raise FetchError(f"could not connect within {connect_timeout:g} s") from None
        assert conn.sock is not None
        conn.sock.settimeout(min(limits.read_timeout, max(stop - time.monotonic(), 0.01)))
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        status = response.status
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        if status in REDIRECTS or status == 304:
            return status, response_headers, b""
        if status >= 400:
            reason = (response.reason or http.client.responses.get(status, "")).lower()
            raise FetchError(f"{status} {reason}".strip(), status=status)
        if not read_body:
            return status, response_headers, b""
        if status != 200:
            raise FetchError(f"unexpected answer {status} {response.reason}")
        body = _read_body(response, response_headers, limits, stop, feed_stop)
        return status, response_headers, body
    except TimeoutError:
        if time.monotonic() >= stop - 0.05:
            raise _out_of_time(stop, feed_stop, limits) from None
        raise FetchError(f"timed out after {limits.read_timeout:g} s with no answer") from None
    except ssl.SSLCertVerificationError as err:
        raise FetchError(f"the site's certificate is not valid ({err.verify_message})") from None
    except ssl.SSLError as err:
        raise FetchError(f"secure connection failed ({err.reason})") from None
    except socket.gaierror:
        raise FetchError(f"unknown host name '{parts.hostname}' (or no network)") from None
    except ConnectionRefusedError:
        raise FetchError("the server refused the connection") from None
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
        raise FetchError("the server closed the connection before answering") from None
    except http.client.IncompleteRead:
        raise FetchError("the server closed the connection half-way through") from None
    except (http.client.HTTPException, OSError) as err:
        raise FetchError(f"network error ({err.__class__.__name__}: {err})") from None
    except UnicodeError:  # a host name no IDNA encoding takes
        raise FetchError(f"not a valid web address: {url[:80]}") from None
    finally:
        conn.close()


def _out_of_time(stop: float, feed_stop: float, limits: FetchLimits) -> FetchError:
    if stop < feed_stop:
        return FetchError(f"gave up: the whole collection has {limits.deadline:g} s")
    return FetchError(f"timed out after {limits.feed_timeout:g} s (the server is too slow)")


def _read_body(
    response: http.client.HTTPResponse,
    headers: dict[str, str],
    limits: FetchLimits,
    stop: float,
    feed_stop: float,
) -> bytes:
    """Read at most max_bytes (after decompression), and stop at the time limit."""
    too_big = FetchError(f"too large: over {limits.max_bytes // (1024 * 1024)} MB")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_big
    gzipped = "gzip" in headers.get("content-encoding", "").lower()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > stop:
            raise _out_of_time(stop, feed_stop, limits)
        chunk = response.read1(65536)
        if not chunk:
            break
        if inflater is not None:
            try:
                chunk = inflater.decompress(chunk, limits.max_bytes - size + 1)
            except zlib.error:
                raise FetchError("the server sent damaged gzip data") from None
            if inflater.unconsumed_tail:
                raise too_big
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)
