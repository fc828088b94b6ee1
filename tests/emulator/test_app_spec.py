"""Every operation of the spec, called with a valid request built from the spec, answers as documented.

Requests are generated from each operation's parameters and body schema.
Only what a schema cannot know is supplied by hand: ids of existing records
and secrets from earlier steps (a refresh token, a passcode), looked up by
wire name. Each operation runs against a fresh emulator, so none depends on
another's side effects.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple, cast

import pytest

from wootiv.testing import DEMO_EMAIL, DEMO_PASSWORD, EmulatorApp
from wootiv.testing._handlers import HANDLERS
from wootiv.testing._schema import Json, Operation, operations, resolve, response_problems

from .test_app_support import AUTH, HOST, JSON_HEADERS, call, form

STAMP = "2026-01-01T00:00:00Z"


def test_the_spec_has_81_operations_and_each_has_a_handler() -> None:
    ids = [operation.operation_id for operation in operations()]
    assert len(ids) == len(set(ids)) == 81
    assert set(HANDLERS) == set(ids)


def _prepared(operation: Operation) -> Tuple[EmulatorApp, Dict[str, Any]]:
    """A fresh emulator with what the operation's request needs, and those values by wire name."""
    app = EmulatorApp()
    state = app.state
    login = call(app, "POST", "/auth/login", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD})[1]
    call(app, "POST", "/auth/recovery/password", {"email": DEMO_EMAIL})
    recovery_code = app.outbox[-1]["code"]
    invitation = call(app, "POST", "/invitation", {"category": "invite", "email": "guest@example.com", "payload": {}})[1]
    for key in ("notes.txt", "docs/notes.txt"):
        app.handle("PUT", f"/aws/objects/{key}", [("Content-Type", "text/plain")], b"notes")
    user, role, group = state.users.rows()[0]["id"], state.roles.rows()[0]["id"], state.contact_groups.rows()[0]["id"]
    subscription = state.subscriptions.rows()[0]["id"]
    records = {
        "wspace": "demo",
        "role": role,
        "role-assignment": state.assignments.rows()[0]["id"],
        "invitation": invitation["id"],
        "user": user,
        "subscription": subscription,
        "contacts": state.contacts.rows()[0]["id"],
        "contact_group": group,
        "mailbox": state.mailboxes.rows()[0]["id"],
    }
    resource = operation.template.split("/")[1]
    values: Dict[str, Any] = {
        # path parameters
        "id": records.get(resource, ""),
        "space_id": "demo",
        "space_sid": "demo",
        "member_uid": state.workspaces.get("demo")["workspaceMembers"][5],
        "token_id": state.tokens.rows()[0]["id"],
        "assignment": "demo",
        "code": invitation["code"],
        "passcode": app.outbox[-1]["passcode"] if resource.startswith("invitation") else recovery_code,
        "filename": "notes.txt",
        "pathname": "docs",
        "slug": "welcome",
        # query parameters and body members
        "planName": "free",
        "sub": user,
        "username": DEMO_EMAIL,
        "password": DEMO_PASSWORD,
        "refreshToken": login["refreshToken"],
        "ownerId": user,
        "workspaceId": "demo",
        "contactGroupId": group,
        "assignee.id": user,
        "role.id": role,
        "path": "docs",
    }
    if "registry" in operation.template:
        values["name"] = "webhook"  # registry entries have a fixed set of kinds
    return app, values


def _example(schema: Json, path: str, values: Dict[str, Any]) -> Any:
    """A valid value of `schema`; `path` is the member's dotted wire path (for the looked-up values)."""
    parts = path.split(".")
    for start in range(len(parts)):
        if ".".join(parts[start:]) in values:
            return values[".".join(parts[start:])]
    schema = resolve(schema)
    if "oneOf" in schema:
        return _example(schema["oneOf"][0], path, values)
    if "enum" in schema:
        return schema["enum"][0]
    declared: Any = schema.get("type")
    kinds = cast(List[str], declared if isinstance(declared, list) else [declared])
    kind = next(item for item in kinds if item != "null")
    if kind == "string":
        return STAMP if schema.get("format") == "date-time" else f"example-{parts[-1]}"
    if kind in ("number", "integer"):
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [_example(schema.get("items", {}), path, values)]
    if kind == "object" and "properties" in schema:
        return {name: _example(member, f"{path}.{name}".lstrip("."), values) for name, member in schema["properties"].items()}
    if kind == "object":
        return {"example": True}
    return "example"


def _request(operation: Operation, values: Dict[str, Any]) -> Tuple[str, List[Tuple[str, str]], bytes]:
    target = operation.template
    for name in [segment[1:-1] for segment in target.split("/") if segment.startswith("{")]:
        target = target.replace("{" + name + "}", str(values[name]))
    query = "&".join(f"{param['name']}={values[param['name']]}" for param in operation.query_params if param.get("required"))
    if query:
        target = f"{target}?{query}"
    if operation.body_media == "multipart/form-data":
        properties = resolve(operation.body_schema or {})["properties"]
        files = [("file", "report.pdf", b"%PDF-1.4", "application/pdf")] if "file" in properties else []
        if "bulk" in properties:
            part = properties["bulk"].get("x-sdk-multipart-part-name", "bulk")
            files = [(part, "a.csv", b"1,2", "text/csv"), (part, "b.csv", b"3,4", "text/csv")]
        headers, body = form({"path": values["path"]}, files)
        return target, headers, body
    if operation.body_schema is not None:
        return target, JSON_HEADERS, json.dumps(_example(operation.body_schema, "", values)).encode("utf-8")
    return target, [AUTH, HOST], b""


@pytest.mark.parametrize("operation", operations(), ids=lambda operation: operation.operation_id)
def test_a_valid_request_gets_the_documented_answer(operation: Operation) -> None:
    app, values = _prepared(operation)
    target, headers, body = _request(operation, values)
    status, answer_headers, payload = app.handle(operation.method, target, headers, body)
    assert status == operation.status, (target, payload[:500])
    if operation.response_schema is None:
        assert (answer_headers, payload) == ([], b"")
        return
    assert dict(answer_headers)["Content-Type"] == "application/json; charset=utf-8"
    answer = json.loads(payload)
    assert response_problems(answer, operation.response_schema) == [], json.dumps(answer)[:800]
    if operation.paginated:
        assert answer["data"], "the demo data should give every list something to show"
