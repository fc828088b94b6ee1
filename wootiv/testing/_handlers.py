"""What each of the 81 operations does to the emulator's in-memory state.

Every handler takes the matched path parameters, the parsed query, the
decoded body (already validated against the spec) and the request's base URL,
and returns a JSON value (or `None` for an empty answer) or raises
`HttpError`. Answers are completed against the response schema by the caller,
so a handler only sets what matters.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple, cast

import attrs

from ._crud import CrudError, Query, list_page
from ._dataset import load_demo
from ._multipart import Part
from ._spec import complete, now_iso, resolve

__all__ = ["HttpError", "State", "HANDLERS", "Request"]

Json = Dict[str, Any]

REGISTRY_NAMES: List[str] = resolve({"$ref": "#/components/schemas/MailboxRegistryQueryDto"})["properties"]["name"]["enum"]


class HttpError(Exception):
    """An error answer: status, NestJS-style message, and the error phrase."""

    def __init__(self, status: int, message: Any, error: Optional[str] = None) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = message
        self.error = error


def not_found(what: str, key: str) -> HttpError:
    return HttpError(404, f"{what} with id '{key}' not found", "Not Found")


@attrs.define
class Request:
    """One API request, as the handlers see it."""

    params: Dict[str, str]
    query: Query
    body: Json
    parts: List[Part]
    base_url: str


class State:
    """The emulator's tables, ids and side channels (outbox of sent codes)."""

    def __init__(self, seed: int, empty: bool) -> None:
        self.rng = random.Random(seed)
        self.tables: Dict[str, Dict[str, Json]] = {}
        self.blobs: Dict[str, Tuple[bytes, str]] = {}
        self.passwords: Dict[str, str] = {}
        self.refresh_tokens: Dict[str, str] = {}
        self.passcodes: Dict[str, str] = {}
        self.outbox: List[Json] = []
        self.inbound: List[Json] = []
        if not empty:
            load_demo(self)

    def table(self, name: str) -> Dict[str, Json]:
        return self.tables.setdefault(name, {})

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, prefix: str) -> str:
        return f"{prefix}_{self.rng.getrandbits(160):040x}"

    def code(self) -> str:
        return f"{self.rng.randrange(10**6):06d}"

    def audit(self) -> Json:
        stamp = now_iso()
        return {"date_created": stamp, "date_deleted": stamp, "date_updated": stamp, "version": 1}

    def add(self, table: str, schema: str, record: Json) -> Json:
        """Store a new record, completed to `schema`, and return it."""
        full = {"id": self.new_id(), "audit": self.audit(), **record}
        full = complete(full, {"$ref": f"#/components/schemas/{schema}"})
        self.table(table)[str(full["id"])] = full
        return full

    def get(self, table: str, key: str, what: str) -> Json:
        record = self.table(table).get(key)
        if record is None:
            raise not_found(what, key)
        return record

    def update(self, table: str, key: str, what: str, changes: Json) -> Json:
        record = self.get(table, key, what)
        record.update({name: value for name, value in changes.items() if name not in ("id", "audit")})
        audit = record.get("audit")
        if isinstance(audit, dict):
            stamps = cast(Json, audit)
            stamps["date_updated"] = now_iso()
            stamps["version"] = int(stamps.get("version", 0)) + 1
        return record

    def delete(self, table: str, key: str, what: str) -> Json:
        self.get(table, key, what)
        del self.table(table)[key]
        return {"id": key, "deleted": True}


def _page(state: State, table: str, query: Query, keep: Callable[[Json], bool] = lambda record: True) -> Json:
    try:
        envelope, _ = list_page([record for record in state.table(table).values() if keep(record)], query)
    except CrudError as exc:
        raise HttpError(400, str(exc), "Bad Request") from None
    return envelope


def _select(record: Json, query: Query) -> Json:
    fields = [field for field in query.get("fields", []) if field]
    if not fields:
        return record
    return {key: value for key, value in record.items() if key in set(fields) | {"id"}}


