"""Reading multipart/form-data bodies (RFC 7578), for the two upload operations.

Written out rather than borrowed from `email`, because form bodies differ from
MIME mail in the details that matter here: part bodies are binary and must
come back byte for byte, and names and file names are quoted the way
browsers and the SDK quote them (`"` as `%22`, or with backslashes).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote

import attrs

__all__ = ["Part", "MultipartError", "parse_multipart", "header_params"]

MAX_PARTS = 1000


class MultipartError(ValueError):
    """A body that is not well-formed multipart/form-data; answered with a 400."""


@attrs.frozen
class Part:
    """One form part: a plain field when `filename` is None, else a file."""

    name: str
    data: bytes
    filename: Optional[str] = None
    content_type: str = "text/plain"

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def header_params(value: str) -> Tuple[str, Dict[str, str]]:
    """`form-data; name="a b"; filename*=UTF-8''x` as ("form-data", {"name": "a b", "filename": "x"}).

    Parameter names are lower-cased; an RFC 5987 `name*` value wins over a
    plain `name`. Never raises: a malformed header reads as well as it can.
    """
    main, _, rest = value.partition(";")
    params: Dict[str, str] = {}
    extended: Dict[str, str] = {}
    index = 0
    while index < len(rest):
        while index < len(rest) and rest[index] in " \t;":
            index += 1
        start = index
        while index < len(rest) and rest[index] not in "=;":
            index += 1
        key = rest[start:index].strip().lower()
        if index >= len(rest) or rest[index] == ";":
            continue
        index += 1
        if index < len(rest) and rest[index] == '"':
            text, index = _quoted(rest, index + 1)
            text = text.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
        else:
            start = index
            while index < len(rest) and rest[index] != ";":
                index += 1
            text = rest[start:index].strip()
        if key.endswith("*"):
            extended[key[:-1]] = _extended(text)
        elif key:
            params[key] = text
    params.update(extended)
    return main.strip().lower(), params


def _quoted(text: str, index: int) -> Tuple[str, int]:
    out: List[str] = []
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
        elif char == '"':
            return "".join(out), index + 1
        else:
            out.append(char)
            index += 1
    return "".join(out), index  # an unterminated quote runs to the end of the header


def _extended(text: str) -> str:
    charset, _, rest = text.partition("'")
    _, _, encoded = rest.partition("'")
    try:
        return unquote(encoded, encoding=charset or "utf-8", errors="strict")
    except (LookupError, UnicodeDecodeError):
        return text  # an unknown charset or bad bytes: keep the value as sent


def _headers(block: bytes) -> Dict[str, str]:
    headers: Dict[str, str] = {}
    for line in block.decode("utf-8", "replace").split("\r\n"):
        if not line:
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise MultipartError(f"a part header without a colon: {line[:40]!r}")
        headers[name.strip().lower()] = value.strip()
    return headers


def parse_multipart(content_type: str, body: bytes) -> List[Part]:
    """The parts of a multipart/form-data body, in order."""
    kind, params = header_params(content_type)
    if kind != "multipart/form-data":
        raise MultipartError(f"expected multipart/form-data, got {kind or 'no content type'}")
    boundary = params.get("boundary", "")
    if not boundary or len(boundary) > 200:
        raise MultipartError("the content type has no usable boundary")
    delimiter = b"\r\n--" + boundary.encode("latin-1", "replace")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2:
        raise MultipartError("the body does not contain the boundary")
    parts: List[Part] = []
    for chunk in chunks[1:]:  # chunks[0] is the preamble
        if chunk.startswith(b"--"):
            return parts
        if not chunk.startswith(b"\r\n"):
            raise MultipartError("a boundary is not followed by a line break")
        head, separator, data = chunk[2:].partition(b"\r\n\r\n")
        if chunk.startswith(b"\r\n\r\n"):
            head, separator, data = b"", b"\r\n", chunk[4:]
        if not separator:
            raise MultipartError("a part has no blank line after its headers")
        parts.append(_part(_headers(head), data))
        if len(parts) > MAX_PARTS:
            raise MultipartError(f"more than {MAX_PARTS} parts")
    raise MultipartError("the closing boundary is missing")


def _part(headers: Dict[str, str], data: bytes) -> Part:
    disposition, params = header_params(headers.get("content-disposition", ""))
    if disposition != "form-data" or "name" not in params:
        raise MultipartError("a part lacks `Content-Disposition: form-data; name=...`")
    media = header_params(headers.get("content-type", ""))[0]
    filename = params.get("filename")
    return Part(params["name"], data, filename, media or ("application/octet-stream" if filename is not None else "text/plain"))
