"""Just enough of the Chrome DevTools protocol to load pages headless and read them.

`Browser` starts Debian's Chromium with a fresh profile and remote debugging
on a free port, and `Page` sends commands to its first tab and collects the
JavaScript errors it reports. Every wait has a deadline, and the browser is
killed on exit, so a hung page fails a test instead of hanging it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Callable, Dict, List, Optional, Type

import websocket

Json = Dict[str, Any]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


def chromium_path() -> Optional[str]:
    """Where Chromium is installed, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab: `call` a DevTools method, `evaluate` JavaScript, `errors` seen so far."""

    def __init__(self, socket_url: str, timeout: float) -> None:
        # websocket-client 1.9.0 (the Python 3.9 pin) leaves some of this signature untyped.
        self._socket: websocket.WebSocket = websocket.create_connection(socket_url, timeout=timeout, suppress_origin=True)  # pyright: ignore[reportUnknownMemberType]
        self._timeout = timeout
        self._next_id = 0
        self.errors: List[str] = []
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")

    def close(self) -> None:
        self._socket.close()

    def _note(self, event: Json) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(f"{params['entry'].get('text')} ({params['entry'].get('url', '')})")

    def call(self, method: str, **params: Any) -> Json:
        """Send one command and return its result; events that arrive meanwhile are noted."""
        self._next_id += 1
        self._socket.send(json.dumps({"id": self._next_id, "method": method, "params": params}))
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            message: Json = json.loads(self._socket.recv())
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: Json = message.get("result", {})
                return result
            self._note(message)
        raise TimeoutError(f"no answer to {method} within {self._timeout} s")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited if it is a promise)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float, what: str) -> Any:
        """Poll `expression` until it is truthy; its value, or TimeoutError naming `what`."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{what}: not seen within {timeout} s")
            time.sleep(0.2)

    def open(self, url: str, timeout: float) -> None:
        """Navigate and wait until the document and its scripts have loaded."""
        self.call("Page.navigate", url=url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'", timeout, f"loading {url}")


class Browser:
    """Headless Chromium with a throwaway profile, for the length of a `with` block."""

    def __init__(self, executable: str, *, timeout: float = 30.0) -> None:
        self._executable = executable
        self._timeout = timeout
        self._profile = Path(tempfile.mkdtemp(prefix="wootiv-chromium-"))
        self._process: Optional["subprocess.Popen[bytes]"] = None
        self.page: Optional[Page] = None

    def __enter__(self) -> Page:
        command = [self._executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port = self._wait(lambda: self._port(), "Chromium's DevTools port")
        tabs: List[Json] = self._wait(lambda: [tab for tab in self._tabs(port) if tab.get("type") == "page"], "a tab")
        self.page = Page(tabs[0]["webSocketDebuggerUrl"], self._timeout)
        return self.page

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        if self.page is not None:
            self.page.close()
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            assert self._process.stderr is not None
            self._process.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _port(self) -> Optional[int]:
        assert self._process is not None
        if self._process.poll() is not None:
            assert self._process.stderr is not None
            raise RuntimeError(f"Chromium exited with {self._process.returncode}: {self._process.stderr.read().decode(errors='replace')[-2000:]}")
        marker = self._profile / "DevToolsActivePort"
        lines = marker.read_text().split() if marker.exists() else []
        return int(lines[0]) if lines else None

    @staticmethod
    def _tabs(port: int) -> List[Json]:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
            tabs: List[Json] = json.loads(answer.read())
            return tabs

    def _wait(self, probe: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            value = probe()
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"{what}: not ready within {self._timeout} s")
