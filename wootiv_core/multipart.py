"""multipart/form-data encoding for uploads, without reading the files.

The body is described as a list of segments: framing bytes produced here, and
`FileSource`s whose bytes are pulled only while the transport sends. The
total length is known up front (so `Content-Length` is set and nothing is
sent chunked), a large file is never held in memory, and iterating the body
again — as a retry does — sends the same bytes again.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, List, Mapping, Sequence, Tuple, Union, cast

__all__ = ["FileSource", "BytesSource", "MultipartBody", "encode_multipart"]

_CHUNK = 64 * 1024


class FileSource:
    """An upload's bytes, its file name and media type, read on demand.

    Subclasses implement `chunks()`, which must yield the same bytes every
    time it is called and exactly `size` of them.
    """

    filename: str
    content_type: str
    size: int

    def chunks(self) -> Iterator[bytes]:
        raise NotImplementedError


class BytesSource(FileSource):
    """An upload held in memory."""

    def __init__(self, data: bytes, filename: str = "upload", content_type: str = "application/octet-stream") -> None:
        self.data = data
        self.filename = filename
        self.content_type = content_type
        self.size = len(data)

    def chunks(self) -> Iterator[bytes]:
        view = memoryview(self.data)
        for start in range(0, len(view), _CHUNK):
            yield bytes(view[start : start + _CHUNK])

    def __repr__(self) -> str:
        return f"BytesSource({self.filename!r}, {self.size} bytes)"


Segment = Union[bytes, FileSource]


class MultipartBody:
    """A re-iterable multipart body; each iteration yields all of its bytes."""

    def __init__(self, segments: Sequence[Segment]) -> None:
        self.segments = tuple(segments)
        self.length = sum(len(seg) if isinstance(seg, bytes) else seg.size for seg in self.segments)

    def __iter__(self) -> Iterator[bytes]:
        for segment in self.segments:
            if isinstance(segment, bytes):
                yield segment
            else:
                yield from segment.chunks()

    def __repr__(self) -> str:
        return f"<MultipartBody {self.length} bytes>"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _fields(name: str, value: Any) -> List[Tuple[str, str]]:
    # Non-file arrays use the brackets format (`tags[]=a&tags[]=b`), objects `a[b]`.
    if value is None:
        return []
    if isinstance(value, Mapping):
        mapping = cast(Mapping[str, Any], value)
        return [pair for key, item in mapping.items() for pair in _fields(f"{name}[{key}]", item)]
    if isinstance(value, (list, tuple)):
        items = cast(Sequence[Any], value)
        return [pair for item in items for pair in _fields(f"{name}[]", item)]
    return [(name, _text(value))]


def encode_multipart(
    fields: Mapping[str, Any], files: Sequence[Tuple[str, FileSource]], token: str
) -> Tuple[str, MultipartBody, int]:
    """`(content_type, body, length)` for these form fields and files.

    `token` makes the boundary unique per call (it comes from the caller's
    random nonce).
    """
    boundary = f"wootiv-{token}"
    dash = f"--{boundary}\r\n".encode("ascii")
    segments: List[Segment] = []
    for name, value in fields.items():
        for key, text in _fields(name, value):
            head = f'Content-Disposition: form-data; name="{_quote(key)}"\r\n\r\n'
            segments.append(dash + head.encode("utf-8") + text.encode("utf-8") + b"\r\n")
    for name, source in files:
        head = (
            f'Content-Disposition: form-data; name="{_quote(name)}"; filename="{_quote(source.filename)}"\r\n'
            f"Content-Type: {source.content_type}\r\n\r\n"
        )
        segments.append(dash + head.encode("utf-8"))
        segments.append(source)
        segments.append(b"\r\n")
    segments.append(f"--{boundary}--\r\n".encode("ascii"))
    body = MultipartBody(segments)
    return f"multipart/form-data; boundary={boundary}", body, body.length
