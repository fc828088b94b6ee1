"""multipart/form-data bodies: measured up front, re-iterable byte for byte, read lazily."""

from __future__ import annotations

import re
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.api import operations as ops
from wootiv_core.config import ClientConfig
from wootiv_core.http import Request
from wootiv_core.multipart import BytesSource, FileSource, MultipartBody, encode_multipart
from wootiv_core.operation import Call, CallOptions
from wootiv_core.request_builder import build_request

CONFIG = ClientConfig(api_key="k", base_url="http://api.test")


def upload(args: Dict[str, Any], nonce: str = "c0ffee42", **options: Any) -> Request:
    op = ops.AWS_BUCKETS_BULK_UPLOAD if "bulk" in args or "file" not in args else ops.AWS_BUCKETS_UPLOAD
    return build_request(CONFIG, Call(op, args, CallOptions(**options)), nonce)


def parts_of(content_type: str, body: bytes) -> List[Tuple[Dict[str, str], bytes]]:
    """Split a multipart body with the standard library's MIME parser."""
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    assert message.is_multipart() and not message.defects
    out: List[Tuple[Dict[str, str], bytes]] = []
    for part in message.iter_parts():
        params = dict(part.get_params(header="content-disposition")[1:])
        payload = part.get_payload(decode=True)
        out.append(({"name": params.get("name", ""), "filename": params.get("filename", ""), "type": part.get_content_type()}, payload))
    return out


class Counted(FileSource):
    """A file that counts how often it is read."""

    def __init__(self, data: bytes, filename: str = "counted.bin") -> None:
        self.data, self.filename, self.content_type, self.size = data, filename, "application/octet-stream", len(data)
        self.reads = 0

    def chunks(self) -> Iterator[bytes]:
        self.reads += 1
        for start in range(0, len(self.data), 7):
            yield self.data[start : start + 7]


