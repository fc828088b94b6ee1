"""What each of the 81 operations does.

A handler gets the store and one request whose body has already been checked
against the spec and cleaned to its documented members, and returns the
answer's JSON value (None for operations documented without a body). It
raises `HttpError` for answers the API gives on purpose (401, 409, 422, ...)
and the store's `NotFound` for unknown ids. The application cleans each
answer against the response schema, so handlers may return whole records.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

import attrs

from ._multipart import Part
from ._query import Params, list_query, offset_page, page_of, select
from ._schema import Json, columns, iso, schema_named
from ._store import NotFound, Store, StoredObject, object_key

__all__ = ["HttpError", "Request", "Handler", "HANDLERS", "BUCKET"]

BUCKET = "wootiv-emulator"

_REGISTRY_NAMES: List[str] = schema_named("MailboxRegistryQueryDto")["properties"]["name"]["enum"]
_MEDIUMS = {"whatsapp": "whatsapp", "twilio": "sms", "postmark": "email", "core_api": "email"}


class HttpError(Exception):
    """An answer the API gives on purpose: its status and NestJS `message` (text or list)."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = message


@attrs.frozen
class Request:
    """One request as a handler sees it."""

    params: Dict[str, str]
    query: Params
    body: Json
    parts: List[Part]
    base_url: str

    def fields(self) -> Tuple[str, ...]:
        return tuple(field for field in self.query.get("fields", []) if field)


Handler = Callable[[Store, Request], Any]


def _deleted(key: str) -> Json:
    return {"id": key, "deleted": True}


def _changed(store: Store, record: Json, changes: Json, allowed: Tuple[str, ...]) -> Json:
    record.update({name: value for name, value in changes.items() if name in allowed})
    return store.touch(record)


def _retrieve(table: str) -> Handler:
    def handler(store: Store, req: Request) -> Any:
        return select(store.table(table).get(req.params["id"]), req.fields())

    return handler


def _list(table: str, item_schema: str) -> Handler:
    allowed = columns(item_schema)

    def handler(store: Store, req: Request) -> Any:
        return page_of(store.table(table).rows(), list_query(req.query, allowed))

    return handler


def _remove(table: str) -> Handler:
    def handler(store: Store, req: Request) -> Any:
        store.table(table).remove(req.params["id"])
        return _deleted(req.params["id"])

    return handler


def _nothing(store: Store, req: Request) -> Any:
    """Operations the spec documents without an answer body and without state."""
    return None


# --------------------------------------------------------------------------- auth


def _tokens(store: Store, user: Json) -> Json:
    refresh = store.secret("wrt")
    store.refresh_tokens[refresh] = user["id"]
    return {"accessToken": store.secret("wat"), "refreshToken": refresh, "sub": user["id"]}


def auth_login(store: Store, req: Request) -> Any:
    user = store.user_by_login(req.body["username"])
    if user is None or store.passwords.get(user["id"]) != req.body["password"]:
        raise HttpError(401, "Invalid credentials")
    return _tokens(store, user)


def auth_signup(store: Store, req: Request) -> Any:
    body = req.body
    if store.user_by_login(body["email"]) is not None:
        raise HttpError(409, f"A user with email '{body['email']}' already exists")
    profile = {name: body[name] for name in ("firstName", "lastName", "phoneNumber") if name in body}
    user = store.add_user(body["email"], body["password"], **profile)
    return {"email": user["email"], "sub": user["id"]}


def auth_verify_billing(store: Store, req: Request) -> Any:
    user = store.users.get(req.query["sub"][-1])
    return {"email": user["email"], "sub": user["id"]}


def auth_token_refresh(store: Store, req: Request) -> Any:
    # A refresh token works once: refreshing rotates it.
    owner = store.refresh_tokens.pop(req.body["refreshToken"], None)
    user = store.users.find(owner) if owner is not None else None
    if user is None:
        raise HttpError(401, "Invalid refresh token")
    return _tokens(store, user)


