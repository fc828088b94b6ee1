"""The emulator's state: in-memory tables, and how each kind of record is made.

Records are kept in their wire form (camelCase, as the spec names members),
so a list can filter and sort on the names a client sends. A record may hold
a few members the API does not show (a role assignment's scope, say): the
application cleans every answer against its response schema, so those never
leave the emulator. Everything random comes from one generator seeded by the
caller, so the same seed gives the same ids, tokens and passcodes.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any, Dict, Iterator, List, Optional, Set, cast

import attrs

from ._schema import Json, now_iso

__all__ = ["NotFound", "Table", "Store", "StoredObject", "NEVER", "object_key", "slugify"]

#: `AuditDto.date_deleted` is a required string, so a live record needs a value: the epoch.
NEVER = "1970-01-01T00:00:00.000Z"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ULID_EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


class NotFound(LookupError):
    """A record that does not exist; answered with a 404 naming it."""

    def __init__(self, label: str, key: str) -> None:
        super().__init__(f"{label} with id '{key}' not found")
        self.message = f"{label} with id '{key}' not found"


class Table:
    """Records of one kind by key, in the order they were added, with soft deletion."""

    def __init__(self, label: str, key: str = "id") -> None:
        self.label = label
        self.key = key
        self._rows: Dict[str, Json] = {}
        self._hidden: Set[str] = set()

    def __len__(self) -> int:
        return len(self._rows) - len(self._hidden)

    def __iter__(self) -> Iterator[Json]:
        return iter(self.rows())

    def add(self, record: Json) -> Json:
        self._rows[str(record[self.key])] = record
        return record

    def find(self, key: str) -> Optional[Json]:
        return self._rows.get(key) if key not in self._hidden else None

    def get(self, key: str) -> Json:
        record = self.find(key)
        if record is None:
            raise NotFound(self.label, key)
        return record

    def rows(self) -> List[Json]:
        return [record for key, record in self._rows.items() if key not in self._hidden]

    def remove(self, key: str) -> Json:
        record = self.get(key)
        del self._rows[key]
        return record

    def hide(self, key: str) -> Json:
        """Soft-delete: the record stays, but lookups and lists no longer see it."""
        record = self.get(key)
        self._hidden.add(key)
        return record

    def restore(self, key: str) -> Json:
        """Undo `hide` (a no-op for a live record)."""
        if key not in self._rows:
            raise NotFound(self.label, key)
        self._hidden.discard(key)
        return self._rows[key]


@attrs.frozen
class StoredObject:
    """An uploaded file."""

    data: bytes
    content_type: str


def object_key(folder: str, filename: str) -> str:
    """The storage key of `filename` in `folder`: clean segments joined by `/`.

    Empty, `.` and `..` segments are dropped, so a key never climbs out of the bucket.
    """
    segments = [segment for segment in f"{folder}/{filename}".split("/") if segment not in ("", ".", "..")]
    return "/".join(segments)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


class Store:
    """Every table and side channel of one emulated API."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._sequence = 0
        self.users = Table("User")
        self.members = Table("Member", key="uid")
        self.workspaces = Table("Workspace")
        self.tokens = Table("Token")
        self.roles = Table("Role")
        self.assignments = Table("Role assignment")
        self.invitations = Table("Invitation")
        self.subscriptions = Table("Subscription")
        self.contacts = Table("Contact")
        self.contact_groups = Table("Contact group")
        self.mailboxes = Table("Mailbox")
        self.registry = Table("Registry entry")
        self.streams = Table("Stream")
        self.passwords: Dict[str, str] = {}
        self.refresh_tokens: Dict[str, str] = {}
        self.recovery_codes: Dict[str, str] = {}
        self.objects: Dict[str, StoredObject] = {}
        #: What the API would have e-mailed (recovery codes, invitation passcodes), oldest first.
        self.outbox: List[Json] = []
        #: Inbound mail webhooks received, oldest first.
        self.inbound: List[Json] = []

    def table(self, name: str) -> Table:
        """A table by its singular name (`"role"`, `"contact_group"`, ...)."""
        return {
            "user": self.users,
            "member": self.members,
            "workspace": self.workspaces,
            "token": self.tokens,
            "role": self.roles,
            "role_assignment": self.assignments,
            "invitation": self.invitations,
            "subscription": self.subscriptions,
            "contact": self.contacts,
            "contact_group": self.contact_groups,
            "mailbox": self.mailboxes,
            "registry": self.registry,
            "stream": self.streams,
        }[name]

    # ----------------------------------------------------------------------- ids and secrets

    def new_id(self) -> str:
        """A version 4 UUID drawn from the seeded generator."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def next_number(self) -> int:
        """1, 2, 3, ...: numeric ids (streams, messages) and ULID times."""
        self._sequence += 1
        return self._sequence

    def new_ulid(self) -> str:
        """A ULID (registry entries are keyed by one); its time part counts up from 2026."""
        value = ((_ULID_EPOCH_MS + self.next_number()) << 80) | self._rng.getrandbits(80)
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))

    def secret(self, prefix: str) -> str:
        return f"{prefix}_{self._rng.getrandbits(160):040x}"

    def passcode(self) -> str:
        return f"{self._rng.randrange(10**6):06d}"

    def audit(self) -> Json:
        stamp = now_iso()
        return {"date_created": stamp, "date_deleted": NEVER, "date_updated": stamp, "version": 1}

    def touch(self, record: Json) -> Json:
        """Record a change in the record's audit: a new update time and version."""
        audit = record.get("audit")
        if isinstance(audit, dict):
            stamps = cast(Json, audit)
            stamps["date_updated"] = now_iso()
            stamps["version"] = int(stamps.get("version", 0)) + 1
        return record

    # ----------------------------------------------------------------------- users and workspaces

    def user_by_login(self, login: str) -> Optional[Json]:
        """The user whose e-mail (any case) or username is `login`."""
        for user in self.users:
            if str(user["email"]).lower() == login.lower() or user["username"] == login:
                return user
        return None

    def add_user(self, email: str, password: str, key: Optional[str] = None, **profile: str) -> Json:
        """A user; `profile` may set firstName, lastName, phoneNumber, role, username."""
        user: Json = {"id": key or self.new_id(), "audit": self.audit(), "email": email, "username": profile.pop("username", email), **profile}
        self.passwords[user["id"]] = password
        return self.users.add(user)

    def retire_user(self, key: str) -> Json:
        """Soft-delete a user: hidden from lists and lookups until recovered."""
        user = self.users.hide(key)
        user["audit"]["date_deleted"] = now_iso()
        return user

    def recover_user(self, key: str) -> Json:
        """Undo `retire_user` (harmless for a live user)."""
        user = self.users.restore(key)
        user["audit"]["date_deleted"] = NEVER
        return self.touch(user)

    def profile_of(self, user: Json) -> Json:
        """The member profile of a user, made on first use."""
        existing = self.members.find(user["id"])
        if existing is not None:
            return existing
        name = " ".join(str(user[key]) for key in ("firstName", "lastName") if user.get(key)) or user["username"]
        return self.members.add({"uid": user["id"], "name": name, "email": user["email"], "role": user.get("role", "member")})

    def add_workspace(self, name: str, owner_id: str, key: Optional[str] = None) -> Json:
        owner = self.users.get(owner_id)
        self.profile_of(owner)
        workspace: Json = {
            "id": key or self.new_id(),
            "audit": self.audit(),
            "name": name,
            "ownerId": owner_id,
            "slug": slugify(name),
            "subscription": {},
            "subscriptionId": "",
            "workspaceMembers": [owner_id],
        }
        return self.workspaces.add(workspace)

    def members_of(self, workspace: Json) -> List[Json]:
        return [self.members.find(uid) or {"uid": uid} for uid in workspace["workspaceMembers"]]

    def add_token(self, workspace: Json, name: str) -> Json:
        token: Json = {
            "id": self.new_id(),
            "audit": self.audit(),
            "name": name,
            "sensitiveKey": self.secret("wsk"),
            "workspaceId": workspace["id"],
            "requestCount": 0,
            "errorCount": 0,
        }
        return self.tokens.add(token)

    # ----------------------------------------------------------------------- roles

    def add_role(self, name: str, description: str) -> Json:
        return self.roles.add({"id": self.new_id(), "assignees": [], "audit": self.audit(), "description": description, "name": name})

    def assign(self, scope: str, assignee_id: str, role_id: str) -> Json:
        """A role assignment within `scope`; the role lists the assignee from then on."""
        self.users.get(assignee_id)
        role = self.roles.get(role_id)
        if {"id": assignee_id} not in role["assignees"]:
            role["assignees"].append({"id": assignee_id})
        assignment: Json = {"id": self.new_id(), "assignee": {"id": assignee_id}, "audit": self.audit(), "role": {"id": role_id}, "scope": scope}
        return self.assignments.add(assignment)

    def unassign(self, assignment: Json) -> None:
        self.assignments.remove(assignment["id"])
        role = self.roles.find(assignment["role"]["id"])
        still = any(other["assignee"] == assignment["assignee"] and other["role"] == assignment["role"] for other in self.assignments)
        if role is not None and not still:
            role["assignees"] = [entry for entry in role["assignees"] if entry != assignment["assignee"]]

    def remove_role(self, key: str) -> Json:
        """Delete a role and its assignments."""
        role = self.roles.remove(key)
        for assignment in [item for item in self.assignments if item["role"]["id"] == key]:
            self.assignments.remove(assignment["id"])
        return role

    # ----------------------------------------------------------------------- invitations

    def add_invitation(self, category: str, email: str, payload: Json) -> Json:
        """An invitation with a fresh passcode, "sent" to the outbox."""
        existing = self.user_by_login(email)
        invitation: Json = {
            "id": self.new_id(),
            "active": True,
            "audit": self.audit(),
            "category": category,
            "code": self.secret("inv")[:28],
            "email": email,
            "user": {"id": existing["id"] if existing else self.new_id()},
            "payload": payload,
        }
        self.invitations.add(invitation)
        self.send_passcode(invitation)
        return invitation

    def send_passcode(self, invitation: Json) -> None:
        invitation["passcode"] = self.passcode()
        self.outbox.append({"to": invitation["email"], "kind": "invitation", "code": invitation["code"], "passcode": invitation["passcode"]})

    def invitation_by_code(self, code: str) -> Json:
        for invitation in self.invitations:
            if invitation["code"] == code:
                return invitation
        raise NotFound("Invitation", code)

    # ----------------------------------------------------------------------- contacts

    def add_contact_group(self, name: str, workspace_id: str) -> Json:
        self.workspaces.get(workspace_id)
        return self.contact_groups.add({"id": self.new_id(), "audit": self.audit(), "groupName": name, "workspaceId": workspace_id})

    def add_contact(self, fields: Json) -> Json:
        """A contact from the create body's members (references are checked)."""
        self.workspaces.get(str(fields["workspaceId"]))
        self.contact_groups.get(str(fields["contactGroupId"]))
        contact: Json = {"id": self.new_id(), "audit": self.audit(), **fields}
        contact["primaryContact"] = "email" if contact.get("email") else "phoneNumber"
        return self.contacts.add(contact)

    # ----------------------------------------------------------------------- subscriptions

    def add_subscription(self, fields: Json) -> Json:
        workspace = self.workspaces.get(str(fields["workspaceId"]))
        subscription: Json = {"id": self.new_id(), "audit": self.audit(), "history": [], **fields, "workspace": {}}
        self.subscriptions.add(subscription)
        self.link_subscription(subscription, workspace)
        return subscription

    def link_subscription(self, subscription: Json, workspace: Json) -> None:
        """Point the workspace at its subscription and back."""
        subscription["workspace"] = {"id": workspace["id"], "name": workspace["name"], "slug": workspace["slug"]}
        workspace["subscriptionId"] = subscription["id"]
        workspace["subscription"] = {"id": subscription["id"], "planName": subscription["planName"], "status": subscription["status"]}

    # ----------------------------------------------------------------------- mailboxes, registries, streams

    def mailbox_by_address(self, address: str) -> Optional[Json]:
        return next((box for box in self.mailboxes if str(box["uniqueAddress"]).lower() == address.lower()), None)

    def add_mailbox(self, fields: Json, workspace_id: str) -> Json:
        box: Json = {
            "id": self.new_id(),
            "audit": self.audit(),
            **fields,
            "inbox": f"{fields['uniqueAddress']}@{fields['dotcom']}",
            "status": "active",
            "workspaceId": workspace_id,
        }
        return self.mailboxes.add(box)

    def remove_mailbox(self, key: str) -> Json:
        """Delete a mailbox with its streams and registry entries."""
        box = self.mailboxes.remove(key)
        for entry in [entry for entry in self.registry if entry["pipelineId"] == key]:
            self.registry.remove(entry["id"])
        for stream in [stream for stream in self.streams if stream["pipelineId"] == key]:
            self.streams.remove(str(stream["id"]))
        return box

    def add_registry_entry(self, box: Json, kind: str, fields: Json, stream: Optional[Json] = None) -> Json:
        """A registry entry (`kind` "action" or "resource") of a mailbox, or of one of its streams."""
        key = self.new_ulid()
        entry: Json = {
            "id": key,
            "audit": self.audit(),
            "enabled": fields["enabled"],
            "instructions": fields.get("rawContent") or "",
            "name": fields["name"],
            "pipelineId": box["id"],
            "schema": _schema_of(fields["value"]),
            "slug": key.lower(),
            "source": "api",
            "type": kind,
            "workspaceId": box["workspaceId"],
            "value": fields["value"],
            "rawContent": fields.get("rawContent"),
            "rawParsed": fields.get("rawParsed"),
        }
        if stream is not None:
            entry.update(streamNamespace=stream["namespace"], streamSlug=stream["slug"])
        return self.registry.add(entry)

    def registry_of(self, box: Json, kind: Optional[str], stream: Optional[Json] = None) -> List[Json]:
        """Entries of a mailbox (not of its streams), or of one stream; of one kind unless `kind` is None."""
        slug = stream["slug"] if stream is not None else None
        return [
            entry
            for entry in self.registry
            if entry["pipelineId"] == box["id"] and entry.get("streamSlug") == slug and kind in (None, entry["type"])
        ]

    def find_stream(self, box: Json, slug: str) -> Optional[Json]:
        return next((stream for stream in self.streams if stream["pipelineId"] == box["id"] and stream["slug"] == slug), None)

    def stream(self, box: Json, slug: str) -> Json:
        found = self.find_stream(box, slug)
        if found is None:
            raise NotFound("Stream", slug)
        return found

    def post_message(self, box: Json, slug: str, message: Json, medium: str) -> Json:
        """Add a message to a mailbox's stream, opening the stream on its first message."""
        stream = self.find_stream(box, slug)
        if stream is None:
            stream = self.streams.add(
                {
                    "id": self.next_number(),
                    "contactId": "",
                    "contactMetadata": {},
                    "conversations": {"messages": []},
                    "mailbox": {"id": box["id"], "name": box["name"], "inbox": box["inbox"]},
                    "medium": medium,
                    "namespace": f"{box['uniqueAddress']}/{slug}",
                    "pipelineId": box["id"],
                    "slug": slug,
                    "status": "open",
                    "streamRegistries": {},
                    "subject": slug,
                    "workspace": {"id": box["workspaceId"]},
                    "workspaceId": box["workspaceId"],
                }
            )
        sent: Json = {
            "id": self.next_number(),
            **message,
            "streamNamespace": stream["namespace"],
            "workspaceId": stream["workspaceId"],
            "date": now_iso(),
        }
        stream["conversations"]["messages"].append(sent)
        return sent


def _schema_of(value: Any) -> Json:
    """A small JSON schema of a registry entry's value (its members and their types)."""
    members = cast(Json, value) if isinstance(value, dict) else {}
    return {"type": "object", "properties": {key: {"type": _json_type(item)} for key, item in members.items()}}


def _json_type(value: object) -> str:
    kinds = ((bool, "boolean"), ((int, float), "number"), (str, "string"), (list, "array"), (dict, "object"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")
