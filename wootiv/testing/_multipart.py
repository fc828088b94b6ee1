"""Reading multipart/form-data request bodies (the upload endpoints)."""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from typing import Any, List, Optional, cast

import attrs

__all__ = ["Part", "parse_form"]


@attrs.frozen
class Part:
    """One form part: a field (`filename` is None) or a file."""

    name: str
    data: bytes
    filename: Optional[str] = None
    content_type: str = "text/plain"


def parse_form(content_type: str, body: bytes) -> List[Part]:
    """The parts of a multipart/form-data body; `ValueError` if it is not one."""
    if "boundary=" not in content_type:
        raise ValueError("multipart/form-data without a boundary")
    message = BytesParser().parsebytes(b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ValueError("the body is not multipart/form-data")
    parts: List[Part] = []
    payload = message.get_payload()
    assert isinstance(payload, list)
    for item in cast(List[Any], payload):
        part = cast(Message, item)
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("a form part has no name")
        filename = part.get_filename()
        data = part.get_payload(decode=True)
        parts.append(
            Part(name, data if isinstance(data, bytes) else b"", filename, part.get_content_type())
        )
    if message.defects:
        raise ValueError(f"malformed multipart body: {message.defects[0].__class__.__name__}")
    return parts