def auth_recovery_login_create(store: Store, req: Request) -> Any:
    # The same answer whether or not the address is known, so it reveals nothing.
    user = store.user_by_login(req.body["email"])
    if user is not None:
        store.outbox.append({"to": user["email"], "kind": "login-link", "code": store.secret("login")})
    return None


def auth_recovery_password_create(store: Store, req: Request) -> Any:
    user = store.user_by_login(req.body["email"])
    if user is not None:
        code = store.passcode()
        store.recovery_codes[code] = user["id"]
        store.outbox.append({"to": user["email"], "kind": "password-reset", "code": code})
    return None


def auth_recovery_passcode_retrieve(store: Store, req: Request) -> Any:
    if req.params["passcode"] not in store.recovery_codes:
        raise HttpError(404, "Passcode is invalid or expired")
    return None


def auth_recovery_password_update(store: Store, req: Request) -> Any:
    user_id = store.recovery_codes.pop(req.body["passcode"], None)
    if user_id is None:
        raise HttpError(404, "Passcode is invalid or expired")
    store.passwords[user_id] = req.body["newPassword"]
    return None


# --------------------------------------------------------------------------- workspaces, members, tokens


def space_members_list(store: Store, req: Request) -> Any:
    workspace = store.workspaces.get(req.params["space_id"])
    return page_of(store.members_of(workspace), list_query(req.query), key="uid")


def space_members_retrieve(store: Store, req: Request) -> Any:
    workspace = store.workspaces.get(req.params["space_id"])
    if req.params["member_uid"] not in workspace["workspaceMembers"]:
        raise NotFound("Member", req.params["member_uid"])
    return None


def space_tokens_create(store: Store, req: Request) -> Any:
    workspace = store.workspaces.get(req.params["space_sid"])
    return store.add_token(workspace, req.body.get("name") or "Untitled token")


def space_tokens_list(store: Store, req: Request) -> Any:
    # A token's key is shown in full once, when it is created.
    space = store.workspaces.get(req.params["space_sid"])["id"]
    return [{**token, "sensitiveKey": f"wsk_...{token['sensitiveKey'][-4:]}"} for token in store.tokens if token["workspaceId"] == space]


def space_tokens_delete(store: Store, req: Request) -> Any:
    space = store.workspaces.get(req.params["space_sid"])["id"]
    token = store.tokens.get(req.params["token_id"])
    if token["workspaceId"] != space:
        raise NotFound("Token", req.params["token_id"])
    store.tokens.remove(token["id"])
    return None


def wspaces_create(store: Store, req: Request) -> Any:
    return store.add_workspace(req.body["name"], req.body["ownerId"])


def wspaces_update(store: Store, req: Request) -> Any:
    workspace = store.workspaces.get(req.params["id"])
    if "ownerId" in req.body:
        store.profile_of(store.users.get(req.body["ownerId"]))
    allowed = ("name", "ownerId", "slug", "subscription", "subscriptionId", "workspaceMembers")
    return _changed(store, workspace, req.body, allowed)


# --------------------------------------------------------------------------- roles and assignments


def roles_create(store: Store, req: Request) -> Any:
    return store.add_role(req.body["name"], req.body["description"])


def roles_update(store: Store, req: Request) -> Any:
    return _changed(store, store.roles.get(req.params["id"]), req.body, ("name", "description"))


def roles_delete(store: Store, req: Request) -> Any:
    store.remove_role(req.params["id"])
    return _deleted(req.params["id"])


def roles_bulk_create(store: Store, req: Request) -> Any:
    return [store.add_role(item["name"], item["description"]) for item in req.body["bulk"]]


def role_assignments_create(store: Store, req: Request) -> Any:
    return store.assign(req.params["assignment"], req.body["assignee"]["id"], req.body["role"]["id"])


def role_assignments_bulk_create(store: Store, req: Request) -> Any:
    items: List[Json] = req.body["bulk"]
    for item in items:  # all or nothing: check every reference before assigning any
        store.users.get(item["assignee"]["id"])
        store.roles.get(item["role"]["id"])
    return [store.assign(req.params["assignment"], item["assignee"]["id"], item["role"]["id"]) for item in items]


