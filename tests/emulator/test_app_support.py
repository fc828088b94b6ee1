"""Helpers shared by the `test_app_*` modules, which call `EmulatorApp.handle` directly.

(Named like a test module so that it stays among the application's test
files; it defines no tests itself.)
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from wootiv.testing import DEFAULT_API_KEY, EmulatorApp

AUTH = ("Authorization", f"Bearer {DEFAULT_API_KEY}")
HOST = ("Host", "127.0.0.1:3001")
JSON_HEADERS: List[Tuple[str, str]] = [AUTH, ("Content-Type", "application/json"), HOST]


def call(
    app: EmulatorApp,
    method: str,
    target: str,
    body: Any = None,
    headers: Optional[Sequence[Tuple[str, str]]] = None,
) -> Tuple[int, Any]:
    """(status, decoded JSON answer or None) of one request; a dict or list body is sent as JSON."""
    raw = body if isinstance(body, bytes) else (json.dumps(body).encode("utf-8") if body is not None else b"")
    status, answer_headers, payload = app.handle(method, target, list(headers if headers is not None else JSON_HEADERS), raw)
    if not payload:
        assert "content-type" not in {name.lower() for name, _ in answer_headers}
        return status, None
    assert dict(answer_headers)["Content-Type"] == "application/json; charset=utf-8"
    return status, json.loads(payload)


def form(fields: Dict[str, str], files: Sequence[Tuple[str, str, bytes, str]], boundary: str = "test-boundary") -> Tuple[List[Tuple[str, str]], bytes]:
    """Headers and body of a multipart/form-data request; files are (part name, file name, data, type)."""
    chunks: List[bytes] = []
    for name, value in fields.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode("utf-8"))
    for name, filename, data, media in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {media}\r\n\r\n'
        chunks.append(head.encode("utf-8") + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("utf-8"))
    return [AUTH, HOST, ("Content-Type", f"multipart/form-data; boundary={boundary}")], b"".join(chunks)
