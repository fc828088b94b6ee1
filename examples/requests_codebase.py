"""A requests codebase that reuses its configured `Session` for Wootiv.

Large requests codebases usually build one `Session` with mounted adapters
(pool sizes, retries of their own, instrumentation), proxies and headers.
Passing that session to `Wootiv` keeps all of it: the SDK sends through the
session as it is and never closes it.

Run with `python examples/requests_codebase.py` against a Wootiv emulator
(`python -m wootiv.testing serve`) or the real API.
"""

from __future__ import annotations

from typing import Any, List

import requests
import requests.adapters

from wootiv import Wootiv


class InstrumentedAdapter(requests.adapters.HTTPAdapter):
    """The codebase's own adapter: it counts requests for its metrics."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent: List[str] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.sent.append(f"{request.method} {request.path_url}")
        return super().send(request, *args, **kwargs)


def build_session() -> requests.Session:
    session = requests.Session()
    adapter = InstrumentedAdapter(pool_maxsize=32)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["X-Origin"] = "example-requests-codebase"
    # The proxies of the codebase apply to Wootiv calls too; none here, so that
    # the example runs on any machine: session.proxies = {"https": "http://proxy:3128"}
    return session


def main() -> None:
    with build_session() as session:
        client = Wootiv(http_client=session)
        role = client.roles.create(name="accountant", description="Sees invoices")
        print("created", role.id, role.name)
        names = [r.name for r in client.roles.list(limit=2)]
        print("all roles:", names)
        client.roles.delete(role.id)
        client.close()  # leaves the session open: it is the codebase's
        adapter = session.get_adapter("http://")
        assert isinstance(adapter, InstrumentedAdapter)
        print("requests seen by the codebase's adapter:", len(adapter.sent))
        for line in adapter.sent:
            print("  ", line)
        assert len(adapter.sent) >= 3


if __name__ == "__main__":
    main()