def _assignment(store: Store, req: Request) -> Json:
    assignment = store.assignments.get(req.params["id"])
    if assignment["scope"] != req.params["assignment"]:
        raise NotFound("Role assignment", req.params["id"])
    return assignment


def role_assignments_retrieve(store: Store, req: Request) -> Any:
    return select(_assignment(store, req), req.fields())


def role_assignments_delete(store: Store, req: Request) -> Any:
    store.unassign(_assignment(store, req))
    return _deleted(req.params["id"])


# --------------------------------------------------------------------------- invitations and users


def invitations_create(store: Store, req: Request) -> Any:
    return store.add_invitation(req.body["category"], req.body["email"], req.body["payload"])


def _open_invitation(store: Store, code: str, passcode: Optional[str]) -> Json:
    invitation = store.invitation_by_code(code)
    if not invitation["active"]:
        raise HttpError(400, "Invitation was already accepted")
    if passcode is not None and passcode != invitation.get("passcode"):
        raise HttpError(400, "Invalid passcode")
    return invitation


def invitation_acceptance_retrieve(store: Store, req: Request) -> Any:
    _open_invitation(store, req.params["code"], req.query["passcode"][-1])
    return None


def invitation_acceptance_update(store: Store, req: Request) -> Any:
    """Accepting makes the invited user's account (unless the address has one) and closes the invitation."""
    invitation = _open_invitation(store, req.params["code"], req.body["passcode"])
    payload: Json = req.body["payload"]
    if store.user_by_login(invitation["email"]) is None:
        profile = {name: str(payload[name]) for name in ("firstName", "lastName", "phoneNumber") if isinstance(payload.get(name), str)}
        password = payload.get("password")
        secret = password if isinstance(password, str) else store.secret("pw")
        store.add_user(invitation["email"], secret, key=invitation["user"]["id"], **profile)
    invitation.update(active=False, passcode=None, acceptance=payload)
    store.touch(invitation)
    return None


def invitation_reattempt_create(store: Store, req: Request) -> Any:
    store.send_passcode(_open_invitation(store, req.params["code"], None))
    return None


def users_list(store: Store, req: Request) -> Any:
    return page_of(store.users.rows(), list_query(req.query, columns("UserDto")))


def users_recover_update(store: Store, req: Request) -> Any:
    return store.recover_user(req.params["id"])


# --------------------------------------------------------------------------- storage


def _signature(key: str, stored: StoredObject) -> str:
    return hashlib.sha256(key.encode("utf-8") + b"\0" + stored.data).hexdigest()[:32]


def _object_url(req: Request, key: str) -> str:
    return f"{req.base_url}/aws/objects/{quote(key, safe='/')}"


def _saved(store: Store, req: Request, part: Part, folder: str) -> Json:
    filename = object_key("", (part.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]) or "upload"
    key = object_key(folder, filename)
    stored = StoredObject(part.data, part.content_type)
    store.objects[key] = stored
    return {
        "baseUrl": f"{req.base_url}/aws/objects",
        "filename": filename,
        "mime": part.content_type,
        "path": object_key(folder, ""),
        "pathWithFilename": key,
        "signedUrl": f"{_object_url(req, key)}?signature={_signature(key, stored)}",
    }


def _folder(req: Request) -> str:
    return next((part.text() for part in req.parts if part.name == "path" and part.filename is None), "")


def aws_buckets_upload(store: Store, req: Request) -> Any:
    files = [part for part in req.parts if part.name == "file"]
    if not files:
        raise HttpError(422, ["file should not be empty"])
    return _saved(store, req, files[0], _folder(req))


def aws_buckets_bulk_upload(store: Store, req: Request) -> Any:
    files = [part for part in req.parts if part.name in ("bulk[]", "bulk")]
    if not files:
        raise HttpError(422, ["bulk should not be empty"])
    return [_saved(store, req, part, _folder(req)) for part in files]


