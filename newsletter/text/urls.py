"""Normalizing links, so the same page is recognized however it was written."""

import functools
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# Query parameters that only track who clicked; they are dropped from links we print.
TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
}


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


_USERINFO = re.compile(r"(\w+://)[^/@\s]*@")


# What a request line may carry as it is: every printable ASCII character that has a
# meaning in an address, and '%' (escapes already made stay as they are).
_KEPT = "/:@!$&'()*+,;=-._~%?#[]"


def ascii_path(path: str) -> str:
    """An address's path and query as a request line carries them: letters outside
    ASCII and spaces percent-encoded (UTF-8), as browsers send them."""
    return quote(path, safe=_KEPT)


def without_credentials(text: str) -> str:
    """Text with the user name and password taken out of every address in it."""
    return _USERINFO.sub(r"\1", text)


def strip_tracking(url: str) -> str:
    """The same link without utm_* and other click-tracking parameters."""
    if "?" not in url:
        return url
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


@functools.lru_cache(maxsize=4096)
def normalize_url(url: str) -> str:
    """A key for comparing links: case, www., default ports, trailing slashes,
    fragments and tracking parameters do not make two links different. (Kept for a
    while: reading an issue asks for each of its links' keys more than once.)"""
    parts = urlsplit(strip_tracking(url.strip()))
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit(("https", host, path, query, ""))


LONG_ADDRESS = 40  # characters: an address longer than this is shown shortened


def short_address(url: str) -> str:
    """An address as a link's text where the address itself would be the text: whole
    when short, else its host and its last part ('docs.google.com/…/edit'), so that
    no unbroken run of characters widens an email (Yahoo breaks none)."""
    parts = urlsplit(url)
    whole = (parts.netloc + parts.path).rstrip("/") or url
    if len(whole) <= LONG_ADDRESS:
        return whole
    host = parts.netloc.removeprefix("www.")
    last = parts.path.rstrip("/").rsplit("/", 1)[-1][:20]
    return f"{host}/…/{last}" if last else host
