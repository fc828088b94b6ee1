"""Every one of the 81 operations, against the served emulator, with state checked.

The scenario runs once per driver (httpx, requests, in-process; and their
async counterparts httpx, aiohttp, in-process): what is created can be
retrieved, listed, updated and deleted, and the emulator confirms that each
operation of the spec was called.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import wootiv
from wootiv.testing import DEMO_EMAIL, DEMO_PASSWORD
from wootiv_core.api.operations import ALL

from .conftest import Api

STAMP = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


async def accounts(api: Api) -> str:
    assert await api.call(lambda c: c.root.retrieve()) is None
    signed = await api.call(lambda c: c.auth.signup(email="new@wootiv.test", password="pw-1", plan="free", first_name="New"))
    assert signed.email == "new@wootiv.test"
    with pytest.raises(wootiv.ConflictError):
        await api.call(lambda c: c.auth.signup(email="new@wootiv.test", password="pw-1", plan="free"))
    billing = await api.call(lambda c: c.auth.verify_billing(sub=signed.sub))
    assert billing.sub == signed.sub
    tokens = await api.call(lambda c: c.auth.login(username="new@wootiv.test", password="pw-1"))
    assert tokens.sub == signed.sub
    with pytest.raises(wootiv.AuthenticationError):
        await api.call(lambda c: c.auth.login(username="new@wootiv.test", password="wrong"))
    fresh = await api.call(lambda c: c.auth.token.refresh(refresh_token=tokens.refresh_token))
    assert fresh.refresh_token != tokens.refresh_token
    with pytest.raises(wootiv.AuthenticationError):
        await api.call(lambda c: c.auth.token.refresh(refresh_token=tokens.refresh_token))
    assert await api.call(lambda c: c.auth.recovery.login.create(email="new@wootiv.test")) is None
    await api.call(lambda c: c.auth.recovery.password.create(email="new@wootiv.test"))
    passcode = api.emulator.outbox[-1]["code"]
    assert await api.call(lambda c: c.auth.recovery.passcode.retrieve(passcode)) is None
    await api.call(lambda c: c.auth.recovery.password.update(new_password="pw-2", passcode=passcode))
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.auth.recovery.passcode.retrieve(passcode))
    assert (await api.call(lambda c: c.auth.login(username="new@wootiv.test", password="pw-2"))).sub == signed.sub
    demo = await api.call(lambda c: c.auth.login(username=DEMO_EMAIL, password=DEMO_PASSWORD))
    user = await api.call(lambda c: c.users.retrieve(demo.sub))
    assert user.email == DEMO_EMAIL
    emails = [u.email for u in await api.items(lambda c: c.users.list())]
    assert DEMO_EMAIL in emails and "new@wootiv.test" in emails
    assert (await api.call(lambda c: c.users.recover.update(signed.sub)))["id"] == signed.sub
    return str(demo.sub)


async def workspaces(api: Api, owner: str) -> str:
    space = await api.call(lambda c: c.wspaces.create(name="Team Blue", owner_id=owner))
    assert space.slug == "team-blue" and space.owner_id == owner
    assert (await api.call(lambda c: c.wspaces.retrieve(space.id))).name == "Team Blue"
    renamed = await api.call(lambda c: c.wspaces.update(space.id, body_id=space.id, name="Team Green"))
    assert renamed.name == "Team Green"
    assert (await api.call(lambda c: c.wspaces.retrieve(space.id, fields=["name"]))).name == "Team Green"
    members = await api.items(lambda c: c.space.members.list("demo"))
    assert len(members) == 47 and len({m.uid for m in members}) == 47
    assert await api.call(lambda c: c.space.members.retrieve(members[3].uid, space_id="demo")) is None
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.space.members.retrieve("nobody", space_id="demo"))
    token = await api.call(lambda c: c.space.tokens.create(space.id, name="ci"))
    assert token.workspace_id == space.id and token.sensitive_key
    listed = await api.call(lambda c: c.space.tokens.list(space.id))
    assert [t.id for t in listed] == [token.id]
    assert await api.call(lambda c: c.space.tokens.delete(token.id, space_sid=space.id)) is None
    assert await api.call(lambda c: c.space.tokens.list(space.id)) == []
    return str(space.id)


async def roles(api: Api, user: str) -> None:
    role = await api.call(lambda c: c.roles.create(name="qa", description="Tests things"))
    assert (await api.call(lambda c: c.roles.retrieve(role.id))) == role
    updated = await api.call(lambda c: c.roles.update(role.id, name="qa-lead", description="Leads testing"))
    assert updated.name == "qa-lead" and updated.audit.version == 2
    names = [r.name for r in await api.items(lambda c: c.roles.list(filter=["name||$cont||qa"]))]
    assert names == ["qa-lead"]
    more = await api.call(lambda c: c.roles.bulk_create(bulk=[{"name": "a", "description": "A"}, {"name": "b", "description": "B"}]))
    assert [r.name for r in more] == ["a", "b"]
    page = await api.call(lambda c: c.roles.list(sort=["name,DESC"], limit=3))
    first_page = page if not api.is_async else page
    assert [r.name for r in first_page.data] == ["viewer", "support", "qa-lead"]
    assert await api.call(lambda c: c.roles.delete(role.id)) == {"id": role.id, "deleted": True}
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.roles.retrieve(role.id))

    assignment = await api.call(lambda c: c.role_assignments.create("team", assignee={"id": user}, role={"id": more[0].id}))
    fetched = await api.call(lambda c: c.role_assignments.retrieve(assignment.id, assignment="team"))
    assert fetched.assignee.id == user and fetched.role.id == more[0].id
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.role_assignments.retrieve(assignment.id, assignment="other-team"))
    bulk = await api.call(lambda c: c.role_assignments.bulk.create("team", bulk=[{"assignee": {"id": user}, "role": {"id": more[1].id}}]))
    assert bulk[0].role.id == more[1].id
    await api.call(lambda c: c.role_assignments.delete(assignment.id, assignment="team"))
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.role_assignments.retrieve(assignment.id, assignment="team"))


async def invitations(api: Api) -> None:
    invitation = await api.call(lambda c: c.invitations.create(category="invitation", email="guest@example.com", payload={"role": "viewer"}))
    assert invitation.active is True and invitation.email == "guest@example.com"
    assert (await api.call(lambda c: c.invitations.retrieve(invitation.id))).code == invitation.code
    assert [i.id for i in await api.items(lambda c: c.invitations.list())] == [invitation.id]
    passcode = api.emulator.outbox[-1]["passcode"]
    assert await api.call(lambda c: c.invitation_acceptance.retrieve(invitation.code, passcode=passcode)) is None
    with pytest.raises(wootiv.BadRequestError):
        await api.call(lambda c: c.invitation_acceptance.retrieve(invitation.code, passcode="000000x"))
    assert await api.call(lambda c: c.invitation_reattempt.create(invitation.code)) is None
    passcode = api.emulator.outbox[-1]["passcode"]
    await api.call(lambda c: c.invitation_acceptance.update(invitation.code, passcode=passcode, payload={"name": "Guest"}))
    assert (await api.call(lambda c: c.invitations.retrieve(invitation.id))).active is False
    await api.call(lambda c: c.invitations.delete(invitation.id))
    assert await api.items(lambda c: c.invitations.list()) == []


async def storage(api: Api) -> None:
    target = await api.call(lambda c: c.aws.create_signed_put_url(filename="avatar.png"))
    assert target.url.endswith("/avatar.png") and target.fields.x_minus_amz_minus_algorithm == "AWS4-HMAC-SHA256"
    stored = await api.call(lambda c: c.aws.buckets.upload(file=("notes.txt", b"remember", "text/plain"), path="docs"))
    assert stored.path_with_filename == "docs/notes.txt" and stored.mime == "text/plain"
    many = await api.call(lambda c: c.aws.buckets.bulk_upload(bulk=[("a.csv", b"1,2"), ("b.csv", b"3,4")], path=""))
    assert [item.filename for item in many] == ["a.csv", "b.csv"]
    assert "signature=" in (await api.call(lambda c: c.aws.buckets.retrieve_file_in_path("notes.txt", pathname="docs"))).signed_url
    assert (await api.call(lambda c: c.aws.buckets.retrieve_file("a.csv"))).signed_url
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.aws.buckets.retrieve_file("missing.csv"))
    assert (await api.call(lambda c: c.aws.buckets.list())).buckets[0]["Objects"] == 3
    assert await api.call(lambda c: c.aws.buckets.health.retrieve()) is None
    assert await api.call(lambda c: c.aws.objects.list()) is None
    assert await api.call(lambda c: c.registry.resources.list()) is None
    assert await api.call(lambda c: c.registry.actions.list()) is None
    assert await api.call(lambda c: c.features.list(plan_name="free")) is None


async def subscriptions(api: Api, space: str) -> None:
    created = await api.call(
        lambda c: c.subscriptions.create(end_date="2027-01-01T00:00:00Z", plan_name="free", start_date=STAMP, status="trial", workspace_id=space)
    )
    assert created.start_date == STAMP and created.status == "trial"
    assert (await api.call(lambda c: c.subscriptions.retrieve(created.id))).plan_name == "free"
    updated = await api.call(lambda c: c.subscriptions.update(created.id, status="active"))
    assert updated.status == "active"
    changed = await api.call(lambda c: c.subscriptions.change.update(path_id="unused", body_id=created.id, plan_name="enterprise"))
    assert changed.plan_name == "enterprise" and changed.id == created.id


async def contacts(api: Api) -> None:
    group = await api.call(lambda c: c.contact_group.create(group_name="VIP", workspace_id="demo"))
    assert (await api.call(lambda c: c.contact_group.retrieve(group.id))).group_name == "VIP"
    await api.call(lambda c: c.contact_group.update(group.id, group_name="VIPs", workspace_id="demo"))
    groups = [g.group_name for g in await api.items(lambda c: c.contact_group.list())]
    assert "VIPs" in groups and len(groups) == 3
    contact = await api.call(
        lambda c: c.contacts.create(
            contact_group_id=group.id,
            email="lin@example.com",
            first_name="Lin",
            last_name="Chen",
            metadata={"tier": "gold"},
            phone_number="+15550199",
            workspace_id="demo",
        )
    )
    assert contact.metadata == {"tier": "gold"}
    assert (await api.call(lambda c: c.contacts.retrieve(contact.id))).first_name == "Lin"
    await api.call(lambda c: c.contacts.update(contact.id, last_name="Chen-Li"))
    found = await api.items(lambda c: c.contacts.list(s='{"lastName": {"$starts": "Chen"}}'))
    assert [c.id for c in found] == [contact.id]
    await api.call(lambda c: c.contacts.delete(contact.id))
    await api.call(lambda c: c.contact_group.delete(group.id))
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.contacts.retrieve(contact.id))


async def mailboxes(api: Api) -> None:
    assert await api.call(lambda c: c.mailbox.check_availability(unique_address="sales")) is None
    box = await api.call(
        lambda c: c.mailbox.create(config={"tone": "friendly"}, dotcom="wootiv.test", name="Sales", objective="Sell", unique_address="sales", workspace_id="demo")
    )
    assert box.inbox == "sales@wootiv.test"
    with pytest.raises(wootiv.ConflictError):
        await api.call(lambda c: c.mailbox.check_availability(unique_address="sales"))
    assert (await api.call(lambda c: c.mailbox.retrieve(box.id))).name == "Sales"
    assert box.id in [b.id for b in await api.items(lambda c: c.mailbox.list())]
    assert (await api.call(lambda c: c.mailbox.update(box.id))).audit.version == 2
    entry: Any = dict(enabled=True, name="webhook", raw_content="Call me", raw_parsed=None, value={"url": "https://example.com"})
    action = await api.call(lambda c: c.mailbox.registry.action.create(box.id, **entry))
    resource = await api.call(lambda c: c.mailbox.registry.resource.create(box.id, **{**entry, "name": "pdf"}))
    assert action.type == "action" and resource.type == "resource"
    assert [e.id for e in (await api.call(lambda c: c.mailbox.registry.action.retrieve(box.id))).data] == [action.id]
    assert [e.id for e in (await api.call(lambda c: c.mailbox.registry.resource.retrieve(box.id))).data] == [resource.id]
    assert (await api.call(lambda c: c.mailbox.registry.retrieve(box.id, limit=1))).total == 2

    message: Any = dict(attachments=[], medium_integration_name="postmark", message_html="<p>Hi</p>", message_text="Hi", sender="agent", status="sent")
    sent = await api.call(lambda c: c.mailbox.stream.create("order-42", id=box.id, **message))
    assert sent.message_text == "Hi"
    stream = await api.call(lambda c: c.mailbox.stream.retrieve("order-42", id=box.id))
    assert stream.slug == "order-42" and len(stream.conversations["messages"]) == 1
    stream_action = await api.call(lambda c: c.mailbox.stream.registry.action.create("order-42", id=box.id, **entry))
    stream_resource = await api.call(lambda c: c.mailbox.stream.registry.resource.create("order-42", id=box.id, **entry))
    assert stream_action.stream_namespace == stream.namespace
    assert [e.id for e in (await api.call(lambda c: c.mailbox.stream.registry.action.retrieve("order-42", id=box.id))).data] == [stream_action.id]
    assert [e.id for e in (await api.call(lambda c: c.mailbox.stream.registry.resource.retrieve("order-42", id=box.id))).data] == [stream_resource.id]
    assert (await api.call(lambda c: c.mailbox.stream.registry.retrieve("order-42", id=box.id))).total == 2
    await api.call(lambda c: c.mailbox.delete(box.id))
    with pytest.raises(wootiv.NotFoundError):
        await api.call(lambda c: c.mailbox.stream.retrieve("order-42", id=box.id))


async def inbound(api: Api) -> None:
    address = {"email": "ada@example.com", "mailbox_hash": "h1", "name": "Ada"}
    await api.call(
        lambda c: c.inbound.mail.create(
            attachments=[], bcc="", bcc_full=[], cc="", cc_full=[], date="Mon, 1 Jan 2026 00:00:00 +0000", from_="ada@example.com",
            from_full=address, from_name="Ada", headers=[], mailbox_hash="h1", message_id="m-1", message_stream="inbound",
            original_recipient="support@wootiv.test", raw_email="raw", reply_to="", stripped_text_reply="Hello", subject="Hi",
            tag="", text_body="Hello", to="support@wootiv.test", to_full=[address],
        )
    )
    received = api.emulator.app.state.inbound[-1]
    assert received["From"] == "ada@example.com" and received["FromFull"]["MailboxHash"] == "h1"


def test_every_operation_round_trips(api: Api, seen_operations: set) -> None:
    async def scenario(api: Api) -> None:
        user = await accounts(api)
        space = await workspaces(api, user)
        await roles(api, user)
        await invitations(api)
        await storage(api)
        await subscriptions(api, space)
        await contacts(api)
        await mailboxes(api)
        await inbound(api)

    api.run(scenario)
    assert len(ALL) == 81
    assert sorted({op.id for op in ALL} - seen_operations) == []
