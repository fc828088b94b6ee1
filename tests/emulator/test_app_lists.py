"""nestjsx/crud lists: pages, limits, offsets, filters, `or`, `s`, sorting and field selection."""

from __future__ import annotations

from typing import Any, List
from urllib.parse import quote

import pytest

from wootiv.testing import EmulatorApp
from wootiv.testing._query import parse_params

from .test_app_support import call


@pytest.fixture(scope="module")
def app() -> EmulatorApp:
    # Read-only tests share one application.
    return EmulatorApp()


def names(app: EmulatorApp, target: str, key: str = "name") -> List[Any]:
    status, page = call(app, "GET", target)
    assert status == 200, page
    return [item.get(key) for item in page["data"]]


def test_demo_members_come_in_five_pages_of_ten(app: EmulatorApp) -> None:
    pages = [call(app, "GET", f"/space/demo/members?page={number}")[1] for number in range(1, 6)]
    assert [page["count"] for page in pages] == [10, 10, 10, 10, 7]
    assert [page["page"] for page in pages] == [1, 2, 3, 4, 5]
    assert {page["pageCount"] for page in pages} == {5} and {page["total"] for page in pages} == {47}
    members = [member for page in pages for member in page["data"]]
    assert len({member["uid"] for member in members}) == 47
    assert all(member["name"] and "@" in member["email"] and member["role"] for member in members)


def test_limits_offsets_and_pages_beyond_the_end(app: EmulatorApp) -> None:
    assert call(app, "GET", "/space/demo/members?limit=500")[1]["count"] == 47
    capped = call(app, "GET", "/user?limit=1000")[1]
    assert capped["pageCount"] == 1
    assert call(app, "GET", "/space/demo/members?limit=100&page=9")[1] == {"count": 0, "data": [], "page": 9, "pageCount": 1, "total": 47}
    everyone = names(app, "/space/demo/members?limit=100", "uid")
    assert names(app, "/space/demo/members?offset=45", "uid") == everyone[45:]
    assert call(app, "GET", "/space/demo/members?offset=20&limit=10")[1]["page"] == 3
    assert names(app, "/space/demo/members?page=2&limit=7&offset=1", "uid") == everyone[7:14]  # page wins over offset
    assert call(app, "GET", "/space/demo/members?limit=0")[1]["count"] == 10


def test_an_empty_table_is_page_one_of_one() -> None:
    assert call(EmulatorApp(empty=True), "GET", "/invitation?page=1")[1] == {"count": 0, "data": [], "page": 1, "pageCount": 1, "total": 0}


def test_filters(app: EmulatorApp) -> None:
    assert names(app, "/role?filter=" + quote("name||$eq||admin", safe="")) == ["admin"]
    assert names(app, "/role?filter=name||$ne||admin") == ["editor", "viewer", "support"]
    assert names(app, "/role?filter=description||$cont||everything") == ["viewer"]
    assert names(app, "/role?filter=description||$cont||EVERYTHING") == []
    assert names(app, "/role?filter=description||$contL||EVERYTHING") == ["viewer"]
    assert names(app, "/role?filter=name||$starts||s") == ["support"]
    assert names(app, "/role?filter=name||$ends||or") == ["editor"]
    assert names(app, "/role?filter=name||$excl||i") == ["support"]
    assert names(app, "/role?filter=name||$in||admin,viewer") == ["admin", "viewer"]
    assert names(app, "/role?filter=" + quote("name||$in||admin,viewer", safe="")) == ["admin", "viewer"]
    assert names(app, "/role?filter=name||$notin||admin,viewer") == ["editor", "support"]
    assert names(app, "/role?filter=name||$isnull") == []
    assert names(app, "/role?filter=audit.version||$gte||1", "name") == ["admin", "editor", "viewer", "support"]
    assert names(app, "/contacts?filter=metadata.since||$between||2021,2022", "firstName") == ["Hedy", "Claude"]


def test_several_filters_and_or(app: EmulatorApp) -> None:
    assert names(app, "/role?filter=name||$cont||w,name||$cont||e") == ["viewer"]
    assert names(app, "/role?filter=name||$cont||w&filter=name||$cont||e") == ["viewer"]
    assert names(app, "/role?filter=name||$eq||admin&or=name||$eq||viewer") == ["admin", "viewer"]
    assert names(app, "/role?or=name||$eq||admin&or=name||$eq||support") == ["admin", "support"]
    assert names(app, "/role?or_=name||$eq||admin") == ["admin"]  # the Stainless SDK's wire name


