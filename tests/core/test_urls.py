"""URL encoding: a path parameter is always one segment, query values split back exactly."""

from __future__ import annotations

import re
import string
from typing import Any, Dict, List, Tuple
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wootiv_core.urls import PathValueError, encode_path_segment, encode_query, query_value, render_path

# What may appear in an encoded segment: unreserved characters and %XX escapes (RFC 3986).
SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*")

NASTY = ["../x", "..", ".", "...", "a/b", "/", "//", "?q", "#f", "%2F", "%2e%2e", "a b", "a+b", "é/ü", "x?y#z",
         "\\..\\", "%", "{id}", "{slug}", "a;b", "a&b=c", ":", "@", "\u2028", "🙂", "\x80", "\xa0"]
IDS = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1)


@settings(max_examples=300)
@given(IDS)
def test_a_path_parameter_is_always_exactly_one_segment(value: str) -> None:
    segment = encode_path_segment(value)
    assert SEGMENT.fullmatch(segment), segment
    assert "/" not in segment and segment not in (".", "..")
    assert unquote(segment) == value


@pytest.mark.parametrize("value", NASTY)
def test_nasty_ids_keep_the_path_shape(value: str) -> None:
    template = "/mailbox/{id}/stream/{slug}/registry"
    path = render_path(template, {"id": value, "slug": value})
    assert path.count("/") == template.count("/")
    parts = path.split("/")
    assert parts[1] == "mailbox" and parts[3] == "stream" and parts[5] == "registry"
    assert unquote(parts[2]) == unquote(parts[4]) == value
    # What a client or proxy does to the URL keeps the path as it is.
    url = "http://api.test" + path
    assert urlsplit(url).path == path and urlsplit(url).query == "" and urlsplit(url).fragment == ""
    assert urljoin("http://api.test/", path) == url  # no dot-segment removal possible


@given(IDS, IDS)
def test_rendering_never_changes_the_segment_count(first: str, second: str) -> None:
    template = "/role-assignment/{assignment}/{id}"
    path = render_path(template, {"assignment": first, "id": second})
    assert len(path.split("/")) == len(template.split("/"))
    assert [unquote(part) for part in path.split("/")[2:]] == [first, second]


@pytest.mark.parametrize("value", ["\t", "a\x00", "\r\n", "\x7f", "x\x1b", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(value: str) -> None:
    with pytest.raises(PathValueError):
        encode_path_segment(value)
    with pytest.raises(PathValueError) as caught:
        render_path("/role/{id}", {"id": value})
    assert caught.value.name == "id"


def test_plain_ids_are_left_as_they_are() -> None:
    for value in ("abc", "01HZX3", "a-b_c.d~e", "A.b", "a.."):
        assert encode_path_segment(value) == value
    assert encode_path_segment(".") == "%2E" and encode_path_segment("..") == "%2E%2E"
    assert encode_path_segment(".hidden") == ".hidden"


items = st.one_of(st.text(), st.integers(), st.booleans())


@settings(max_examples=200)
@given(st.lists(items, min_size=1, max_size=6))
def test_query_arrays_are_comma_joined_and_split_back(values: List[Any]) -> None:
    encoded = encode_query([("fields", values)])
    name, equals, joined = encoded.partition("=")
    assert (name, equals) == ("fields", "=") and "&" not in joined
    assert [unquote(part) for part in joined.split(",")] == [query_value(value) for value in values]


def test_commas_inside_items_are_escaped() -> None:
    assert encode_query([("sort", ["name,ASC", "id,DESC"])]) == "sort=name%2CASC,id%2CDESC"
    assert encode_query([("filter", ["name||$eq||a b"])]) == "filter=name%7C%7C%24eq%7C%7Ca%20b"


def test_query_scalars_nested_objects_and_none() -> None:
    assert encode_query([("a", True), ("b", False), ("c", None), ("d", 3), ("e", 1.5)]) == "a=true&b=false&d=3&e=1.5"
    assert encode_query([("f", {"x": 1, "y": {"z": "w"}, "n": None})]) == "f[x]=1&f[y][z]=w"
    assert encode_query([("g", [True, None, False, 2])]) == "g=true,false,2"
    assert encode_query([("h", {"list": ["a", "b,c"]})]) == "h[list]=a,b%2Cc"
    assert encode_query([("or", ["a"]), ("or", ["b"])]) == "or=a&or=b"
    assert encode_query([]) == ""
    assert encode_query([("only", None)]) == ""


@settings(max_examples=200)
@given(st.dictionaries(st.text(min_size=1), st.one_of(st.text(), st.integers(), st.booleans(), st.none()), max_size=5))
def test_scalar_queries_parse_back(params: Dict[str, Any]) -> None:
    encoded = encode_query(list(params.items()))
    assert "+" not in encoded and " " not in encoded and "#" not in encoded
    parsed: List[Tuple[str, str]] = parse_qsl(encoded, keep_blank_values=True, strict_parsing=bool(encoded))
    assert parsed == [(key, query_value(value)) for key, value in params.items() if value is not None]


@given(st.dictionaries(st.text(string.ascii_letters, min_size=1), st.dictionaries(st.text(string.ascii_letters, min_size=1), st.text(), max_size=3), max_size=3))
def test_nested_objects_use_brackets(params: Dict[str, Dict[str, str]]) -> None:
    parsed = parse_qsl(encode_query(list(params.items())), keep_blank_values=True)
    assert parsed == [(f"{key}[{sub}]", value) for key, inner in params.items() for sub, value in inner.items()]
