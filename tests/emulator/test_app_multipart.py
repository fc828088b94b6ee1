"""The multipart/form-data reader of the upload operations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv.testing._multipart import MultipartError, Part, header_params, parse_multipart

from .test_app_support import form

TYPE = "multipart/form-data; boundary=test-boundary"


def test_fields_and_files_come_back_byte_for_byte() -> None:
    data = b"\x00\r\n--test-boundar\r\n\r\nend"
    _, body = form({"path": "docs"}, [("file", "a.bin", data, "application/octet-stream")])
    assert parse_multipart(TYPE, b"preamble\r\n" + body + b"epilogue") == [
        Part("path", b"docs", None, "text/plain"),
        Part("file", data, "a.bin", "application/octet-stream"),
    ]


def test_quoting_of_names_and_file_names() -> None:
    assert header_params('form-data; name="a%22b"; filename="c\\"d.txt"') == ("form-data", {"name": 'a"b', "filename": 'c"d.txt'})
    assert header_params("form-data; name=plain; filename*=UTF-8''%E2%82%AC.txt; filename=\"fallback\"")[1] == {"name": "plain", "filename": "€.txt"}
    assert header_params('Multipart/Form-Data; Boundary="a b"') == ("multipart/form-data", {"boundary": "a b"})
    assert header_params('x; name="unterminated') == ("x", {"name": "unterminated"})
    assert header_params("")[0] == ""


def test_a_quoted_boundary() -> None:
    body = b'--a b\r\nContent-Disposition: form-data; name="n"\r\n\r\nv\r\n--a b--\r\n'
    assert parse_multipart('multipart/form-data; boundary="a b"', body) == [Part("n", b"v")]


@pytest.mark.parametrize(
    "content_type, body, problem",
    [
        ("multipart/form-data", b"--x--", "no usable boundary"),
        ("text/plain; boundary=x", b"--x--", "expected multipart/form-data"),
        (TYPE, b"nothing here", "does not contain the boundary"),
        (TYPE, b'--test-boundary\r\nContent-Disposition: form-data; name="a"\r\n\r\nv', "closing boundary is missing"),
        (TYPE, b"--test-boundary\r\nContent-Type: text/plain\r\n\r\nv\r\n--test-boundary--", "lacks `Content-Disposition"),
        (TYPE, b"--test-boundary\r\nno blank line\r\n--test-boundary--", "no blank line"),
        (TYPE, b"--test-boundaryX\r\n--test-boundary--", "not followed by a line break"),
    ],
)
def test_malformed_bodies_are_refused(content_type: str, body: bytes, problem: str) -> None:
    with pytest.raises(MultipartError, match=problem):
        parse_multipart(content_type, body)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=40))
def test_any_input_parses_or_is_refused_cleanly(body: bytes, content_type: str) -> None:
    try:
        parse_multipart(content_type or TYPE, body)
    except MultipartError:
        pass
    header_params(content_type)
