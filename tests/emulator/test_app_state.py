"""State round trips: what is created can be retrieved, listed, updated and deleted; the flows work."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from wootiv.testing import DEMO_EMAIL, DEMO_PASSWORD, EmulatorApp

from .test_app_support import AUTH, HOST, call, form


@pytest.fixture
def app() -> EmulatorApp:
    return EmulatorApp()


def ok(app: EmulatorApp, method: str, target: str, body: Any = None) -> Any:
    status, answer = call(app, method, target, body)
    assert status == (201 if method == "POST" else 200), (method, target, status, answer)
    return answer


def round_trip(app: EmulatorApp, path: str, create: Dict[str, Any], change: Dict[str, Any]) -> None:
    created = ok(app, "POST", path, create)
    assert {key: created[key] for key in create} == create
    assert created["audit"]["version"] == 1 and created["audit"]["date_created"].endswith("Z")
    assert ok(app, "GET", f"{path}/{created['id']}") == created
    assert created["id"] in [item["id"] for item in ok(app, "GET", f"{path}?limit=100")["data"]]
    updated = ok(app, "PATCH", f"{path}/{created['id']}", change)
    assert {key: updated[key] for key in change} == change and updated["audit"]["version"] == 2
    assert ok(app, "GET", f"{path}/{created['id']}") == updated
    assert ok(app, "DELETE", f"{path}/{created['id']}") == {"id": created["id"], "deleted": True}
    assert call(app, "GET", f"{path}/{created['id']}")[0] == 404
    assert call(app, "DELETE", f"{path}/{created['id']}")[0] == 404


def test_roles(app: EmulatorApp) -> None:
    round_trip(app, "/role", {"name": "qa", "description": "Tests"}, {"name": "qa-lead", "description": "Leads"})
    bulk = ok(app, "POST", "/role/bulk", {"bulk": [{"name": "a", "description": "A"}, {"name": "b", "description": "B"}]})
    assert [role["name"] for role in bulk] == ["a", "b"] and ok(app, "GET", "/role")["total"] == 6


def test_contact_groups_and_contacts(app: EmulatorApp) -> None:
    round_trip(app, "/contact_group", {"groupName": "VIP", "workspaceId": "demo"}, {"groupName": "VIPs", "workspaceId": "demo"})
    group = ok(app, "POST", "/contact_group", {"groupName": "Leads", "workspaceId": "demo"})
    contact = {"contactGroupId": group["id"], "email": "lin@example.com", "firstName": "Lin", "lastName": "Chen", "metadata": {"tier": "gold"}, "phoneNumber": "+15550199", "workspaceId": "demo"}
    round_trip(app, "/contacts", contact, {"lastName": "Chen-Li", "metadata": {"tier": "silver"}})
    created = ok(app, "POST", "/contacts", contact)
    assert created["primaryContact"] == "email"
    assert ok(app, "PATCH", f"/contacts/{created['id']}", {"email": ""})["primaryContact"] == "phoneNumber"
    assert call(app, "PATCH", f"/contacts/{created['id']}", {"contactGroupId": "gone"})[0] == 404


def test_mailboxes(app: EmulatorApp) -> None:
    body = {"config": {"tone": "dry"}, "dotcom": "wootiv.test", "name": "Sales", "objective": "Sell", "uniqueAddress": "sales", "workspaceId": "demo"}
    assert call(app, "POST", "/mailbox/availability", {"uniqueAddress": "sales"}) == (201, None)
    box = ok(app, "POST", "/mailbox", body)
    assert box["inbox"] == "sales@wootiv.test" and box["status"] == "active"
    assert call(app, "POST", "/mailbox/availability", {"uniqueAddress": "SALES"})[0] == 409
    assert call(app, "POST", "/mailbox", body)[0] == 409
    assert ok(app, "GET", f"/mailbox/{box['id']}") == box
    assert ok(app, "PATCH", f"/mailbox/{box['id']}")["audit"]["version"] == 2
    entry = {"enabled": True, "name": "webhook", "rawContent": "Call", "rawParsed": None, "value": {"url": "https://example.com"}}
    action = ok(app, "POST", f"/mailbox/{box['id']}/registry/action", entry)
    resource = ok(app, "POST", f"/mailbox/{box['id']}/registry/resource", {**entry, "name": "pdf"})
    assert (action["type"], resource["type"], action["slug"]) == ("action", "resource", action["id"].lower())
    assert [item["id"] for item in ok(app, "GET", f"/mailbox/{box['id']}/registry/action")["data"]] == [action["id"]]
    assert [item["id"] for item in ok(app, "GET", f"/mailbox/{box['id']}/registry/resource")["data"]] == [resource["id"]]
    assert ok(app, "GET", f"/mailbox/{box['id']}/registry")["total"] == 2
    ok(app, "DELETE", f"/mailbox/{box['id']}")
    assert call(app, "GET", f"/mailbox/{box['id']}/registry")[0] == 404


def test_streams(app: EmulatorApp) -> None:
    box = app.state.mailboxes.rows()[0]
    message: Dict[str, Any] = {"Attachments": [], "mediumIntegrationName": "twilio", "messageHTML": "<p>Hi</p>", "messageText": "Hi", "sender": "agent", "status": "sent"}
    assert call(app, "GET", f"/mailbox/{box['id']}/stream/order-42")[0] == 404
    sent = ok(app, "POST", f"/mailbox/{box['id']}/stream/order-42", message)
    assert sent["messageText"] == "Hi" and sent["streamNamespace"] == "support/order-42"
    ok(app, "POST", f"/mailbox/{box['id']}/stream/order-42", {**message, "messageText": "Again"})
    stream = ok(app, "GET", f"/mailbox/{box['id']}/stream/order-42")
    assert stream["medium"] == "sms" and [m["messageText"] for m in stream["conversations"]["messages"]] == ["Hi", "Again"]
    entry: Dict[str, Any] = {"enabled": False, "name": "cta", "rawContent": None, "rawParsed": None, "value": {}}
    action = ok(app, "POST", f"/mailbox/{box['id']}/stream/order-42/registry/action", entry)
    resource = ok(app, "POST", f"/mailbox/{box['id']}/stream/order-42/registry/resource", {**entry, "name": "csv"})
    assert action["streamNamespace"] == stream["namespace"] and action["streamSlug"] == "order-42"
    assert [e["id"] for e in ok(app, "GET", f"/mailbox/{box['id']}/stream/order-42/registry/action")["data"]] == [action["id"]]
    assert [e["id"] for e in ok(app, "GET", f"/mailbox/{box['id']}/stream/order-42/registry/resource")["data"]] == [resource["id"]]
    assert ok(app, "GET", f"/mailbox/{box['id']}/stream/order-42")["streamRegistries"] == {"action": [action["id"]], "resource": [resource["id"]]}
    assert call(app, "POST", f"/mailbox/{box['id']}/stream/nowhere/registry/action", entry)[0] == 404


def test_invitations(app: EmulatorApp) -> None:
    invitation = ok(app, "POST", "/invitation", {"category": "invite", "email": "guest@example.com", "payload": {"role": "viewer"}})
    assert invitation["active"] is True and "passcode" not in invitation and "payload" not in invitation
    assert ok(app, "GET", f"/invitation/{invitation['id']}") == invitation
    assert [item["id"] for item in ok(app, "GET", "/invitation")["data"]] == [invitation["id"]]
    mail = app.outbox[-1]
    assert (mail["to"], mail["kind"], mail["code"]) == ("guest@example.com", "invitation", invitation["code"])
    code = invitation["code"]
    assert call(app, "GET", f"/invitation_acceptance/{code}?passcode={mail['passcode']}") == (200, None)
    assert call(app, "GET", f"/invitation_acceptance/{code}?passcode=000000x")[0] == 400
    assert call(app, "GET", "/invitation_acceptance/nope?passcode=1")[0] == 404
    assert call(app, "POST", f"/invitation_reattempt/{code}") == (201, None)
    passcode = app.outbox[-1]["passcode"]
    assert call(app, "PATCH", f"/invitation_acceptance/{code}", {"passcode": passcode, "payload": {"firstName": "Gue", "password": "pw"}}) == (200, None)
    assert ok(app, "GET", f"/invitation/{invitation['id']}")["active"] is False
    assert ok(app, "GET", f"/user/{invitation['user']['id']}")["email"] == "guest@example.com"
    assert ok(app, "POST", "/auth/login", {"username": "guest@example.com", "password": "pw"})["sub"] == invitation["user"]["id"]
    assert call(app, "PATCH", f"/invitation_acceptance/{code}", {"passcode": passcode, "payload": {}})[0] == 400
    ok(app, "DELETE", f"/invitation/{invitation['id']}")
    assert ok(app, "GET", "/invitation")["total"] == 0


def test_subscriptions(app: EmulatorApp) -> None:
    owner = app.state.users.rows()[0]["id"]
    space = ok(app, "POST", "/wspace", {"name": "Team Blue", "ownerId": owner})
    body = {"endDate": "2027-01-01", "planName": "free", "startDate": "2026-01-01T02:00:00+02:00", "status": "trial", "workspaceId": space["id"]}
    created = ok(app, "POST", "/subscription", body)
    assert (created["startDate"], created["endDate"]) == ("2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z")
    assert created["workspace"]["id"] == space["id"] and ok(app, "GET", f"/wspace/{space['id']}")["subscriptionId"] == created["id"]
    assert ok(app, "GET", f"/subscription/{created['id']}") == created
    updated = ok(app, "PATCH", f"/subscription/{created['id']}", {"status": "active", "id": "ignored"})
    assert updated["status"] == "active" and updated["id"] == created["id"] and updated["history"][0][1:] == ["free", "trial"]
    changed = ok(app, "PATCH", "/subscription/change", {"id": created["id"], "planName": "enterprise"})
    assert changed["planName"] == "enterprise" and len(changed["history"]) == 2
    by_space = ok(app, "PATCH", "/subscription/change", {"workspaceId": space["id"], "status": "canceled"})
    assert by_space["id"] == created["id"] and by_space["status"] == "canceled"
    assert ok(app, "GET", f"/wspace/{space['id']}")["subscription"] == {"id": created["id"], "planName": "enterprise", "status": "canceled"}
    assert call(app, "PATCH", "/subscription/change", {"planName": "free"})[0] == 422


def test_workspaces_members_and_tokens(app: EmulatorApp) -> None:
    owner = app.state.users.rows()[0]
    space = ok(app, "POST", "/wspace", {"name": "Team Blue!", "ownerId": owner["id"]})
    assert (space["slug"], space["workspaceMembers"]) == ("team-blue", [owner["id"]])
    assert ok(app, "GET", f"/wspace/{space['id']}") == space
    renamed = ok(app, "PATCH", f"/wspace/{space['id']}", {"name": "Team Green", "id": "other"})
    assert renamed["name"] == "Team Green" and renamed["id"] == space["id"]
    assert ok(app, "GET", f"/wspace/{space['id']}?fields=name") == {"id": space["id"], "name": "Team Green"}
    members = ok(app, "GET", f"/space/{space['id']}/members")
    assert members["data"] == [{"uid": owner["id"], "name": "Demo User", "email": DEMO_EMAIL, "role": "admin"}]
    assert call(app, "GET", f"/space/{space['id']}/members/{owner['id']}") == (200, None)
    assert call(app, "GET", f"/space/demo/members/{owner['id']}") == (200, None)
    token = ok(app, "POST", f"/space/{space['id']}/tokens", {"name": "ci"})
    assert token["workspaceId"] == space["id"] and token["sensitiveKey"].startswith("wsk_")
    listed = ok(app, "GET", f"/space/{space['id']}/tokens")
    assert [item["id"] for item in listed] == [token["id"]] and listed[0]["sensitiveKey"].endswith(token["sensitiveKey"][-4:])
    assert call(app, "DELETE", f"/space/demo/tokens/{token['id']}")[0] == 404
    assert call(app, "DELETE", f"/space/{space['id']}/tokens/{token['id']}") == (200, None)
    assert ok(app, "GET", f"/space/{space['id']}/tokens") == []
    assert ok(app, "POST", f"/space/{space['id']}/tokens")["name"] == "Untitled token"


def test_role_assignments(app: EmulatorApp) -> None:
    user = app.state.users.rows()[2]["id"]
    role = ok(app, "POST", "/role", {"name": "qa", "description": "Tests"})
    assignment = ok(app, "POST", "/role-assignment/team", {"assignee": {"id": user}, "role": {"id": role["id"]}})
    assert ok(app, "GET", f"/role-assignment/team/{assignment['id']}") == assignment
    assert "scope" not in assignment and ok(app, "GET", f"/role/{role['id']}")["assignees"] == [{"id": user}]
    assert call(app, "GET", f"/role-assignment/other/{assignment['id']}")[0] == 404
    bulk = ok(app, "POST", "/role-assignment/team/bulk", {"bulk": [{"assignee": {"id": user}, "role": {"id": role["id"]}}]})
    assert bulk[0]["role"] == {"id": role["id"]}
    assert call(app, "POST", "/role-assignment/team/bulk", {"bulk": [{"assignee": {"id": user}, "role": {"id": "nope"}}]})[0] == 404
    assert ok(app, "DELETE", f"/role-assignment/team/{assignment['id']}") == {"id": assignment["id"], "deleted": True}
    assert ok(app, "GET", f"/role/{role['id']}")["assignees"] == [{"id": user}]  # still held through the bulk one
    ok(app, "DELETE", f"/role-assignment/team/{bulk[0]['id']}")
    assert ok(app, "GET", f"/role/{role['id']}")["assignees"] == []


def test_signup_login_and_tokens(app: EmulatorApp) -> None:
    signed = ok(app, "POST", "/auth/signup", {"email": "new@wootiv.test", "password": "pw-1", "plan": "free", "firstName": "New"})
    assert signed["email"] == "new@wootiv.test"
    assert call(app, "POST", "/auth/signup", {"email": "NEW@wootiv.test", "password": "x", "plan": "free"})[0] == 409
    assert ok(app, "POST", f"/auth/verify_billing?sub={signed['sub']}") == signed
    assert call(app, "POST", "/auth/verify_billing?sub=nobody")[0] == 404
    user = ok(app, "GET", f"/user/{signed['sub']}")
    assert (user["email"], user["username"], user["firstName"]) == ("new@wootiv.test", "new@wootiv.test", "New")
    tokens = ok(app, "POST", "/auth/login", {"username": "new@wootiv.test", "password": "pw-1"})
    assert tokens["sub"] == signed["sub"]
    assert call(app, "POST", "/auth/login", {"username": "new@wootiv.test", "password": "wrong"}) == (
        401,
        {"statusCode": 401, "message": "Invalid credentials", "error": "Unauthorized"},
    )
    fresh = ok(app, "POST", "/auth/token/refresh", {"refreshToken": tokens["refreshToken"]})
    assert fresh["refreshToken"] != tokens["refreshToken"] and fresh["sub"] == signed["sub"]
    assert call(app, "POST", "/auth/token/refresh", {"refreshToken": tokens["refreshToken"]})[0] == 401
    assert ok(app, "POST", "/auth/login", {"username": "demo", "password": DEMO_PASSWORD})["sub"] == app.state.users.rows()[0]["id"]


def test_password_recovery(app: EmulatorApp) -> None:
    assert call(app, "POST", "/auth/recovery/login", {"email": DEMO_EMAIL}) == (201, None)
    assert app.outbox[-1]["kind"] == "login-link"
    assert call(app, "POST", "/auth/recovery/password", {"email": "unknown@example.com"}) == (201, None)
    assert call(app, "POST", "/auth/recovery/password", {"email": DEMO_EMAIL}) == (201, None)
    mail = app.outbox[-1]
    assert (mail["to"], mail["kind"]) == (DEMO_EMAIL, "password-reset")
    assert call(app, "GET", f"/auth/recovery/passcode/{mail['code']}") == (200, None)
    assert call(app, "GET", "/auth/recovery/passcode/999999x")[0] == 404
    assert call(app, "PATCH", "/auth/recovery/password", {"newPassword": "new-pw", "passcode": mail["code"]}) == (200, None)
    assert call(app, "GET", f"/auth/recovery/passcode/{mail['code']}")[0] == 404
    assert call(app, "PATCH", "/auth/recovery/password", {"newPassword": "x", "passcode": mail["code"]})[0] == 404
    assert call(app, "POST", "/auth/login", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD})[0] == 401
    assert ok(app, "POST", "/auth/login", {"username": DEMO_EMAIL, "password": "new-pw"})["accessToken"]


def test_users_recover_undeletes(app: EmulatorApp) -> None:
    demo_users = ok(app, "GET", "/user")["total"]
    retired = app.state.retire_user(app.state.users.rows()[1]["id"])
    assert retired["audit"]["date_deleted"] != "1970-01-01T00:00:00.000Z"
    assert call(app, "GET", f"/user/{retired['id']}")[0] == 404
    assert ok(app, "GET", "/user")["total"] == demo_users - 1
    assert retired["email"] not in [user["email"] for user in ok(app, "GET", "/user")["data"]]
    recovered = ok(app, "PATCH", f"/user/recover/{retired['id']}")
    assert recovered["id"] == retired["id"] and recovered["audit"]["date_deleted"] == "1970-01-01T00:00:00.000Z"
    assert ok(app, "GET", f"/user/{retired['id']}")["email"] == retired["email"]
    assert call(app, "PATCH", "/user/recover/nobody")[0] == 404


def test_uploads_are_stored_and_served_from_the_emulator(app: EmulatorApp) -> None:
    headers, body = form({"path": "/reports/2026/"}, [("file", "../r.csv", b"a,b\r\n1,2", "text/csv")])
    status, stored = call(app, "POST", "/aws/buckets/upload", body, headers)
    assert status == 201
    assert (stored["filename"], stored["path"], stored["pathWithFilename"], stored["mime"]) == ("r.csv", "reports/2026", "reports/2026/r.csv", "text/csv")
    assert stored["baseUrl"] == "http://127.0.0.1:3001/aws/objects"
    assert stored["signedUrl"].startswith("http://127.0.0.1:3001/aws/objects/reports/2026/r.csv?signature=")
    assert app.handle("GET", stored["signedUrl"][len("http://127.0.0.1:3001") :], [], b"") == (200, [("Content-Type", "text/csv")], b"a,b\r\n1,2")
    signed = ok(app, "GET", "/aws/buckets/reports%2F2026/r.csv")
    assert signed["signedUrl"] == stored["signedUrl"]

    headers, body = form({}, [("bulk[]", "a.bin", bytes(range(256)), "application/octet-stream"), ("bulk", "b.txt", b"", "text/plain")])
    status, many = call(app, "POST", "/aws/buckets/bulk_upload", body, headers)
    assert status == 201 and [item["pathWithFilename"] for item in many] == ["a.bin", "b.txt"]
    assert app.handle("GET", "/aws/objects/a.bin", [], b"")[2] == bytes(range(256))
    assert ok(app, "GET", "/aws/buckets/b.txt")["signedUrl"].startswith("http://127.0.0.1:3001/aws/objects/b.txt?")
    assert ok(app, "GET", "/aws/buckets") == {"buckets": [{"Name": "wootiv-emulator", "Objects": 3}]}
    assert call(app, "GET", "/aws/objects/missing")[0] == 404


def test_upload_errors(app: EmulatorApp) -> None:
    headers, body = form({"path": "x"}, [])
    assert call(app, "POST", "/aws/buckets/upload", body, headers) == (422, {"statusCode": 422, "message": ["file should not be empty"], "error": "Unprocessable Entity"})
    assert call(app, "POST", "/aws/buckets/bulk_upload", body, headers)[0] == 422
    status, answer = call(app, "POST", "/aws/buckets/upload", b"--test-boundary\r\nno headers", headers)
    assert status == 400 and answer["message"].startswith("Malformed multipart body")
    no_boundary = [AUTH, HOST, ("Content-Type", "multipart/form-data")]
    assert call(app, "POST", "/aws/buckets/upload", body, no_boundary)[0] == 400


def test_signed_put_urls_point_back_at_the_emulator(app: EmulatorApp) -> None:
    target = ok(app, "POST", "/aws/get-signed-put-url", {"filename": "avatar.png"})
    assert target["url"] == "http://127.0.0.1:3001/aws/objects/avatar.png"
    assert target["fields"]["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" and target["fields"]["bucket"] == "wootiv-emulator"
    status, headers, _ = app.handle("PUT", "/aws/objects/avatar.png", [("Content-Type", "image/png")], b"\x89PNG")
    assert status == 200 and dict(headers)["ETag"]
    assert app.handle("GET", "/aws/objects/avatar.png", [], b"") == (200, [("Content-Type", "image/png")], b"\x89PNG")
    assert ok(app, "GET", "/aws/buckets/avatar.png")["signedUrl"].startswith(target["url"])


def test_urls_follow_the_host_header(app: EmulatorApp) -> None:
    status, answer = call(app, "POST", "/aws/get-signed-put-url", {"filename": "f"}, [AUTH, ("Content-Type", "application/json"), ("Host", "localhost:8080")])
    assert status == 201 and answer["url"] == "http://localhost:8080/aws/objects/f"
    status, answer = call(app, "POST", "/aws/get-signed-put-url", {"filename": "f"}, [AUTH, ("Content-Type", "application/json"), ("Host", "evil/x y")])
    assert answer["url"] == "http://127.0.0.1/aws/objects/f"


def test_the_demo_data(app: EmulatorApp) -> None:
    workspace = ok(app, "GET", "/wspace/demo")
    assert workspace["name"] == "Demo workspace" and len(workspace["workspaceMembers"]) == 47
    assert 3 <= ok(app, "GET", "/role")["total"] <= 5
    assert ok(app, "GET", "/contacts")["total"] >= 3 and ok(app, "GET", "/contact_group")["total"] >= 2
    assert ok(app, "GET", f"/user?filter=email||$eq||{DEMO_EMAIL}")["total"] == 1
    assert ok(app, "POST", "/auth/login", {"username": DEMO_EMAIL, "password": DEMO_PASSWORD})["sub"]