def _offset_page(records: List[Json], query: Query) -> Json:
    def number(name: str, default: int) -> int:
        try:
            return max(int(float(query.get(name, [str(default)])[-1])), 0)
        except ValueError:
            raise HttpError(400, f"Invalid {name}", "Bad Request") from None

    limit = min(number("limit", 10) or 10, 100)
    offset = number("offset", 0)
    return {"data": records[offset : offset + limit], "limit": limit, "offset": offset, "page": offset // limit + 1, "total": len(records)}


# --------------------------------------------------------------------------- auth


def _user_by_login(state: State, login: str) -> Optional[Json]:
    for user in state.table("user").values():
        if login in (user.get("email"), user.get("username")):
            return user
    return None


def _tokens(state: State, user: Json) -> Json:
    refresh = state.token("refresh")
    state.refresh_tokens[refresh] = str(user["id"])
    return {"accessToken": state.token("access"), "refreshToken": refresh, "sub": user["id"]}


def auth_login(state: State, req: Request) -> Any:
    user = _user_by_login(state, str(req.body["username"]))
    if user is None or state.passwords.get(str(user["id"])) != req.body["password"]:
        raise HttpError(401, "Invalid credentials", "Unauthorized")
    return _tokens(state, user)


def auth_signup(state: State, req: Request) -> Any:
    email = str(req.body["email"])
    if _user_by_login(state, email) is not None:
        raise HttpError(409, f"A user with email '{email}' already exists", "Conflict")
    names = {"firstName": "firstName", "lastName": "lastName", "phoneNumber": "phoneNumber"}
    extra = {wire: req.body[key] for key, wire in names.items() if key in req.body}
    user = state.add("user", "UserDto", {"email": email, "username": email, "plan": req.body["plan"], **extra})
    state.passwords[str(user["id"])] = str(req.body["password"])
    return {"email": email, "sub": user["id"]}


def auth_verify_billing(state: State, req: Request) -> Any:
    user = state.get("user", req.query["sub"][-1], "User")
    return {"email": user["email"], "sub": user["id"]}


def auth_token_refresh(state: State, req: Request) -> Any:
    user_id = state.refresh_tokens.pop(str(req.body["refreshToken"]), None)
    if user_id is None or user_id not in state.table("user"):
        raise HttpError(401, "Invalid refresh token", "Unauthorized")
    return _tokens(state, state.table("user")[user_id])


def auth_recovery_login_create(state: State, req: Request) -> Any:
    # Answers the same whether or not the address is known, as a recovery flow should.
    if _user_by_login(state, str(req.body["email"])) is not None:
        state.outbox.append({"to": req.body["email"], "kind": "login-link", "code": state.code()})
    return None


def auth_recovery_password_create(state: State, req: Request) -> Any:
    user = _user_by_login(state, str(req.body["email"]))
    if user is not None:
        code = state.code()
        state.passcodes[code] = str(user["id"])
        state.outbox.append({"to": user["email"], "kind": "password-reset", "code": code})
    return None


def auth_recovery_passcode_retrieve(state: State, req: Request) -> Any:
    if req.params["passcode"] not in state.passcodes:
        raise HttpError(404, "Invalid or expired passcode", "Not Found")
    return None


def auth_recovery_password_update(state: State, req: Request) -> Any:
    user_id = state.passcodes.pop(str(req.body["passcode"]), None)
    if user_id is None:
        raise HttpError(400, "Invalid or expired passcode", "Bad Request")
    state.passwords[user_id] = str(req.body["newPassword"])
    return None


# --------------------------------------------------------------------------- workspaces, members, tokens


def _workspace(state: State, key: str) -> Json:
    return state.get("workspace", key, "Workspace")


def space_members_list(state: State, req: Request) -> Any:
    space = _workspace(state, req.params["space_id"])["id"]
    return _page(state, "member", req.query, lambda member: member.get("workspaceId") == space)


def space_members_retrieve(state: State, req: Request) -> Any:
    space = _workspace(state, req.params["space_id"])["id"]
    for member in state.table("member").values():
        if member["uid"] == req.params["member_uid"] and member.get("workspaceId") == space:
            return member
    raise not_found("Member", req.params["member_uid"])


def space_tokens_create(state: State, req: Request) -> Any:
    space = _workspace(state, req.params["space_sid"])["id"]
    return state.add(
        "token",
        "TokenCreateResponse",
        {"name": req.body.get("name", "token"), "sensitiveKey": state.token("sk"), "workspaceId": space, "requestCount": 0, "errorCount": 0},
    )


def space_tokens_list(state: State, req: Request) -> Any:
    space = _workspace(state, req.params["space_sid"])["id"]
    return [token for token in state.table("token").values() if token["workspaceId"] == space]


def space_tokens_delete(state: State, req: Request) -> Any:
    token = state.get("token", req.params["token_id"], "Token")
    if token["workspaceId"] != req.params["space_sid"]:
        raise not_found("Token", req.params["token_id"])
    state.delete("token", req.params["token_id"], "Token")
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "workspace"


def wspaces_create(state: State, req: Request) -> Any:
    body = req.body
    return state.add(
        "workspace",
        "WorkspaceDto",
        {"name": body["name"], "ownerId": body["ownerId"], "slug": _slug(str(body["name"])), "subscription": {}, "subscriptionId": "", "workspaceMembers": []},
    )


def wspaces_retrieve(state: State, req: Request) -> Any:
    return _select(_workspace(state, req.params["id"]), req.query)


def wspaces_update(state: State, req: Request) -> Any:
    return state.update("workspace", req.params["id"], "Workspace", req.body)


# --------------------------------------------------------------------------- roles and assignments


def roles_create(state: State, req: Request) -> Any:
    return state.add("role", "RoleDto", {"name": req.body["name"], "description": req.body["description"], "assignees": []})


def roles_list(state: State, req: Request) -> Any:
    return _page(state, "role", req.query)


def roles_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("role", req.params["id"], "Role"), req.query)