@settings(max_examples=80, deadline=None)
@given(
    files=st.lists(st.tuples(st.binary(max_size=200_000 // 8), st.text(min_size=1, max_size=12)), max_size=4),
    path=st.one_of(st.none(), st.text(max_size=10)),
)
def test_bulk_upload_bodies_repeat_exactly_and_are_measured(files: List[Tuple[bytes, str]], path: Any) -> None:
    sources = [BytesSource(data, name) for data, name in files]
    request = upload({"bulk": sources, "path": path})
    content = request.content
    assert isinstance(content, MultipartBody)
    first, second = b"".join(content), b"".join(content)
    assert first == second
    assert int(request.headers["Content-Length"]) == len(first) == content.length
    assert request.headers["Content-Type"] == "multipart/form-data; boundary=wootiv-c0ffee42"
    assert first.startswith(b"--wootiv-c0ffee42") and first.endswith(b"--wootiv-c0ffee42--\r\n")
    assert first.count(b'name="bulk[]"') == len(files)
    if files or path is not None:
        parts = parts_of(request.headers["Content-Type"], first)
        uploaded = [(meta["filename"], data) for meta, data in parts if meta["name"] == "bulk[]"]
        assert uploaded == [(name, data) for data, name in files] or any("\r" in n or "\n" in n or '"' in n or "\\" in n for _, n in files)
        assert [data for meta, data in parts if meta["name"] == "bulk[]"] == [data for data, _ in files]


def test_parts_read_back_with_a_mime_parser() -> None:
    files = [BytesSource(b"\x00\x01binary\r\n--not-the-boundary\r\n", "a.bin"), BytesSource("héllo".encode(), "notes.txt", "text/plain")]
    request = upload({"bulk": files, "path": "docs/2026"})
    parts = parts_of(request.headers["Content-Type"], b"".join(request.content))  # type: ignore[arg-type]
    assert [(meta["name"], meta["filename"]) for meta, _ in parts] == [("path", ""), ("bulk[]", "a.bin"), ("bulk[]", "notes.txt")]
    assert parts[0][1] == b"docs/2026"
    assert parts[1][1] == files[0].data and parts[1][0]["type"] == "application/octet-stream"
    assert parts[2][1] == files[1].data and parts[2][0]["type"] == "text/plain"


def test_single_upload_is_named_file() -> None:
    request = upload({"file": BytesSource(b"x", "one.txt")})
    parts = parts_of(request.headers["Content-Type"], b"".join(request.content))  # type: ignore[arg-type]
    assert [(meta["name"], meta["filename"], data) for meta, data in parts] == [("file", "one.txt", b"x")]


def test_the_boundary_comes_from_the_nonce() -> None:
    one = upload({"bulk": [BytesSource(b"a")]}, nonce="aaaa1111")
    two = upload({"bulk": [BytesSource(b"a")]}, nonce="bbbb2222")
    assert one.headers["Content-Type"].endswith("boundary=wootiv-aaaa1111")
    assert two.headers["Content-Type"].endswith("boundary=wootiv-bbbb2222")
    assert one.headers["Idempotency-Key"] == "aaaa1111"
    assert b"".join(one.content) != b"".join(two.content)  # type: ignore[arg-type]


def test_without_files_it_is_still_multipart() -> None:
    request = upload({"path": "p"})
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert [meta["name"] for meta, _ in parts_of(request.headers["Content-Type"], b"".join(request.content))] == ["path"]  # type: ignore[arg-type]
    empty = upload({})
    assert b"".join(empty.content) == b"--wootiv-c0ffee42--\r\n"  # type: ignore[arg-type]
    assert empty.headers["Content-Length"] == str(len(b"--wootiv-c0ffee42--\r\n"))


def test_files_are_read_only_while_sending_and_again_on_each_attempt() -> None:
    source = Counted(b"0123456789" * 10)
    request = upload({"bulk": [source, source]})
    assert source.reads == 0  # building reads nothing
    assert b"".join(request.content).count(source.data) == 2  # type: ignore[arg-type]
    assert source.reads == 2
    assert b"".join(request.content).count(source.data) == 2  # type: ignore[arg-type]
    assert source.reads == 4


def test_large_files_stream_in_chunks() -> None:
    data = bytes(range(256)) * 1024  # 256 KiB
    request = upload({"bulk": [BytesSource(data, "big.bin")]})
    chunks = list(request.content)  # type: ignore[arg-type]
    assert max(len(chunk) for chunk in chunks) <= 64 * 1024 and len(chunks) > 4
    assert sum(map(len, chunks)) == int(request.headers["Content-Length"])
    assert data in b"".join(chunks)


def test_names_and_file_names_cannot_break_the_part_header() -> None:
    content_type, body, length = encode_multipart({"we\"ird\r\nname": "v"}, [("bulk[]", BytesSource(b"x", 'evil"\r\nX-Injected: 1.txt'))], "tok")
    raw = b"".join(body)
    assert len(raw) == length
    headers = [line for line in raw.split(b"\r\n") if line.startswith(b"Content-Disposition")]
    assert len(headers) == 2
    assert not any(line.startswith(b"X-Injected") for line in raw.split(b"\r\n"))
    assert b'filename="evil%22%0D%0AX-Injected: 1.txt"' in raw
    assert b'name="we%22ird%0D%0Aname"' in raw


def test_form_fields_use_brackets_for_arrays_and_objects() -> None:
    content_type, body, _ = encode_multipart({"tags": ["a", "b"], "meta": {"k": True, "n": None}, "skip": None, "count": 3}, [], "t")
    raw = b"".join(body)
    names = re.findall(rb'name="([^"]*)"\r\n\r\n([^\r]*)\r\n', raw)
    assert names == [(b"tags[]", b"a"), (b"tags[]", b"b"), (b"meta[k]", b"true"), (b"count", b"3")]
    assert content_type == "multipart/form-data; boundary=wootiv-t"


@pytest.mark.parametrize("size", [0, 1, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1])
def test_bytes_sources_yield_exactly_their_bytes(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    source = BytesSource(data)
    assert b"".join(source.chunks()) == data == b"".join(source.chunks()) and source.size == size


def test_the_exact_bytes_of_a_small_upload() -> None:
    request = upload({"bulk": [BytesSource(b"hi", "a.txt", "text/plain")], "path": "docs"}, nonce="n1")
    expected = (
        b"--wootiv-n1\r\n"
        b'Content-Disposition: form-data; name="path"\r\n'
        b"\r\n"
        b"docs\r\n"
        b"--wootiv-n1\r\n"
        b'Content-Disposition: form-data; name="bulk[]"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n"
        b"\r\n"
        b"hi\r\n"
        b"--wootiv-n1--\r\n"
    )
    assert b"".join(request.content) == expected  # type: ignore[arg-type]
    assert request.headers["Content-Length"] == str(len(expected)) == "191"
