"""Google News article links, turned back into the publisher's URL they stand for.

A Google News RSS search links each item to ``news.google.com/rss/articles/<id>``, a page
of Google's, not the article. The id is URL-safe base64 of a small protobuf message whose
field 4 holds the publisher's URL. Newer ids hold an opaque token there instead (it
starts with ``AU_yqL``); for those, Google's article page carries a signature and a
timestamp (``data-n-a-sg``, ``data-n-a-ts``) that its ``batchexecute`` endpoint takes,
with the id, to answer the URL. This module reads and writes those pieces; the feed
spider does the fetching. Pure: strings in, strings out.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawlers.urls import is_fetchable_url

BATCHEXECUTE_PATH = "/_/DotsSplashUi/data/batchexecute"
NEEDS_GOOGLE_PREFIX = b"AU_yqL"

_ARTICLE_PATH = re.compile(r"^/(?:rss/)?(?:articles|read)/(?P<id>[A-Za-z0-9_-]{8,})/?$")
_URL_FIELD = 4  # the protobuf field that holds the publisher's URL (or the token)
_SIGNATURE = re.compile(r'data-n-a-sg="(?P<value>[^"]+)"')
_TIMESTAMP = re.compile(r'data-n-a-ts="(?P<value>\d+)"')


@dataclass(frozen=True, slots=True)
class OfflineDecoding:
    """What an article id says by itself: the publisher's URL, or that Google must be asked."""

    url: str | None = None
    needs_google: bool = False


def article_id(link: str, google_url: str) -> str | None:
    """The article id of a Google News article link on ``google_url``'s host, else None."""
    try:
        parts, google = urlsplit(link), urlsplit(google_url)
    except ValueError:
        return None
    if (parts.scheme, parts.netloc.lower()) != (google.scheme, google.netloc.lower()):
        return None
    match = _ARTICLE_PATH.match(parts.path)
    return match["id"] if match else None


def decode_offline(article_id: str) -> OfflineDecoding:
    """Read the publisher's URL out of an article id; ``needs_google`` for the newer ids."""
    try:
        message = base64.urlsafe_b64decode(article_id + "=" * (-len(article_id) % 4))
    except (binascii.Error, ValueError):
        return OfflineDecoding()
    payload = _length_delimited_field(message, _URL_FIELD)
    if payload is None:
        return OfflineDecoding()
    if payload.startswith(NEEDS_GOOGLE_PREFIX):
        return OfflineDecoding(needs_google=True)
    url = payload.decode("utf-8", errors="replace")
    return OfflineDecoding(url=url) if is_fetchable_url(url) else OfflineDecoding()


def encode_article_id(payload: bytes) -> str:
    """The article id Google would give ``payload`` (a URL or a token): for stand-in servers."""
    message = b"\x08\x13" + _field_header(_URL_FIELD) + _varint(len(payload)) + payload
    return base64.urlsafe_b64encode(message).decode("ascii").rstrip("=")


def decoding_params(article_page: str) -> tuple[str, str] | None:
    """The (signature, timestamp) Google's article page carries, or None without them."""
    signature, timestamp = _SIGNATURE.search(article_page), _TIMESTAMP.search(article_page)
    if signature is None or timestamp is None:
        return None
    return signature["value"], timestamp["value"]


def batchexecute_form(article_id: str, signature: str, timestamp: str) -> dict[str, str]:
    """The form fields of the ``batchexecute`` request that asks for an article's URL."""
    request = [
        "garturlreq",
        [
            ["X", "X", ["X", "X"], None, None, 1, 1, "US:en", None, 1] + [None] * 5 + [0, 1],
            *("X", "X", 1, [1, 1, 1], 1, 1, None, 0, 0, None, 0),
        ],
        article_id,
        int(timestamp),
        signature,
    ]
    inner = json.dumps(request, separators=(",", ":"))
    return {"f.req": json.dumps([[["Fbv4je", inner, None, "generic"]]], separators=(",", ":"))}


def url_from_batchexecute(body: str) -> str | None:
    """The publisher's URL in a ``batchexecute`` answer, or None when it holds none."""
    _, _, data = body.partition("\n\n")
    try:
        for envelope in json.loads(data):
            if isinstance(envelope, list) and len(envelope) > 2 and isinstance(envelope[2], str):
                answer = json.loads(envelope[2])
                if isinstance(answer, list) and answer[:1] == ["garturlres"]:
                    url = answer[1] if len(answer) > 1 else None
                    return url if isinstance(url, str) and is_fetchable_url(url) else None
    except (ValueError, TypeError):
        return None
    return None


def _length_delimited_field(message: bytes, wanted: int) -> bytes | None:
    """The first length-delimited field numbered ``wanted`` of a protobuf message."""
    at = 0
    while at < len(message):
        key, at = _read_varint(message, at)
        if key is None:
            return None
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            _, at = _read_varint(message, at)
        elif wire_type == 2:
            length, at = _read_varint(message, at)
            if length is None or at + length > len(message):
                return None
            if number == wanted:
                return message[at : at + length]
            at += length
        else:
            return None
        if at is None:
            return None
    return None


def _read_varint(data: bytes, at: int) -> tuple[int | None, int]:
    value = shift = 0
    while at < len(data) and shift < 64:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
    return None, at


def _field_header(number: int) -> bytes:
    return _varint(number << 3 | 2)


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