def roles_update(state: State, req: Request) -> Any:
    return state.update("role", req.params["id"], "Role", req.body)


def roles_delete(state: State, req: Request) -> Any:
    return state.delete("role", req.params["id"], "Role")


def roles_bulk_create(state: State, req: Request) -> Any:
    return [state.add("role", "RoleDto", {**item, "assignees": []}) for item in req.body["bulk"]]


def _assignment(state: State, scope: str, item: Json) -> Json:
    return state.add("role_assignment", "RoleAssignmentDto", {"assignment": scope, "assignee": item["assignee"], "role": item["role"]})


def role_assignments_create(state: State, req: Request) -> Any:
    return _assignment(state, req.params["assignment"], req.body)


def _scoped_assignment(state: State, req: Request) -> Json:
    record = state.get("role_assignment", req.params["id"], "Role assignment")
    if record.get("assignment") != req.params["assignment"]:
        raise not_found("Role assignment", req.params["id"])
    return record


def role_assignments_retrieve(state: State, req: Request) -> Any:
    return _select(_scoped_assignment(state, req), req.query)


def role_assignments_delete(state: State, req: Request) -> Any:
    _scoped_assignment(state, req)
    return state.delete("role_assignment", req.params["id"], "Role assignment")


def role_assignments_bulk_create(state: State, req: Request) -> Any:
    return [_assignment(state, req.params["assignment"], item) for item in req.body["bulk"]]


# --------------------------------------------------------------------------- invitations and users


def invitations_create(state: State, req: Request) -> Any:
    body = req.body
    invitation = state.add(
        "invitation",
        "InvitationDto",
        {"active": True, "category": body["category"], "code": state.token("inv")[:24], "email": body["email"], "payload": body["payload"], "user": {"id": state.new_id()}},
    )
    _send_passcode(state, invitation)
    return invitation


def _send_passcode(state: State, invitation: Json) -> None:
    code = state.code()
    invitation["passcode"] = code
    state.outbox.append({"to": invitation["email"], "kind": "invitation", "code": invitation["code"], "passcode": code})


def invitations_list(state: State, req: Request) -> Any:
    return _page(state, "invitation", req.query)


def invitations_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("invitation", req.params["id"], "Invitation"), req.query)


def invitations_delete(state: State, req: Request) -> Any:
    return state.delete("invitation", req.params["id"], "Invitation")


