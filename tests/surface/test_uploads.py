"""Uploads: every accepted kind of file, streaming, retries, and refused inputs.

`aws.buckets.upload(file=...)` and `aws.buckets.bulk_upload(bulk=[...])` take
bytes, binary file objects (read from where they stand), `pathlib.Path`, and
`(filename, content)` / `(filename, content, mime)` tuples. Bad inputs are
refused before anything reaches the transport. Large files are streamed, and
a retried upload sends the very same bytes again.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import time
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple

import pytest

from .conftest import (
    OPS_BY_ID,
    Answer,
    Part,
    Recorder,
    answer_value,
    async_client,
    parse_multipart,
    resolve,
    settle,
    sync_client,
)

MODES = pytest.mark.parametrize("mode", ["sync", "async"])
UPLOAD = OPS_BY_ID["aws.buckets.upload"]
BULK = OPS_BY_ID["aws.buckets.bulk_upload"]
STORED, _ = answer_value(UPLOAD.response_schema or {})
MiB = 1024 * 1024


def answer(status: int = 201, **headers: str) -> Answer:
    return Answer.json(STORED if status < 300 else {"message": "busy"}, status, **headers)


def bulk_answer() -> Answer:
    return Answer.json([STORED], 201)


async def upload(mode: str, *script: Answer, **kwargs: Any) -> Recorder:
    """`client.aws.buckets.upload(**kwargs)` (or `bulk_upload` when `bulk` is given)."""
    script = script or ((bulk_answer(),) if "bulk" in kwargs else (answer(),))
    options = {key: kwargs.pop(key) for key in ("max_retries",) if key in kwargs}
    if mode == "sync":
        client, recorder = sync_client(*script, **options)
    else:
        client, recorder = async_client(*script, **options)  # type: ignore[assignment]
    method = client.aws.buckets.bulk_upload if "bulk" in kwargs else client.aws.buckets.upload
    await settle(method(**kwargs))
    return recorder


def parts_of(recorder: Recorder, index: int = -1) -> List[Part]:
    sent = recorder.sent[index]
    assert int(sent.headers["content-length"]) == len(sent.body)
    return parse_multipart(sent.headers["content-type"], sent.body)


def file_part(recorder: Recorder, name: str = "file") -> Part:
    (part,) = [p for p in parts_of(recorder) if p.name == name]
    return part


def guessed(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


# --------------------------------------------------------------------------- each kind of file

DATA = b"\x00binary\r\n--not-a-boundary\r\n\xff" * 3


def _bytes(tmp: Path) -> Any:
    return DATA


def _bytearray(tmp: Path) -> Any:
    return bytearray(DATA)


def _bytesio(tmp: Path) -> Any:
    return io.BytesIO(DATA)


def _path(tmp: Path) -> Any:
    (tmp / "report.csv").write_bytes(DATA)
    return tmp / "report.csv"


def _name_bytes(tmp: Path) -> Any:
    return ("notes.txt", DATA)


def _name_bytes_mime(tmp: Path) -> Any:
    return ("blob.bin", DATA, "image/png")


def _name_path(tmp: Path) -> Any:
    (tmp / "report.csv").write_bytes(DATA)
    return ("renamed.pdf", tmp / "report.csv")


def _name_bytesio_mime(tmp: Path) -> Any:
    return ("x.json", io.BytesIO(DATA), "application/vnd.test+json")


KINDS: List[Tuple[str, Callable[[Path], Any], Optional[str], str]] = [
    ("bytes", _bytes, None, "application/octet-stream"),
    ("bytearray", _bytearray, None, "application/octet-stream"),
    ("BytesIO", _bytesio, None, "application/octet-stream"),
    ("Path", _path, "report.csv", guessed("report.csv")),
    ("(name, bytes)", _name_bytes, "notes.txt", guessed("notes.txt")),
    ("(name, bytes, mime)", _name_bytes_mime, "blob.bin", "image/png"),
    ("(name, Path)", _name_path, "renamed.pdf", guessed("renamed.pdf")),
    ("(name, BytesIO, mime)", _name_bytesio_mime, "x.json", "application/vnd.test+json"),
]


@MODES
@pytest.mark.parametrize("make, filename, mime", [k[1:] for k in KINDS], ids=[k[0] for k in KINDS])
async def test_each_kind_of_file_is_sent_as_a_multipart_part(
    mode: str, tmp_path: Path, make: Any, filename: Optional[str], mime: str
) -> None:
    recorder = await upload(mode, file=make(tmp_path), path="docs/2026")
    sent = recorder.last
    assert sent.request.method == "POST" and sent.path.endswith("/aws/buckets/upload")
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    parts = parts_of(recorder)
    assert [p.name for p in parts if p.name != "file"] == ["path"]
    assert [p.data for p in parts if p.name == "path"] == [b"docs/2026"]
    part = file_part(recorder)
    assert part.data == DATA
    assert part.filename == filename if filename else part.filename
    assert part.content_type == mime


@MODES
async def test_an_open_binary_file_is_read_from_its_current_position(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"HEADER:payload-bytes")
    with path.open("rb") as handle:
        handle.read(7)
        recorder = await upload(mode, file=handle)
        assert not handle.closed  # the caller's file is left open
    part = file_part(recorder)
    assert part.data == b"payload-bytes"
    assert part.filename == "data.bin"


@MODES
async def test_a_bytesio_is_read_from_its_current_position(mode: str) -> None:
    stream = io.BytesIO(b"skip|keep")
    stream.seek(5)
    recorder = await upload(mode, file=stream)
    assert file_part(recorder).data == b"keep"


@MODES
async def test_bulk_upload_sends_every_kind_as_repeated_parts(mode: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"A-content")
    with (tmp_path / "a.txt").open("rb") as handle:
        recorder = await upload(
            mode,
            bulk=[b"raw", tmp_path / "a.txt", ("b.csv", b"B"), ("c.bin", b"C", "image/gif"), handle, io.BytesIO(b"io")],
            path="folder",
        )
    parts = parts_of(recorder)
    files = [(p.filename, p.content_type, p.data) for p in parts if p.name == "bulk[]"]
    assert [data for _, _, data in files] == [b"raw", b"A-content", b"B", b"C", b"A-content", b"io"]
    assert files[1][:2] == ("a.txt", "text/plain")
    assert files[2][:2] == ("b.csv", guessed("b.csv"))
    assert files[3][:2] == ("c.bin", "image/gif")
    assert all(filename for filename, _, _ in files)
    assert [(p.name, p.data) for p in parts if p.name != "bulk[]"] == [("path", b"folder")]


@MODES
async def test_upload_without_a_file_is_still_multipart(mode: str) -> None:
    # The earlier SDK crashed here; the spec allows only multipart/form-data.
    recorder = await upload(mode, path="only-a-folder")
    assert [(p.name, p.data) for p in parts_of(recorder)] == [("path", b"only-a-folder")]


@MODES
async def test_bulk_upload_without_files_is_still_multipart(mode: str) -> None:
    # The earlier SDK sent JSON here, which the API answers with 415.
    recorder = await upload(mode, bulk=[], path="p")
    assert recorder.last.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert [(p.name, p.data) for p in parts_of(recorder)] == [("path", b"p")]
    client, recorder = sync_client(bulk_answer())
    client.aws.buckets.bulk_upload()
    assert recorder.last.headers["content-type"].startswith("multipart/form-data; boundary=")


@MODES
async def test_a_filename_with_quotes_and_line_breaks_cannot_break_the_framing(mode: str) -> None:
    recorder = await upload(mode, file=('evil"\r\nX-Injected: 1\r\n.txt', b"body"))
    parts = parts_of(recorder)
    assert [p.name for p in parts] == ["file"]
    assert parts[0].data == b"body"
    assert b"\r\nX-Injected" not in recorder.last.body


# --------------------------------------------------------------------------- refused inputs


async def refused(mode: str, error: Any, match: Optional[str], **kwargs: Any) -> None:
    if mode == "sync":
        client, recorder = sync_client(answer())
    else:
        client, recorder = async_client(answer())  # type: ignore[assignment]
    method = client.aws.buckets.bulk_upload if "bulk" in kwargs else client.aws.buckets.upload
    with pytest.raises(error, match=match):
        await settle(method(**kwargs))
    assert recorder.sent == [], "the transport was called with a bad upload"


@MODES
async def test_a_missing_file_is_refused_before_sending(mode: str, tmp_path: Path) -> None:
    await refused(mode, FileNotFoundError, "missing.pdf", file=tmp_path / "missing.pdf")
    await refused(mode, FileNotFoundError, "missing.pdf", file=("name.pdf", tmp_path / "missing.pdf"))
    await refused(mode, FileNotFoundError, "missing.pdf", bulk=[b"ok", tmp_path / "missing.pdf"])


@MODES
async def test_a_directory_is_refused_before_sending(mode: str, tmp_path: Path) -> None:
    await refused(mode, (FileNotFoundError, IsADirectoryError, ValueError, TypeError), None, file=tmp_path)


@MODES
async def test_a_text_mode_file_is_refused_before_sending(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("hello")
    with path.open("r") as handle:
        await refused(mode, TypeError, "text mode", file=handle)
    with path.open("r", encoding="utf-8") as handle:
        await refused(mode, TypeError, "text", bulk=[handle])
    await refused(mode, TypeError, "text", file=io.StringIO("text"))


@MODES
async def test_a_str_is_refused_with_a_helpful_message(mode: str) -> None:
    await refused(mode, TypeError, r"pathlib\.Path", file="report.csv")
    await refused(mode, TypeError, "bytes", file="report.csv")
    await refused(mode, TypeError, r"pathlib\.Path", file=("name.txt", "content as str"))
    await refused(mode, TypeError, r"pathlib\.Path", bulk=["a.txt"])


@MODES
async def test_other_wrong_uploads_are_refused(mode: str) -> None:
    await refused(mode, TypeError, "int", file=12345)
    await refused(mode, TypeError, "tuple", file=("only-a-name",))
    await refused(mode, TypeError, "list", bulk=b"not a list")
    await refused(mode, TypeError, "list", bulk=("a.txt", b"x"))
    await refused(mode, ValueError, "line break", file=("a.txt", b"x", "text/plain\r\nX-Evil: 1"))


# --------------------------------------------------------------------------- large files and retries


def big_file(tmp_path: Path, size: int = 20 * MiB) -> Tuple[Path, bytes]:
    block = hashlib.sha256(b"seed").digest() * 4096  # 128 KiB, not a multiple of the chunk size
    data = (block * (size // len(block) + 1))[:size]
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    return path, data


@MODES
async def test_a_20_mb_path_is_streamed_in_chunks_of_at_most_1_mb(mode: str, tmp_path: Path) -> None:
    path, data = big_file(tmp_path)
    recorder = await upload(mode, file=path, path="big")
    sent = recorder.last
    assert sent.streamed, "a 20 MB file was put in the request as one bytes object"
    assert not isinstance(sent.request.content, (bytes, bytearray))
    assert max(sent.chunk_sizes) <= MiB
    assert int(sent.headers["content-length"]) == len(sent.body) > len(data)
    assert hashlib.sha256(file_part(recorder).data).digest() == hashlib.sha256(data).digest()
    # The body can be read again (a retry does so) and gives the same bytes.
    again = b"".join(sent.request.content)  # type: ignore[arg-type]
    assert again == sent.body


def _kinds_for_retry(tmp_path: Path) -> List[Tuple[str, Any, bytes]]:
    path, data = big_file(tmp_path, 3 * MiB + 17)
    stream = io.BytesIO(b"ignored" + data)
    stream.seek(7)
    return [
        ("Path", path, data),
        ("BytesIO", stream, data),
        ("bytes", data, data),
        ("tuple", ("t.bin", path, "application/x-test"), data),
    ]


@pytest.mark.parametrize("kind", ["Path", "BytesIO", "bytes", "tuple", "open-file"])
def test_a_retried_upload_sends_identical_bytes_twice(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: List[float] = []
    monkeypatch.setattr(time, "sleep", sleeps.append)
    kinds = {name: (value, data) for name, value, data in _kinds_for_retry(tmp_path)}
    client, recorder = sync_client(answer(503), answer(201), max_retries=1)
    if kind == "open-file":
        value, data = kinds["Path"]
        with value.open("rb") as handle:
            handle.read(5)
            result = client.aws.buckets.upload(file=handle, path="again")
        data = data[5:]
    else:
        value, data = kinds[kind]
        result = client.aws.buckets.upload(file=value, path="again")
    assert result.to_dict() == STORED
    assert len(recorder.sent) == 2 and len(sleeps) == 1
    first, second = recorder.sent
    assert first.body == second.body
    assert first.headers == second.headers  # same boundary, length and Idempotency-Key
    assert file_part(recorder).data == data


async def test_a_retried_async_upload_sends_identical_bytes_twice(tmp_path: Path) -> None:
    path, data = big_file(tmp_path, 2 * MiB + 1)
    client, recorder = async_client(answer(503, **{"retry-after-ms": "0"}), answer(201), max_retries=1)
    await client.aws.buckets.upload(file=path)
    first, second = recorder.sent
    assert first.streamed and first.body == second.body and first.headers == second.headers
    assert file_part(recorder).data == data


def test_a_retried_bulk_upload_sends_identical_bytes_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    path, data = big_file(tmp_path, MiB + 3)
    client, recorder = sync_client(Answer.json({"message": "busy"}, 503), bulk_answer(), max_retries=1)
    client.aws.buckets.bulk_upload(bulk=[path, io.BytesIO(b"second"), b"third"])
    first, second = recorder.sent
    assert first.body == second.body
    assert [p.data for p in parts_of(recorder) if p.name == "bulk[]"] == [data, b"second", b"third"]


def test_no_retry_without_max_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    import wootiv

    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    client, recorder = sync_client(answer(503), answer(201), max_retries=0)
    with pytest.raises(wootiv.InternalServerError):
        client.aws.buckets.upload(file=b"x")
    assert len(recorder.sent) == 1


def test_upload_schemas_are_what_these_tests_assume() -> None:
    assert resolve(UPLOAD.body_schema["properties"]["file"])["format"] == "binary"
    assert BULK.body_schema["properties"]["bulk"]["x-sdk-multipart-part-name"] == "bulk[]"
    assert UPLOAD.body_media == BULK.body_media == "multipart/form-data"
