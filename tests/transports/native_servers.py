"""Small loopback servers for the native transport's tests: raw HTTP, TLS, a proxy.

`RawServer` runs one handler per accepted connection, on its own thread, so a
test can answer in ways no real server would (HTTP/1.0, oversized headers,
too many body bytes, a connection closed after the answer). `make_tls_files`
makes a throw-away CA and a server certificate for 127.0.0.1 with the
`openssl` command. `Proxy` is a forward proxy for absolute-form requests and
`CONNECT` tunnels that records what it was asked.
"""

from __future__ import annotations

import select
import socket
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Callable, List, Optional, Tuple

Handler = Callable[["Peer"], None]


class Peer:
    """One accepted connection, with a reader for requests without bodies or with a Content-Length."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    def read_request(self) -> Optional[Tuple[str, List[str], bytes]]:
        """`(request line, header lines, body)`, or `None` when the client closed."""
        while b"\r\n\r\n" not in self._buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self._buffer += data
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        while len(self._buffer) < length:
            self._buffer += self.sock.recv(65536)
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return lines[0], lines[1:], body

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


def answer(body: bytes = b"{}", *, status: str = "200 OK", headers: str = "", version: str = "HTTP/1.1") -> bytes:
    """An answer with a Content-Length, plus any extra header lines (each ending in CRLF)."""
    return f"{version} {status}\r\nContent-Length: {len(body)}\r\n{headers}\r\n".encode() + body


def keep_alive(peer: Peer) -> None:
    """Answer `{}` to every request on the connection, until the client closes it."""
    while peer.read_request() is not None:
        peer.send(answer())


class RawServer:
    """Accepts connections on 127.0.0.1 and gives each to `handler` on a thread of its own."""

    def __init__(self, handler: Handler = keep_alive, tls: Optional[ssl.SSLContext] = None) -> None:
        self.handler = handler
        self._tls = tls
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.accepted = 0
        self._peers: List[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return self.base + path

    def _accept(self) -> None:
        while not self._stopping.is_set():
            if not select.select([self._listener], [], [], 0.05)[0]:
                continue
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_side=True)
            self._peers.append(sock)
            self.handler(Peer(sock))
        except (OSError, ValueError):
            pass
        finally:
            sock.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join()
        self._listener.close()
        for sock in self._peers:
            try:
                sock.close()
            except OSError:
                pass


def make_tls_files(folder: Path) -> Tuple[Path, Path, Path]:
    """`(ca.pem, server.pem, server.key)`: a CA made now, and a certificate it signed for 127.0.0.1."""
    ca_key, ca, key, csr, cert = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = folder / "server.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=Wootiv test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


class Proxy(RawServer):
    """A forward proxy: absolute-form requests are relayed, `CONNECT` opens a tunnel.

    `seen` holds each request line and its `Proxy-Authorization` header (or `None`).
    """

    def __init__(self) -> None:
        self.seen: List[Tuple[str, Optional[str]]] = []
        super().__init__(self._relay)

    def _relay(self, peer: Peer) -> None:
        while True:
            request = peer.read_request()
            if request is None:
                return
            line, headers, body = request
            auth = next((h.split(":", 1)[1].strip() for h in headers if h.lower().startswith("proxy-authorization:")), None)
            self.seen.append((line, auth))
            method, target, _ = line.split(" ")
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                peer.send(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self._pipe(peer.sock, upstream)
                return
            rest = target.split("://", 1)[1]
            hostport, _, path = rest.partition("/")
            host, _, port = hostport.partition(":")
            with socket.create_connection((host, int(port or 80))) as upstream:
                kept = "".join(f"{h}\r\n" for h in headers if not h.lower().startswith("proxy-"))
                upstream.sendall(f"{method} /{path} HTTP/1.1\r\n{kept}\r\n".encode() + body)
                reply = Peer(upstream)
                head = b""
                while b"\r\n\r\n" not in head:
                    head += upstream.recv(65536)
                top, _, rest_body = head.partition(b"\r\n\r\n")
                length = next(int(h.split(b":")[1]) for h in top.split(b"\r\n")[1:] if h.lower().startswith(b"content-length"))
                while len(rest_body) < length:
                    rest_body += reply.sock.recv(65536)
                peer.send(top + b"\r\n\r\n" + rest_body)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 5)
                if not readable:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        finally:
            b.close()