def _invitation_by_code(state: State, code: str) -> Json:
    for invitation in state.table("invitation").values():
        if invitation["code"] == code:
            return invitation
    raise HttpError(404, f"Invitation with code '{code}' not found", "Not Found")


def invitation_acceptance_retrieve(state: State, req: Request) -> Any:
    invitation = _invitation_by_code(state, req.params["code"])
    if invitation.get("passcode") != req.query["passcode"][-1]:
        raise HttpError(400, "Invalid passcode", "Bad Request")
    return None


def invitation_acceptance_update(state: State, req: Request) -> Any:
    invitation = _invitation_by_code(state, req.params["code"])
    if invitation.get("passcode") != req.body["passcode"]:
        raise HttpError(400, "Invalid passcode", "Bad Request")
    invitation["active"] = False
    invitation["acceptance"] = req.body["payload"]
    return None


def invitation_reattempt_create(state: State, req: Request) -> Any:
    _send_passcode(state, _invitation_by_code(state, req.params["code"]))
    return None


def users_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("user", req.params["id"], "User"), req.query)


def users_list(state: State, req: Request) -> Any:
    return _page(state, "user", req.query)


def users_recover_update(state: State, req: Request) -> Any:
    user = state.get("user", req.params["id"], "User")
    user.pop("deleted", None)
    return {"id": user["id"], "recovered": True}


# --------------------------------------------------------------------------- storage


def _stored(state: State, req: Request, part: Part, folder: str) -> Json:
    filename = part.filename or "upload"
    key = f"{folder.strip('/')}/{filename}" if folder.strip("/") else filename
    state.blobs[key] = (part.data, part.content_type)
    digest = hashlib.sha256(part.data).hexdigest()[:16]
    return {
        "baseUrl": f"{req.base_url}/_emulator/objects",
        "filename": filename,
        "mime": part.content_type,
        "path": folder.strip("/"),
        "pathWithFilename": key,
        "signedUrl": f"{req.base_url}/_emulator/objects/{key}?signature={digest}",
    }


def _folder(req: Request) -> str:
    return next((part.data.decode("utf-8", "replace") for part in req.parts if part.name == "path" and part.filename is None), "")


def aws_create_signed_put_url(state: State, req: Request) -> Any:
    filename = str(req.body["filename"])
    return {
        "url": f"{req.base_url}/_emulator/objects/{filename}",
        "fields": {
            "bucket": "wootiv-emulator",
            "Policy": state.token("policy"),
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": "EMULATOR/20260101/local/s3/aws4_request",
            "X-Amz-Date": now_iso().replace("-", "").replace(":", "")[:15] + "Z",
            "X-Amz-Signature": state.token("sig"),
        },
    }


def aws_buckets_list(state: State, req: Request) -> Any:
    return {"buckets": [{"Name": "wootiv-emulator", "Objects": len(state.blobs)}]}


def aws_buckets_upload(state: State, req: Request) -> Any:
    files = [part for part in req.parts if part.name == "file" and part.filename is not None]
    if not files:
        raise HttpError(422, ["file should not be empty"], "Unprocessable Entity")
    return _stored(state, req, files[0], _folder(req))


def aws_buckets_bulk_upload(state: State, req: Request) -> Any:
    files = [part for part in req.parts if part.name in ("bulk[]", "bulk") and part.filename is not None]
    if not files:
        raise HttpError(422, ["bulk should not be empty"], "Unprocessable Entity")
    return [_stored(state, req, part, _folder(req)) for part in files]


def _signed(state: State, req: Request, key: str) -> Json:
    if key not in state.blobs:
        raise HttpError(404, f"Object '{key}' not found", "Not Found")
    digest = hashlib.sha256(state.blobs[key][0]).hexdigest()[:16]
    return {"signedUrl": f"{req.base_url}/_emulator/objects/{key}?signature={digest}"}


def aws_buckets_retrieve_file(state: State, req: Request) -> Any:
    return _signed(state, req, req.params["filename"])


def aws_buckets_retrieve_file_in_path(state: State, req: Request) -> Any:
    return _signed(state, req, f"{req.params['pathname']}/{req.params['filename']}")