def _signed(store: Store, req: Request, key: str) -> Json:
    stored = store.objects.get(key)
    if stored is None:
        raise NotFound("Object", key)
    return {"signedUrl": f"{_object_url(req, key)}?signature={_signature(key, stored)}"}


def aws_buckets_retrieve_file(store: Store, req: Request) -> Any:
    return _signed(store, req, object_key("", req.params["filename"]))


def aws_buckets_retrieve_file_in_path(store: Store, req: Request) -> Any:
    return _signed(store, req, object_key(req.params["pathname"], req.params["filename"]))


def aws_buckets_list(store: Store, req: Request) -> Any:
    return {"buckets": [{"Name": BUCKET, "Objects": len(store.objects)}]}


def aws_create_signed_put_url(store: Store, req: Request) -> Any:
    """Where to PUT a file: the emulator's own `/aws/objects/<key>`, with S3-like form fields."""
    key = object_key("", req.body["filename"]) or "upload"
    now = _dt.datetime.now(_dt.timezone.utc)
    policy = {"expiration": iso(now + _dt.timedelta(hours=1)), "conditions": [{"bucket": BUCKET}, {"key": key}]}
    return {
        "url": _object_url(req, key),
        "fields": {
            "bucket": BUCKET,
            "Policy": base64.b64encode(json.dumps(policy).encode("utf-8")).decode("ascii"),
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"EMULATOR/{now:%Y%m%d}/local/s3/aws4_request",
            "X-Amz-Date": f"{now:%Y%m%dT%H%M%SZ}",
            "X-Amz-Signature": hashlib.sha256(f"{key}{now:%Y%m%d}".encode("utf-8")).hexdigest(),
        },
    }


# --------------------------------------------------------------------------- subscriptions


_SUBSCRIPTION_FIELDS = ("endDate", "planName", "startDate", "status", "workspaceId")


def subscriptions_create(store: Store, req: Request) -> Any:
    return store.add_subscription({name: req.body[name] for name in _SUBSCRIPTION_FIELDS})


def _change_subscription(store: Store, subscription: Json, changes: Json) -> Json:
    """Apply a change, keeping the previous plan and status in `history`."""
    workspace = store.workspaces.get(changes["workspaceId"]) if "workspaceId" in changes else None
    previous = [subscription["audit"]["date_updated"], subscription["planName"], subscription["status"]]
    _changed(store, subscription, changes, _SUBSCRIPTION_FIELDS)
    subscription["history"].append(previous)
    store.link_subscription(subscription, workspace or store.workspaces.get(subscription["workspaceId"]))
    return subscription


def subscriptions_update(store: Store, req: Request) -> Any:
    return _change_subscription(store, store.subscriptions.get(req.params["id"]), req.body)


def subscriptions_change_update(store: Store, req: Request) -> Any:
    """The subscription named by the body's `id`, else the one of the body's `workspaceId`."""
    if "id" in req.body:
        subscription = store.subscriptions.get(req.body["id"])
    elif "workspaceId" in req.body:
        workspace = store.workspaces.get(req.body["workspaceId"])
        subscription = store.subscriptions.get(workspace["subscriptionId"] or "(none)")
    else:
        raise HttpError(422, ["id should not be empty"])
    return _change_subscription(store, subscription, req.body)


# --------------------------------------------------------------------------- contacts and groups


_CONTACT_FIELDS = ("contactGroupId", "email", "firstName", "lastName", "metadata", "phoneNumber", "workspaceId")


def contacts_create(store: Store, req: Request) -> Any:
    return store.add_contact({name: req.body[name] for name in _CONTACT_FIELDS})


def contacts_update(store: Store, req: Request) -> Any:
    contact = store.contacts.get(req.params["id"])
    if "workspaceId" in req.body:
        store.workspaces.get(req.body["workspaceId"])
    if "contactGroupId" in req.body:
        store.contact_groups.get(req.body["contactGroupId"])
    _changed(store, contact, req.body, _CONTACT_FIELDS)
    contact["primaryContact"] = "email" if contact.get("email") else "phoneNumber"
    return contact


