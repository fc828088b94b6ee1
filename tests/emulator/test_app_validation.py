"""Requests checked against the spec: NestJS-style 422s, one message per problem, naming the wire field."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from wootiv.testing import EmulatorApp
from wootiv.testing._schema import request_problems, response_problems, schema_named

from .test_app_support import call


@pytest.fixture
def app() -> EmulatorApp:
    return EmulatorApp()


def messages(app: EmulatorApp, method: str, target: str, body: Any = None) -> List[str]:
    status, answer = call(app, method, target, body)
    assert status == 422 and answer["error"] == "Unprocessable Entity", (status, answer)
    return answer["message"]


def test_missing_and_mistyped_members(app: EmulatorApp) -> None:
    assert messages(app, "POST", "/role", {"name": 5}) == ["description should not be empty", "name must be a string"]
    assert messages(app, "POST", "/role", {"name": "", "description": None}) == ["description should not be empty", "name should not be empty"]
    assert messages(app, "POST", "/role", b"") == ["description should not be empty", "name should not be empty"]
    assert messages(app, "POST", "/mailbox/availability", {"uniqueAddress": ["a"]}) == ["uniqueAddress must be a string"]
    assert messages(app, "POST", "/mailbox", {"config": "x", "dotcom": "d", "name": "n", "objective": "o", "uniqueAddress": "u"}) == ["config must be an object"]


def test_enums_and_dates(app: EmulatorApp) -> None:
    body = {"endDate": "soon", "planName": "gold", "startDate": "2026-01-01T00:00:00+02:00", "status": "active", "workspaceId": "demo"}
    found = messages(app, "POST", "/subscription", body)
    assert found == [
        "endDate must be a valid ISO 8601 date string",
        "planName must be one of the following values: free, personal_pro, business_pro, enterprise",
    ]
    assert messages(app, "POST", "/invitation", {"category": "party", "email": "a@b.c", "payload": {}}) == [
        "category must be one of the following values: invitation, invite"
    ]


def test_nested_members_and_array_items_are_named_by_path(app: EmulatorApp) -> None:
    assert messages(app, "POST", "/role/bulk", {"bulk": [{"name": "a", "description": "A"}, {"name": 1}]}) == [
        "bulk.1.description should not be empty",
        "bulk.1.name must be a string",
    ]
    assert messages(app, "POST", "/role-assignment/demo", {"assignee": {}, "role": {"id": 3}}) == ["assignee.id should not be empty", "role.id must be a string"]
    assert messages(app, "POST", "/role/bulk", {"bulk": "all"}) == ["bulk must be an array"]


def test_nullable_members_accept_null_but_must_be_present(app: EmulatorApp) -> None:
    box = app.state.mailboxes.rows()[0]["id"]
    entry: Dict[str, Any] = {"enabled": True, "name": "csv", "rawContent": None, "rawParsed": None, "value": {}}
    assert call(app, "POST", f"/mailbox/{box}/registry/resource", entry)[0] == 201
    assert messages(app, "POST", f"/mailbox/{box}/registry/resource", {**entry, "rawParsed": 7}) == ["rawParsed must be a string"]
    del entry["rawContent"]
    assert messages(app, "POST", f"/mailbox/{box}/registry/resource", entry) == ["rawContent should not be empty"]


def test_registry_names_come_from_the_documented_kinds(app: EmulatorApp) -> None:
    box = app.state.mailboxes.rows()[0]["id"]
    found = messages(app, "POST", f"/mailbox/{box}/registry/action", {"enabled": True, "name": "fax", "rawContent": None, "rawParsed": None, "value": {}})
    assert found == ["name must be one of the following values: cta, forwarder, webhook, calendly, csv, pdf, website, docx"]


def test_required_query_parameters(app: EmulatorApp) -> None:
    assert messages(app, "GET", "/features") == ["planName should not be empty"]
    assert messages(app, "GET", "/features?planName=") == ["planName should not be empty"]
    assert call(app, "GET", "/features?planName=free")[0] == 200
    assert messages(app, "POST", "/auth/verify_billing") == ["sub should not be empty"]
    assert messages(app, "GET", "/invitation_acceptance/some-code") == ["passcode should not be empty"]


def test_unknown_members_are_dropped_not_stored(app: EmulatorApp) -> None:
    status, role = call(app, "POST", "/role", {"name": "n", "description": "d", "id": "mine", "isAdmin": True})
    assert status == 201 and role["id"] != "mine" and "isAdmin" not in role


def test_null_means_not_given_for_optional_members(app: EmulatorApp) -> None:
    contact = app.state.contacts.rows()[0]
    status, updated = call(app, "PATCH", f"/contacts/{contact['id']}", {"firstName": None, "lastName": "New"})
    assert status == 200 and updated["firstName"] == contact["firstName"] and updated["lastName"] == "New"


def test_webhook_payloads_may_hold_empty_strings(app: EmulatorApp) -> None:
    address = {"Email": "a@example.com", "MailboxHash": "", "Name": ""}
    text = ["Bcc", "Cc", "Date", "From", "FromName", "MailboxHash", "MessageID", "MessageStream", "OriginalRecipient", "RawEmail", "ReplyTo", "StrippedTextReply", "Subject", "Tag", "TextBody", "To"]
    mail = {**{name: "" for name in text}, "Attachments": [], "BccFull": [], "CcFull": [], "FromFull": address, "Headers": [], "ToFull": [address]}
    assert call(app, "POST", "/inbound/mail", mail) == (201, None)
    assert app.inbound[-1]["FromFull"] == address
    assert messages(app, "POST", "/inbound/mail", {**mail, "Headers": [1]}) == ["Headers.0 must be a string"]


def test_unknown_ids_are_404_naming_the_record(app: EmulatorApp) -> None:
    expected = {
        "/role/x": "Role with id 'x' not found",
        "/contacts/x": "Contact with id 'x' not found",
        "/contact_group/x": "Contact group with id 'x' not found",
        "/mailbox/x": "Mailbox with id 'x' not found",
        "/invitation/x": "Invitation with id 'x' not found",
        "/subscription/x": "Subscription with id 'x' not found",
        "/wspace/x": "Workspace with id 'x' not found",
        "/user/x": "User with id 'x' not found",
        "/space/x/members": "Workspace with id 'x' not found",
        "/space/demo/members/x": "Member with id 'x' not found",
        "/aws/buckets/x.pdf": "Object with id 'x.pdf' not found",
    }
    for target, message in expected.items():
        assert call(app, "GET", target) == (404, {"statusCode": 404, "message": message, "error": "Not Found"}), target


def test_references_in_bodies_must_exist(app: EmulatorApp) -> None:
    assert call(app, "POST", "/contact_group", {"groupName": "g", "workspaceId": "nowhere"})[1]["message"] == "Workspace with id 'nowhere' not found"
    assert call(app, "POST", "/wspace", {"name": "w", "ownerId": "nobody"})[1]["message"] == "User with id 'nobody' not found"
    assert call(app, "POST", "/role-assignment/demo", {"assignee": {"id": "nobody"}, "role": {"id": "r"}})[0] == 404


def test_the_response_validator_is_strict() -> None:
    role: Dict[str, Any] = {"id": "r", "assignees": [], "audit": {"date_created": "2026-01-01T00:00:00.000Z", "date_deleted": "1970-01-01T00:00:00.000Z", "date_updated": "2026-01-01T00:00:00.000Z", "version": 1}, "description": "d", "name": "n"}
    schema = schema_named("RoleDto")
    assert response_problems(role, schema) == []
    assert response_problems({**role, "extra": 1}, schema) == ["answer.extra is not in the schema"]
    assert response_problems({key: value for key, value in role.items() if key != "name"}, schema) == ["answer.name should not be empty"]
    assert response_problems({**role, "audit": {**role["audit"], "date_created": "2026-01-01T00:00:00+00:00"}}, schema) == [
        "answer.audit.date_created must be a valid ISO 8601 date string"
    ]
    envelope: Dict[str, Any] = {"count": 1, "data": [role], "page": 1, "pageCount": 1, "total": 1}
    assert response_problems(envelope, schema_named("RoleListResponse")) == []
    assert response_problems({**envelope, "page": "1"}, schema_named("RoleListResponse")) == ["answer.page must be a number conforming to the specified constraints"]
    assert request_problems({"name": "n", "description": "d", "more": 1}, schema_named("RolesCreateBody")) == []