def nothing(state: State, req: Request) -> Any:
    """Operations whose answer has no documented body."""
    return None


# --------------------------------------------------------------------------- subscriptions, contacts, groups


def subscriptions_create(state: State, req: Request) -> Any:
    return state.add("subscription", "SubscriptionDto", {**req.body, "history": [], "workspace": {}})


def subscriptions_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("subscription", req.params["id"], "Subscription"), req.query)


def subscriptions_update(state: State, req: Request) -> Any:
    return state.update("subscription", req.params["id"], "Subscription", req.body)


def subscriptions_change_update(state: State, req: Request) -> Any:
    key = req.body.get("id")
    if key is None:
        workspace = req.body.get("workspaceId")
        key = next((sid for sid, sub in state.table("subscription").items() if sub.get("workspaceId") == workspace), None)
    if key is None:
        raise HttpError(404, "No subscription matches the given id or workspaceId", "Not Found")
    return state.update("subscription", str(key), "Subscription", req.body)


def contacts_create(state: State, req: Request) -> Any:
    return state.add("contact", "ReadContactDto", {**req.body, "primaryContact": "email"})


def contacts_list(state: State, req: Request) -> Any:
    return _page(state, "contact", req.query)


def contacts_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("contact", req.params["id"], "Contact"), req.query)


def contacts_update(state: State, req: Request) -> Any:
    return state.update("contact", req.params["id"], "Contact", req.body)


def contacts_delete(state: State, req: Request) -> Any:
    return state.delete("contact", req.params["id"], "Contact")


def contact_group_create(state: State, req: Request) -> Any:
    return state.add("contact_group", "ReadContactGroupDto", req.body)


def contact_group_list(state: State, req: Request) -> Any:
    return _page(state, "contact_group", req.query)


def contact_group_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("contact_group", req.params["id"], "Contact group"), req.query)


def contact_group_update(state: State, req: Request) -> Any:
    return state.update("contact_group", req.params["id"], "Contact group", req.body)


def contact_group_delete(state: State, req: Request) -> Any:
    return state.delete("contact_group", req.params["id"], "Contact group")


# --------------------------------------------------------------------------- mailboxes, registries, streams


def mailbox_create(state: State, req: Request) -> Any:
    body = req.body
    address = str(body["uniqueAddress"])
    if any(box["uniqueAddress"] == address for box in state.table("mailbox").values()):
        raise HttpError(409, f"The address '{address}' is taken", "Conflict")
    return state.add(
        "mailbox",
        "ReadPipelineDto",
        {**body, "inbox": f"{address}@{body['dotcom']}", "status": "active", "workspaceId": body.get("workspaceId", "demo")},
    )


def mailbox_list(state: State, req: Request) -> Any:
    return _page(state, "mailbox", req.query)


def mailbox_retrieve(state: State, req: Request) -> Any:
    return _select(state.get("mailbox", req.params["id"], "Mailbox"), req.query)


def mailbox_update(state: State, req: Request) -> Any:
    return state.update("mailbox", req.params["id"], "Mailbox", req.body)


def mailbox_delete(state: State, req: Request) -> Any:
    return state.delete("mailbox", req.params["id"], "Mailbox")


def mailbox_check_availability(state: State, req: Request) -> Any:
    address = req.body["uniqueAddress"]
    if any(box["uniqueAddress"] == address for box in state.table("mailbox").values()):
        raise HttpError(409, f"The address '{address}' is taken", "Conflict")
    return None


def _entry(state: State, req: Request, kind: str, schema: str, stream: Optional[Json]) -> Json:
    mailbox = state.get("mailbox", req.params["id"], "Mailbox")
    body = req.body
    record: Json = {
        "enabled": body["enabled"],
        "name": body["name"] if body["name"] in REGISTRY_NAMES else REGISTRY_NAMES[0],
        "instructions": body.get("rawContent") or "",
        "source": body.get("rawParsed") or "",
        "schema": {},
        "type": kind,
        "value": body["value"],
        "pipelineId": mailbox["id"],
        "workspaceId": mailbox.get("workspaceId", ""),
        "slug": _slug(str(body["name"])),
        "mailboxId": mailbox["id"],
    }
    if stream is not None:
        record.update({"streamNamespace": stream["namespace"], "streamSlug": stream["slug"]})
    return state.add("registry", schema, record)