def contact_group_create(store: Store, req: Request) -> Any:
    return store.add_contact_group(req.body["groupName"], req.body["workspaceId"])


def contact_group_update(store: Store, req: Request) -> Any:
    group = store.contact_groups.get(req.params["id"])
    store.workspaces.get(req.body["workspaceId"])
    return _changed(store, group, req.body, ("groupName", "workspaceId"))


# --------------------------------------------------------------------------- mailboxes, registries, streams


def _address_taken(store: Store, address: str) -> None:
    if store.mailbox_by_address(address) is not None:
        raise HttpError(409, f"The address '{address}' is already taken")


def mailbox_create(store: Store, req: Request) -> Any:
    """A mailbox; without a workspaceId it joins the first workspace (the demo one)."""
    body = req.body
    _address_taken(store, body["uniqueAddress"])
    if "workspaceId" in body:
        workspace_id = store.workspaces.get(body["workspaceId"])["id"]
    else:
        workspace_id = next((workspace["id"] for workspace in store.workspaces), "")
    fields = {name: body[name] for name in ("config", "dotcom", "name", "objective", "uniqueAddress")}
    return store.add_mailbox(fields, workspace_id)


def mailbox_update(store: Store, req: Request) -> Any:
    return store.touch(store.mailboxes.get(req.params["id"]))


def mailbox_delete(store: Store, req: Request) -> Any:
    store.remove_mailbox(req.params["id"])
    return _deleted(req.params["id"])


def mailbox_check_availability(store: Store, req: Request) -> Any:
    _address_taken(store, req.body["uniqueAddress"])
    return None


def _entry_fields(req: Request) -> Json:
    if req.body["name"] not in _REGISTRY_NAMES:
        raise HttpError(422, [f"name must be one of the following values: {', '.join(_REGISTRY_NAMES)}"])
    return req.body


def _registry_create(kind: str, in_stream: bool) -> Handler:
    def handler(store: Store, req: Request) -> Any:
        box = store.mailboxes.get(req.params["id"])
        stream = store.stream(box, req.params["slug"]) if in_stream else None
        return store.add_registry_entry(box, kind, _entry_fields(req), stream)

    return handler


def _registry_list(kind: Optional[str], in_stream: bool) -> Handler:
    def handler(store: Store, req: Request) -> Any:
        box = store.mailboxes.get(req.params["id"])
        stream = store.stream(box, req.params["slug"]) if in_stream else None
        return offset_page(store.registry_of(box, kind, stream), req.query)

    return handler


def mailbox_stream_create(store: Store, req: Request) -> Any:
    box = store.mailboxes.get(req.params["id"])
    message = dict(req.body)
    return store.post_message(box, req.params["slug"], message, _MEDIUMS[message["mediumIntegrationName"]])


def mailbox_stream_retrieve(store: Store, req: Request) -> Any:
    box = store.mailboxes.get(req.params["id"])
    stream = store.stream(box, req.params["slug"])
    entries = store.registry_of(box, None, stream)
    registries = {kind: [entry["id"] for entry in entries if entry["type"] == kind] for kind in ("action", "resource")}
    return {**stream, "streamRegistries": registries}


def inbound_mail_create(store: Store, req: Request) -> Any:
    store.inbound.append(req.body)
    return None


