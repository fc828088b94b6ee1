"""Models as users handle them, malformed answers, and page iteration that always ends."""

from __future__ import annotations

import asyncio
import datetime
import json
import pickle
from typing import Any, List

import attrs
import pytest

import wootiv
from wootiv import AsyncWootiv, Wootiv
from wootiv.types import ReadContactDto, RoleDto
from wootiv_core.http import Headers, Request, Response

ROLE = {
    "id": "r1",
    "assignees": [{"id": "u1"}],
    "audit": {"date_created": "2026-01-02T03:04:05Z", "date_deleted": "2026-01-02T03:04:05+02:00", "date_updated": "2026-01-02T03:04:05", "version": 3},
    "description": "d",
    "name": "n",
}


class Scripted:
    def __init__(self, *bodies: Any) -> None:
        self.bodies = list(bodies)
        self.sent: List[Request] = []

    def send(self, request: Request) -> Response:
        self.sent.append(request)
        body = self.bodies.pop(0)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return Response(200, Headers({"content-type": "application/json"}), raw, request)

    def close(self) -> None:
        pass


class AsyncScripted(Scripted):
    async def send(self, request: Request) -> Response:  # type: ignore[override]
        return Scripted.send(self, request)

    async def aclose(self) -> None:
        pass


def test_models_behave_as_values() -> None:
    role = Wootiv(api_key="k", http_client=Scripted({**ROLE, "brandNew": {"x": 1}})).roles.retrieve("r1")
    assert isinstance(role, RoleDto) and role.assignees[0].id == "u1"
    assert role.audit.date_created == datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert role.audit.date_deleted.utcoffset() == datetime.timedelta(hours=2)
    assert role.audit.date_updated.tzinfo is datetime.timezone.utc
    assert role.extra_fields == {"brandNew": {"x": 1}} and role.brandNew == {"x": 1}
    assert role.to_dict()["brandNew"] == {"x": 1} and role.to_dict()["audit"]["date_created"] == "2026-01-02T03:04:05Z"
    assert dict(role)["name"] == "n"
    assert json.loads(role.to_json())["id"] == "r1"
    assert pickle.loads(pickle.dumps(role)) == role
    assert role != attrs.evolve(role, name="other")
    with pytest.raises(AttributeError):
        role.nothing_like_this


def test_python_and_wire_names_in_to_dict() -> None:
    contact = {"id": "c", "audit": ROLE["audit"], "contactGroupId": "g", "email": "e", "firstName": "F", "lastName": "L", "metadata": {"k": [1]}, "phoneNumber": "p", "primaryContact": "email", "workspaceId": "w"}
    model = Wootiv(api_key="k", http_client=Scripted(contact)).contacts.retrieve("c")
    assert isinstance(model, ReadContactDto) and model.first_name == "F" and model.metadata == {"k": [1]}
    assert model.to_dict()["firstName"] == "F" and model.to_dict(use_api_names=False)["first_name"] == "F"


def test_malformed_answers() -> None:
    client = Wootiv(api_key="k", http_client=Scripted(b"not json"))
    with pytest.raises(wootiv.APIResponseValidationError):
        client.roles.retrieve("r1")
    partial = {"id": "r1", "name": 7}
    lenient = Wootiv(api_key="k", http_client=Scripted(partial)).roles.retrieve("r1")
    assert (lenient.id, lenient.name, lenient.audit) == ("r1", 7, None)
    with pytest.raises(wootiv.APIResponseValidationError, match="name"):
        Wootiv(api_key="k", http_client=Scripted(partial), strict_response_validation=True).roles.retrieve("r1")
    with pytest.raises(wootiv.APIResponseValidationError):
        list(Wootiv(api_key="k", http_client=Scripted({"unexpected": True})).roles.list())


def page(number: Any, count: Any, ids: List[str]) -> Any:
    return {"count": len(ids), "data": [{**ROLE, "id": i} for i in ids], "page": number, "pageCount": count, "total": 9}


@pytest.mark.parametrize(
    "answers, expected",
    [
        ([page(1, 3, ["a"]), page(2, 3, ["b"]), page(3, 3, ["c"])], ["a", "b", "c"]),
        ([[{**ROLE, "id": "x"}, {**ROLE, "id": "y"}]], ["x", "y"]),
        ([page(1, None, ["a"])], ["a"]),
        ([page(None, 3, ["a"])], ["a"]),
        ([page(1, "9", ["a"])], ["a"]),
        ([page(0, 3, ["a"])], ["a"]),
        ([page(1, 3, ["a"]), page(1, 3, ["a"])], ["a", "a"]),
        ([page(1, 1000000, ["a"]), page(2, 1000000, [])], ["a"]),
        ([page(1.5, 3, ["a"])], ["a"]),
    ],
    ids=["normal", "bare-array", "no-pagecount", "no-page", "string-pagecount", "page-zero", "stuck", "empty-next", "fractional"],
)
def test_iteration_always_ends(answers: List[Any], expected: List[str]) -> None:
    sync = Wootiv(api_key="k", http_client=Scripted(*answers))
    assert [role.id for role in sync.roles.list()] == expected

    async def collect() -> List[str]:
        client = AsyncWootiv(api_key="k", http_client=AsyncScripted(*answers))
        return [role.id async for role in client.roles.list()]

    assert asyncio.run(collect()) == expected


def test_page_navigation() -> None:
    client = Wootiv(api_key="k", http_client=Scripted(page(1, 2, ["a"]), page(2, 2, ["b"]), page(1, 2, ["a"]), page(2, 2, ["b"])))
    first = client.roles.list(limit=1)
    assert first.has_next_page() and first.next_page_info() == wootiv.PageInfo(page=2)
    second = first.get_next_page()
    assert [r.id for r in second.data] == ["b"] and not second.has_next_page() and second.next_page_info() is None
    with pytest.raises(RuntimeError, match="has_next_page"):
        second.get_next_page()
    assert [[r.id for r in p.data] for p in client.roles.list(limit=1).iter_pages()] == [["a"], ["b"]]

    async def pages() -> List[List[str]]:
        aclient = AsyncWootiv(api_key="k", http_client=AsyncScripted(page(1, 2, ["a"]), page(2, 2, ["b"])))
        first_page = await aclient.roles.list()
        return [[r.id for r in p.data] async for p in first_page.iter_pages()]

    assert asyncio.run(pages()) == [["a"], ["b"]]


def test_bad_arguments_fail_before_sending() -> None:
    transport = Scripted()
    client = Wootiv(api_key="k", http_client=transport)
    with pytest.raises(TypeError, match="description"):
        client.roles.create(name="n")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        client.roles.retrieve("r1", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"roles.list\(limit=\) must be an int"):
        client.roles.list(limit="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"must be a list"):
        client.roles.list(fields="name")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty"):
        client.space.members.retrieve("u1", space_id="")
    with pytest.raises(TypeError, match="missing required key"):
        client.inbound.mail.create(**{**_mail(), "from_full": {"email": "a"}})
    assert transport.sent == []


def _mail() -> Any:
    address = {"email": "a", "mailbox_hash": "h", "name": "n"}
    names = ["bcc", "cc", "date", "from_", "from_name", "mailbox_hash", "message_id", "message_stream", "original_recipient", "raw_email", "reply_to", "stripped_text_reply", "subject", "tag", "text_body", "to"]
    return {**{n: "" for n in names}, "attachments": [], "bcc_full": [], "cc_full": [], "headers": [], "from_full": address, "to_full": [address]}
