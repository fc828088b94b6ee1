"""An httpx app with event hooks that sees every Wootiv call.

httpx users often attach event hooks for logging, metrics or tracing. Give
`Wootiv` that `httpx.Client` and the hooks see every request and response,
retries included; the SDK never closes the client.

Run with `python examples/httpx_hooks.py` against a Wootiv emulator
(`python -m wootiv.testing serve`) or the real API.
"""

from __future__ import annotations

import time
from typing import Dict, List

import httpx

from wootiv import Wootiv

timeline: List[str] = []
started: Dict[int, float] = {}


def on_request(request: httpx.Request) -> None:
    started[id(request)] = time.perf_counter()


def on_response(response: httpx.Response) -> None:
    elapsed = (time.perf_counter() - started.pop(id(response.request), time.perf_counter())) * 1000
    timeline.append(f"{response.request.method} {response.request.url.path} -> {response.status_code} ({elapsed:.1f} ms)")


def main() -> None:
    with httpx.Client(event_hooks={"request": [on_request], "response": [on_response]}) as http:
        client = Wootiv(http_client=http)
        group = client.contact_group.create(group_name="Newsletter", workspace_id="demo")
        contact = client.contacts.create(
            contact_group_id=group.id,
            email="ada@example.com",
            first_name="Ada",
            last_name="Lovelace",
            metadata={"source": "example"},
            phone_number="+15550100",
            workspace_id="demo",
        )
        print("contact", contact.id, contact.email, "in group", contact.contact_group_id)
        client.contacts.delete(contact.id)
        client.contact_group.delete(group.id)
        client.close()
        assert not http.is_closed
    print("what the hooks saw:")
    for line in timeline:
        print("  ", line)
    assert len(timeline) == 4


if __name__ == "__main__":
    main()