HANDLERS: Dict[str, Handler] = {
    "root.retrieve": _nothing,
    "auth.login": auth_login,
    "auth.signup": auth_signup,
    "auth.verify_billing": auth_verify_billing,
    "auth.token.refresh": auth_token_refresh,
    "auth.recovery.login.create": auth_recovery_login_create,
    "auth.recovery.password.create": auth_recovery_password_create,
    "auth.recovery.password.update": auth_recovery_password_update,
    "auth.recovery.passcode.retrieve": auth_recovery_passcode_retrieve,
    "space.members.retrieve": space_members_retrieve,
    "space.members.list": space_members_list,
    "space.tokens.create": space_tokens_create,
    "space.tokens.list": space_tokens_list,
    "space.tokens.delete": space_tokens_delete,
    "wspaces.create": wspaces_create,
    "wspaces.retrieve": _retrieve("workspace"),
    "wspaces.update": wspaces_update,
    "roles.create": roles_create,
    "roles.list": _list("role", "RoleDto"),
    "roles.retrieve": _retrieve("role"),
    "roles.update": roles_update,
    "roles.delete": roles_delete,
    "roles.bulk_create": roles_bulk_create,
    "role_assignments.create": role_assignments_create,
    "role_assignments.retrieve": role_assignments_retrieve,
    "role_assignments.delete": role_assignments_delete,
    "role_assignments.bulk.create": role_assignments_bulk_create,
    "invitations.create": invitations_create,
    "invitations.list": _list("invitation", "InvitationDto"),
    "invitations.retrieve": _retrieve("invitation"),
    "invitations.delete": _remove("invitation"),
    "invitation_acceptance.retrieve": invitation_acceptance_retrieve,
    "invitation_acceptance.update": invitation_acceptance_update,
    "invitation_reattempt.create": invitation_reattempt_create,
    "users.retrieve": _retrieve("user"),
    "users.list": users_list,
    "users.recover.update": users_recover_update,
    "aws.create_signed_put_url": aws_create_signed_put_url,
    "aws.buckets.list": aws_buckets_list,
    "aws.buckets.bulk_upload": aws_buckets_bulk_upload,
    "aws.buckets.retrieve_file": aws_buckets_retrieve_file,
    "aws.buckets.retrieve_file_in_path": aws_buckets_retrieve_file_in_path,
    "aws.buckets.upload": aws_buckets_upload,
    "aws.buckets.health.retrieve": _nothing,
    "aws.objects.list": _nothing,
    "registry.resources.list": _nothing,
    "registry.actions.list": _nothing,
    "features.list": _nothing,
    "subscriptions.create": subscriptions_create,
    "subscriptions.retrieve": _retrieve("subscription"),
    "subscriptions.update": subscriptions_update,
    "subscriptions.change.update": subscriptions_change_update,
    "contacts.create": contacts_create,
    "contacts.list": _list("contact", "ReadContactDto"),
    "contacts.retrieve": _retrieve("contact"),
    "contacts.update": contacts_update,
    "contacts.delete": _remove("contact"),
    "contact_group.create": contact_group_create,
    "contact_group.list": _list("contact_group", "ReadContactGroupDto"),
    "contact_group.retrieve": _retrieve("contact_group"),
    "contact_group.update": contact_group_update,
    "contact_group.delete": _remove("contact_group"),
    "mailbox.create": mailbox_create,
    "mailbox.list": _list("mailbox", "ReadPipelineDto"),
    "mailbox.retrieve": _retrieve("mailbox"),
    "mailbox.update": mailbox_update,
    "mailbox.delete": mailbox_delete,
    "mailbox.check_availability": mailbox_check_availability,
    "mailbox.registry.retrieve": _registry_list(None, in_stream=False),
    "mailbox.registry.action.create": _registry_create("action", in_stream=False),
    "mailbox.registry.action.retrieve": _registry_list("action", in_stream=False),
    "mailbox.registry.resource.create": _registry_create("resource", in_stream=False),
    "mailbox.registry.resource.retrieve": _registry_list("resource", in_stream=False),
    "mailbox.stream.create": mailbox_stream_create,
    "mailbox.stream.retrieve": mailbox_stream_retrieve,
    "mailbox.stream.registry.retrieve": _registry_list(None, in_stream=True),
    "mailbox.stream.registry.action.create": _registry_create("action", in_stream=True),
    "mailbox.stream.registry.action.retrieve": _registry_list("action", in_stream=True),
    "mailbox.stream.registry.resource.create": _registry_create("resource", in_stream=True),
    "mailbox.stream.registry.resource.retrieve": _registry_list("resource", in_stream=True),
    "inbound.mail.create": inbound_mail_create,
}
