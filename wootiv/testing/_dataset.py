"""The demo dataset: workspace `demo` with 47 members, and a few of everything else.

It is what the demo, the documentation and a user's first test see, so it is
big enough to page through (47 members are five pages of ten) and small
enough to read. It is made through the store like any request would make it,
so the seed fixes every id.
"""

from __future__ import annotations

from ._schema import Json
from ._store import Store

__all__ = ["DEMO_EMAIL", "DEMO_PASSWORD", "DEMO_WORKSPACE", "DEMO_MEMBERS", "load_demo"]

DEMO_EMAIL = "demo@wootiv.test"
"""The e-mail address of the demo user, who can `auth.login` with `DEMO_PASSWORD`."""
DEMO_PASSWORD = "demo-password"
"""The demo user's password."""
DEMO_WORKSPACE = "demo"
"""The id of the demo workspace, which has `DEMO_MEMBERS` members (enough for several pages)."""
DEMO_MEMBERS = 47
"""How many members the demo workspace has."""

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia", "Ken", "Margaret", "Tim"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Perlman", "Thompson", "Hamilton", "Lee"]
_ROLES = [
    ("admin", "Manages the workspace and its members"),
    ("editor", "Edits mailboxes and contacts"),
    ("viewer", "Reads everything, changes nothing"),
    ("support", "Answers customer conversations"),
]
_CONTACTS = [("Katherine", "Johnson"), ("Hedy", "Lamarr"), ("Claude", "Shannon"), ("Mary", "Jackson")]


def load_demo(store: Store) -> None:
    """Fill an empty store with the demo data."""
    owner = store.add_user(DEMO_EMAIL, DEMO_PASSWORD, username="demo", firstName="Demo", lastName="User", role="admin")
    ada = store.add_user("ada@wootiv.test", "ada-password", username="ada", firstName="Ada", lastName="Lovelace", role="editor")
    store.add_user("alan@wootiv.test", "alan-password", username="alan", firstName="Alan", lastName="Turing", role="viewer")
    former = store.add_user("former@wootiv.test", "former-password", username="former", firstName="Former", lastName="Member")
    store.retire_user(former["id"])  # soft-deleted, for users.recover.update

    workspace = store.add_workspace("Demo workspace", owner["id"], key=DEMO_WORKSPACE)
    workspace["workspaceMembers"].append(ada["id"])
    store.profile_of(ada)
    for index in range(DEMO_MEMBERS - len(workspace["workspaceMembers"])):
        first, last = _FIRST[index % len(_FIRST)], _LAST[(index * 5 + index // len(_FIRST)) % len(_LAST)]
        uid = store.new_id()
        email = f"{first.lower()}.{last.lower()}{index}@wootiv.test"
        store.members.add({"uid": uid, "name": f"{first} {last}", "email": email, "role": _ROLES[index % len(_ROLES)][0]})
        workspace["workspaceMembers"].append(uid)
    store.add_subscription(
        {"endDate": "2027-01-01T00:00:00.000Z", "planName": "business_pro", "startDate": "2026-01-01T00:00:00.000Z", "status": "active", "workspaceId": DEMO_WORKSPACE}
    )
    store.add_token(workspace, "Demo token")

    roles = [store.add_role(name, description) for name, description in _ROLES]
    store.assign(DEMO_WORKSPACE, owner["id"], roles[0]["id"])
    store.assign(DEMO_WORKSPACE, ada["id"], roles[1]["id"])

    groups = [store.add_contact_group(name, DEMO_WORKSPACE) for name in ("Customers", "Partners")]
    for index, (first, last) in enumerate(_CONTACTS):
        store.add_contact(
            {
                "contactGroupId": groups[index % len(groups)]["id"],
                "email": f"{first.lower()}.{last.lower()}@example.com",
                "firstName": first,
                "lastName": last,
                "metadata": {"source": "demo", "since": 2020 + index},
                "phoneNumber": f"+1555010{index}",
                "workspaceId": DEMO_WORKSPACE,
            }
        )

    box = store.add_mailbox(
        {"config": {"tone": "friendly"}, "dotcom": "wootiv.test", "name": "Support", "objective": "Answer customers", "uniqueAddress": "support"},
        DEMO_WORKSPACE,
    )
    store.add_registry_entry(box, "action", {"enabled": True, "name": "webhook", "rawContent": "Post new conversations", "rawParsed": None, "value": {"url": "https://example.com/hook"}})
    store.add_registry_entry(box, "resource", {"enabled": True, "name": "pdf", "rawContent": None, "rawParsed": None, "value": {"file": "handbook.pdf"}})
    welcome: Json = {
        "Attachments": [],
        "mediumIntegrationName": "postmark",
        "messageHTML": "<p>Welcome to Wootiv!</p>",
        "messageText": "Welcome to Wootiv!",
        "sender": "system",
        "status": "sent",
    }
    store.post_message(box, "welcome", welcome, "email")
    stream = store.stream(box, "welcome")
    store.add_registry_entry(box, "action", {"enabled": True, "name": "cta", "rawContent": "Book a call", "rawParsed": None, "value": {"label": "Book"}}, stream)