def _entries(state: State, req: Request, kind: Optional[str], stream: Optional[Json]) -> Json:
    mailbox = state.get("mailbox", req.params["id"], "Mailbox")
    records = [
        entry
        for entry in state.table("registry").values()
        if entry.get("mailboxId") == mailbox["id"]
        and (kind is None or entry["type"] == kind)
        and entry.get("streamSlug") == (stream["slug"] if stream else None)
    ]
    return _offset_page(records, req.query)


def mailbox_registry_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, None, None)


def mailbox_registry_action_create(state: State, req: Request) -> Any:
    return _entry(state, req, "action", "ActionCreateResponse", None)


def mailbox_registry_action_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, "action", None)


def mailbox_registry_resource_create(state: State, req: Request) -> Any:
    return _entry(state, req, "resource", "ResourceCreateResponse", None)


def mailbox_registry_resource_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, "resource", None)


def _stream(state: State, req: Request) -> Json:
    mailbox = state.get("mailbox", req.params["id"], "Mailbox")
    for stream in state.table("stream").values():
        if stream["pipelineId"] == mailbox["id"] and stream["slug"] == req.params["slug"]:
            return stream
    raise HttpError(404, f"Stream '{req.params['slug']}' not found", "Not Found")


def mailbox_stream_create(state: State, req: Request) -> Any:
    mailbox = state.get("mailbox", req.params["id"], "Mailbox")
    slug = req.params["slug"]
    try:
        stream = _stream(state, req)
    except HttpError:
        stream = state.add(
            "stream",
            "StreamRetrieveResponse",
            {
                "id": len(state.table("stream")) + 1,
                "slug": slug,
                "namespace": f"{mailbox['uniqueAddress']}/{slug}",
                "pipelineId": mailbox["id"],
                "workspaceId": mailbox.get("workspaceId", ""),
                "medium": "email",
                "status": "open",
                "subject": slug,
                "conversations": {"messages": []},
            },
        )
    message = {key: req.body[key] for key in ("Attachments", "mediumIntegrationName", "messageHTML", "messageText", "sender", "status")}
    stream["conversations"].setdefault("messages", []).append(message)
    count = len(stream["conversations"]["messages"])
    return {**message, "id": count, "streamNamespace": stream["namespace"], "workspaceId": stream["workspaceId"]}


def mailbox_stream_retrieve(state: State, req: Request) -> Any:
    return _stream(state, req)


def mailbox_stream_registry_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, None, _stream(state, req))


def mailbox_stream_registry_action_create(state: State, req: Request) -> Any:
    return _entry(state, req, "action", "OneStreamRegistryAction", _stream(state, req))


def mailbox_stream_registry_action_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, "action", _stream(state, req))


def mailbox_stream_registry_resource_create(state: State, req: Request) -> Any:
    return _entry(state, req, "resource", "OneStreamRegistryAction", _stream(state, req))


def mailbox_stream_registry_resource_retrieve(state: State, req: Request) -> Any:
    return _entries(state, req, "resource", _stream(state, req))


def inbound_mail_create(state: State, req: Request) -> Any:
    state.inbound.append(req.body)
    return None


Handler = Callable[[State, Request], Any]

_NOTHING = ("root.retrieve", "aws.buckets.health.retrieve", "aws.objects.list", "registry.resources.list", "registry.actions.list", "features.list")

HANDLERS: Dict[str, Handler] = {operation_id: nothing for operation_id in _NOTHING}


def _register() -> None:
    """Map each operationId to the function named after it (dots become underscores)."""
    from ._spec import routes

    table = globals()
    for route in routes():
        if route.operation_id in HANDLERS:
            continue
        handler = table.get(route.operation_id.replace(".", "_"))
        if handler is None:
            raise RuntimeError(f"the emulator has no handler for {route.operation_id}")
        HANDLERS[route.operation_id] = handler


_register()