def test_search_objects(app: EmulatorApp) -> None:
    def search(text: str) -> List[Any]:
        return names(app, "/role?s=" + quote(text, safe=""))

    assert search('{"name": "editor"}') == ["editor"]
    assert search('{"name": {"$starts": "s"}}') == ["support"]
    assert search('{"$or": [{"name": "admin"}, {"name": {"$cont": "ew"}}]}') == ["admin", "viewer"]
    assert search('{"$and": [{"name": {"$cont": "w"}}, {"name": {"$cont": "e"}}]}') == ["viewer"]
    assert search('{"name": {"$or": {"$eq": "admin", "$ends": "er"}}}') == ["admin", "viewer"]
    assert search('{"name": {"$in": ["admin", "editor"]}}') == ["admin", "editor"]
    assert search('{"audit.version": {"$gt": 0}, "name": {"$ne": "admin"}}') == ["editor", "viewer", "support"]
    assert names(app, "/role?s=" + quote('{"name": "editor"}') + "&filter=name||$eq||admin") == ["editor"]  # s wins


def test_sorting(app: EmulatorApp) -> None:
    assert names(app, "/role?sort=name,DESC") == ["viewer", "support", "editor", "admin"]
    assert names(app, "/role?sort=" + quote("name,ASC", safe="")) == ["admin", "editor", "support", "viewer"]
    assert names(app, "/role?sort=name") == ["admin", "editor", "support", "viewer"]
    by_group = names(app, "/contacts?sort=contactGroupId,ASC,firstName,DESC", "firstName")
    groups = {contact["firstName"]: contact["contactGroupId"] for contact in app.state.contacts.rows()}
    assert [groups[name] for name in by_group] == sorted(groups[name] for name in by_group)
    assert by_group == sorted(by_group, key=lambda name: (groups[name], [-ord(c) for c in name]))
    assert names(app, "/contacts?sort=metadata.since,DESC", "firstName") == ["Mary", "Claude", "Hedy", "Katherine"]


def test_fields_select_members_but_keep_the_key(app: EmulatorApp) -> None:
    role = call(app, "GET", "/role?fields=name")[1]["data"][0]
    assert set(role) == {"id", "name"}
    assert set(call(app, "GET", "/role?fields=name,description,nothing")[1]["data"][0]) == {"id", "name", "description"}
    assert set(call(app, "GET", "/space/demo/members?fields=email")[1]["data"][0]) == {"uid", "email"}
    single = call(app, "GET", f"/role/{role['id']}?fields=description&join=assignees&cache=1")[1]
    assert set(single) == {"id", "description"}


def test_bad_list_parameters_are_400s(app: EmulatorApp) -> None:
    bad = {
        "/role?filter=name": "Invalid filter 'name'. field||$operator||value expected",
        "/role?filter=name||$like||x": "Invalid comparison operator '$like'",
        "/role?filter=name||$eq": "Invalid filter 'name||$eq'. The operator $eq needs a value",
        "/role?filter=name||$between||a": "Invalid $between value. Two values expected",
        "/role?s=" + "%5B" * 5000: "Invalid search param. JSON expected",
        "/role?filter=secret||$eq||x": "Invalid column name 'secret'",
        "/role?sort=secret,ASC": "Invalid column name 'secret'",
        "/role?s=%7Bnope": "Invalid search param. JSON expected",
        "/role?s=%5B1%5D": "Invalid search param. JSON object expected",
        "/role?page=two": "Invalid page. Number expected",
        "/role?limit=-5": "Invalid limit. A whole number of 0 or more expected",
        "/mailbox/{box}/registry?offset=x": "Invalid offset. Number expected",
    }
    box = app.state.mailboxes.rows()[0]["id"]
    for target, message in bad.items():
        status, answer = call(app, "GET", target.replace("{box}", box))
        assert status == 400 and answer["error"] == "Bad Request", target
        assert answer["message"].startswith(message), (target, answer["message"])


def test_registry_listings_use_limit_and_offset(app: EmulatorApp) -> None:
    box = app.state.mailboxes.rows()[0]["id"]
    listing = call(app, "GET", f"/mailbox/{box}/registry?limit=1&offset=1")[1]
    assert (listing["limit"], listing["offset"], listing["page"], listing["total"], len(listing["data"])) == (1, 1, 2, 2, 1)
    assert "value" not in listing["data"][0]  # MailboxRegistryQueryDto has no value
    stream = call(app, "GET", f"/mailbox/{box}/stream/welcome/registry")[1]
    assert stream["total"] == 1 and stream["data"][0]["streamSlug"] == "welcome"


def test_query_strings_split_arrays_on_literal_commas_only() -> None:
    assert parse_params("fields=a,b&sort=name%2CASC&filter=a%7C%7C%24in%7C%7C1%2C2,b||$eq||x&or_=c||$eq||y&fields[]=c") == {
        "fields": ["a", "b", "c"],
        "sort": ["name,ASC"],
        "filter": ["a||$in||1,2", "b||$eq||x"],
        "or": ["c||$eq||y"],
    }
    assert parse_params("s=%7B%22a%22%3A1%7D&limit=5&empty") == {"s": ['{"a":1}'], "limit": ["5"], "empty": [""]}
