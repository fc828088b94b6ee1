"""The demo dataset: workspace `demo` with 47 members, and a few of everything.

Loaded unless the emulator is started with `--empty`. It is built from the
seeded random generator, so the same seed always gives the same ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._handlers import State

__all__ = ["load_demo", "DEMO_EMAIL", "DEMO_PASSWORD"]

DEMO_EMAIL = "demo@wootiv.test"
DEMO_PASSWORD = "demo-password"

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken", "Margaret", "Tim"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Perlman", "Thompson", "Hamilton", "Berners-Lee"]
_ROLES = [
    ("admin", "Manages the workspace and its members"),
    ("editor", "Edits mailboxes and contacts"),
    ("viewer", "Reads everything, changes nothing"),
    ("support", "Answers customer conversations"),
]


def load_demo(state: "State") -> None:
    owner = state.add("user", "UserDto", {"email": DEMO_EMAIL, "username": "demo", "firstName": "Demo", "lastName": "User"})
    state.passwords[str(owner["id"])] = DEMO_PASSWORD
    for first, last in (("Ada", "Lovelace"), ("Alan", "Turing")):
        user = state.add("user", "UserDto", {"email": f"{first.lower()}@wootiv.test", "username": first.lower(), "firstName": first, "lastName": last})
        state.passwords[str(user["id"])] = f"{first.lower()}-password"
    state.add(
        "workspace",
        "WorkspaceDto",
        {"id": "demo", "name": "Demo workspace", "ownerId": owner["id"], "slug": "demo", "subscription": {}, "subscriptionId": "", "workspaceMembers": []},
    )
    members = state.table("workspace")["demo"]["workspaceMembers"]
    for index in range(47):
        first, last = _FIRST[index % len(_FIRST)], _LAST[(index * 5) % len(_LAST)]
        uid = state.new_id()
        state.table("member")[uid] = {
            "uid": uid,
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}.{index}@wootiv.test",
            "role": _ROLES[index % len(_ROLES)][0],
            "workspaceId": "demo",
        }
        members.append(uid)
    for name, description in _ROLES:
        state.add("role", "RoleDto", {"name": name, "description": description, "assignees": []})
    groups = [
        state.add("contact_group", "ReadContactGroupDto", {"groupName": name, "workspaceId": "demo"})
        for name in ("Customers", "Partners")
    ]
    for index, (first, last) in enumerate((("Katherine", "Johnson"), ("Hedy", "Lamarr"), ("Claude", "Shannon"), ("Mary", "Jackson"))):
        state.add(
            "contact",
            "ReadContactDto",
            {
                "contactGroupId": groups[index % 2]["id"],
                "email": f"{first.lower()}@example.com",
                "firstName": first,
                "lastName": last,
                "metadata": {"source": "demo"},
                "phoneNumber": f"+1555010{index}",
                "primaryContact": "email",
                "workspaceId": "demo",
            },
        )
    state.add(
        "mailbox",
        "ReadPipelineDto",
        {"config": {}, "dotcom": "wootiv.test", "inbox": "support@wootiv.test", "name": "Support", "objective": "Answer customers", "status": "active", "uniqueAddress": "support", "workspaceId": "demo"},
    )
