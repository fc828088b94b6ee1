"""Uploads: every accepted kind of file, streaming, retries, and refused inputs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, List

import pytest

from wootiv import Wootiv
from wootiv_core.http import Headers, Request, Response

STORED = {"baseUrl": "b", "filename": "f", "mime": "m", "path": "p", "pathWithFilename": "p/f", "signedUrl": "s"}


class Recorder:
    def __init__(self, statuses: List[int] = [201]) -> None:
        self.sent: List[Request] = []
        self.bodies: List[bytes] = []
        self.statuses = list(statuses)

    def send(self, request: Request) -> Response:
        self.sent.append(request)
        content = request.content
        chunks = [content] if isinstance(content, bytes) else list(content)
        assert all(len(chunk) <= 1024 * 1024 for chunk in chunks)
        self.bodies.append(b"".join(chunks))
        status = self.statuses.pop(0) if self.statuses else 201
        headers = Headers({"content-type": "application/json", "retry-after-ms": "1"})
        return Response(status, headers, json.dumps(STORED).encode(), request)

    def close(self) -> None:
        pass


def upload(file: Any, **options: Any) -> Recorder:
    recorder = Recorder(**options)
    Wootiv(api_key="k", http_client=recorder).aws.buckets.upload(file=file, path="docs")
    return recorder


def part_of(body: bytes) -> bytes:
    return body.split(b'name="file"', 1)[1].split(b"\r\n--wootiv-", 1)[0]


@pytest.mark.parametrize(
    "make, filename, mime",
    [
        (lambda tmp: b"data-123", "upload", "application/octet-stream"),
        (lambda tmp: io.BytesIO(b"data-123"), "upload", "application/octet-stream"),
        (lambda tmp: ("notes.txt", b"data-123"), "notes.txt", "text/plain"),
        (lambda tmp: ("blob.bin", b"data-123", "image/png"), "blob.bin", "image/png"),
        (lambda tmp: tmp, "report.csv", "text/csv"),
        (lambda tmp: ("renamed.csv", tmp), "renamed.csv", "text/csv"),
    ],
    ids=["bytes", "bytesio", "name-bytes", "name-bytes-mime", "path", "name-path"],
)
def test_each_kind_of_file_is_sent_as_multipart(tmp_path: Path, make: Any, filename: str, mime: str) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"data-123")
    recorder = upload(make(path))
    part = part_of(recorder.bodies[0])
    assert part == f'; filename="{filename}"\r\nContent-Type: {mime}\r\n\r\ndata-123'.encode()


def test_an_open_binary_file_is_read_from_where_it_stands(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"HEADERpayload")
    with path.open("rb") as handle:
        handle.read(6)
        recorder = upload(handle)
    assert part_of(recorder.bodies[0]).endswith(b"\r\n\r\npayload")


def test_a_large_file_is_streamed_and_a_retry_sends_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * (20 * 4096))  # 20 MiB
    recorder = Recorder(statuses=[503, 201])
    Wootiv(api_key="k", http_client=recorder, max_retries=1).aws.buckets.upload(file=path)
    first, second = recorder.sent
    assert first is second and not isinstance(first.content, bytes)
    assert recorder.bodies[0] == recorder.bodies[1]
    assert int(first.headers["Content-Length"]) == len(recorder.bodies[0]) > 20 * 1024 * 1024


def test_bulk_upload_sends_repeated_bulk_parts(tmp_path: Path) -> None:
    recorder = Recorder()
    (tmp_path / "a.txt").write_bytes(b"A")
    Wootiv(api_key="k", http_client=recorder).aws.buckets.bulk_upload(bulk=[tmp_path / "a.txt", ("b.txt", b"B")], path="x")
    body = recorder.bodies[0]
    assert body.count(b'name="bulk[]"') == 2 and b'name="path"\r\n\r\nx\r\n' in body


def test_bad_files_are_refused_before_sending(tmp_path: Path) -> None:
    recorder = Recorder()
    client = Wootiv(api_key="k", http_client=recorder)
    with pytest.raises(FileNotFoundError, match="no such file"):
        client.aws.buckets.upload(file=tmp_path / "missing.pdf")
    text_file = tmp_path / "t.txt"
    text_file.write_text("hello")
    with text_file.open("r") as handle:
        with pytest.raises(TypeError, match="text mode"):
            client.aws.buckets.upload(file=handle)
    with pytest.raises(TypeError, match="pathlib.Path"):
        client.aws.buckets.upload(file="report.csv")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="list of uploads"):
        client.aws.buckets.bulk_upload(bulk=b"not a list")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="line break"):
        client.aws.buckets.upload(file=("a.txt", b"x", "text/plain\r\nX-Evil: 1"))
    assert recorder.sent == []
