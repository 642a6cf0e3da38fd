"""What an issue may carry of text a person wrote: the editor's markdown without
anything that runs, and addresses a reader can follow without harm.

The email's HTML is cleaned again by nh3 as it is rendered, but the same markdown
also goes into the archive's body (which GitHub or any markdown viewer shows), the
text part and the public site; and an archive file edited by hand is published as
it reads. So the text is cleaned where it comes in (notes as they are read, an
archive file as it is read, an issue as it is made), and everything downstream
stores and shows the cleaned form. The notes files keep what the editor typed.
model.cleaned and model.cleaned_issue apply these to every field of a note.
"""

from __future__ import annotations

import html
import re

# What the editor's markdown may hold as HTML, and which links a reader may follow:
# the same allow-list the email's HTML is cleaned with.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "small",
    "sub", "sup", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "a", "abbr", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
LINK_SCHEMES = {"http", "https", "mailto"}

# Elements whose content goes with them: what is inside a script is no text to show.
_GONE_WITH_CONTENT = (
    "script|style|iframe|object|embed|noscript|template|textarea|title|svg|math|"
    "frameset|frame|applet|form|select|button|noembed|noframes|xmp|plaintext"
)
_ELEMENT_AND_CONTENT = re.compile(
    rf"<({_GONE_WITH_CONTENT})\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^>]*)?)/?>")
_ATTRIBUTE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>")
# [text](address "title") and ![alt](address): one level of brackets in the text,
# one level of parentheses in the address (Wikipedia's /Foo_(bar)).
_LINK = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\(\s*(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
    r"(\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
)
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]*)>?.*$", re.MULTILINE)
# Code is shown as it is written, so nothing in it is touched.
_CODE = re.compile(r"(^ {0,3}(```|~~~).*?(?:^ {0,3}\2[^\n]*$|\Z)|(`+)(?!`).+?(?<!`)\3(?!`))",
                   re.MULTILINE | re.DOTALL)  # fmt: skip


def _as_a_browser_reads(address: str) -> str:
    """Entities decoded, white space and control characters dropped, in lower case:
    what a browser takes the scheme of an address to be."""
    return "".join(c for c in html.unescape(address) if c > " ").lower()


def safe_link(address: str) -> bool:
    """An address a reader may follow: http(s) or mailto, or one with no scheme (a
    relative link does no harm)."""
    seen = _as_a_browser_reads(address).replace("\x7f", "")  # javascript\x7f: too
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", seen)
    return scheme is None or scheme.group(1) in LINK_SCHEMES


def safe_address(address: str) -> str:
    """A field's address as a link's target: http(s) or mailto, else none at all."""
    seen = _as_a_browser_reads(address)
    return address if seen.startswith(("http://", "https://", "mailto:")) else ""


def clean_markdown(text: str) -> str:
    """The editor's markdown with nothing that runs: script and the like gone with
    their content, other HTML kept only when the email keeps it (and then only its
    allowed attributes), links and autolinks to javascript: and the like left as
    their text, pictures as their alt text. Code spans and blocks stay as written."""
    if "<" not in text and "](" not in text and "]:" not in text:
        return text  # nearly every note: nothing to look at
    parts = []
    last = 0
    for code in _CODE.finditer(text):
        parts.append(_clean_prose(text[last : code.start()]))
        parts.append(code.group(0))
        last = code.end()
    parts.append(_clean_prose(text[last:]))
    return "".join(parts)


def _clean_prose(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _ELEMENT_AND_CONTENT.sub("", text)
    text = _TAG.sub(_allowed_tag, text)
    text = _AUTOLINK.sub(lambda m: m.group(0) if safe_link(m.group(1)) else "", text)
    text = _LINK.sub(_allowed_link, text)
    return _DEFINITION.sub(lambda m: m.group(0) if safe_link(m.group(1)) else "", text)


def _allowed_tag(match: re.Match[str]) -> str:
    closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
    if name not in ALLOWED_TAGS:
        return ""
    if closing:
        return f"</{name}>"
    kept = []
    for attribute in _ATTRIBUTE.finditer(rest or ""):
        key = attribute.group(1).lower()
        value = html.unescape((attribute.group(2) or "").strip("\"'"))
        if key not in ALLOWED_ATTRIBUTES.get(name, set()):
            continue
        if key == "href" and not safe_link(value):
            continue
        kept.append(f' {key}="{html.escape(value, quote=True)}"')
    return f"<{name}{''.join(kept)}>"


def _allowed_link(match: re.Match[str]) -> str:
    picture, words, address = match.group(1), match.group(2), match.group(3).strip("<>")
    if picture:  # the email shows no pictures from the editor's text: their words only
        return words
    return match.group(0) if safe_link(address) else words
