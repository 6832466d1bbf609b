"""A small stand-in for Alexa's REST APIs (api.amazonalexa.com), served over real HTTPS on loopback.

The skill talks to it through ask-sdk's own `DefaultApiClient` and service clients, exactly as on Lambda: the
test envelope's `context.System.apiEndpoint` points here, and `requests` trusts the stub's test CA through
REQUESTS_CA_BUNDLE. Only the far side is fake; everything in the skill's process is the real code.

    with AlexaApiStub.running(tmp_path) as api:     # or the `alexa_api` fixture (conftest.py)
        api.route("POST", "/v1/alerts/timers", create_timer)   # handler(request) -> (status, body)
        api.fail_next("POST", "/v1/alerts/timers", 504)         # one canned error, then normal again
        ... api.requests                                        # every call, in order

Routes match on method and a path pattern whose `{name}` parts match one path segment; a handler gets a
`StubRequest` (method, path, params from the pattern, query, headers, JSON body) and returns (status, JSON body
or None). Unrouted calls answer 404, as the real API does for an unknown resource.
"""

from __future__ import annotations

import contextlib
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

from certificates import TestPKI, pem

HOST = "localhost"
ACCESS_TOKEN = "test-api-access-token"


@dataclass
class StubRequest:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def authorized(self) -> bool:
        return self.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"


Handler = Callable[[StubRequest], "tuple[int, Any]"]


@dataclass
class AlexaApiStub:
    endpoint: str = ""  # https://localhost:<port>, what the envelope's apiEndpoint carries
    ca_bundle: Path | None = None
    requests: list[StubRequest] = field(default_factory=list)
    _routes: list[tuple[str, str, re.Pattern[str], Handler]] = field(default_factory=list)
    _failures: dict[tuple[str, str], list[tuple[int, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern)) + "$")
        self._routes.append((method.upper(), pattern, regex, handler))

    def fail_next(self, method: str, pattern: str, status: int, body: Any = None) -> None:
        """The next call matching `method` and `pattern` (as written in `route`) answers `status` instead."""
        body = body if body is not None else {"code": _ERROR_CODES.get(status, "ERROR"), "message": f"stub {status}"}
        self._failures.setdefault((method.upper(), pattern), []).append((status, body))

    def calls(self, method: str, path_prefix: str = "") -> list[StubRequest]:
        return [r for r in self.requests if r.method == method.upper() and r.path.startswith(path_prefix)]

    def dispatch(self, request: StubRequest) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(request)
            for method, pattern, regex, handler in self._routes:
                match = regex.match(request.path)
                if method != request.method or match is None:
                    continue
                failures = self._failures.get((method, pattern))
                if failures:
                    return failures.pop(0)
                if not request.authorized:
                    return 401, {"code": "UNAUTHORIZED", "message": "missing or wrong access token"}
                request.params = match.groupdict()
                return handler(request)
            return 404, {"code": "NOT_FOUND", "message": f"no stub route for {request.method} {request.path}"}

    @classmethod
    @contextlib.contextmanager
    def running(cls, directory: Path) -> Iterator[AlexaApiStub]:
        pki = TestPKI.generate(san=HOST)
        directory.mkdir(parents=True, exist_ok=True)
        cert_file, key_file = directory / "stub-cert.pem", directory / "stub-key.pem"
        cert_file.write_bytes(pki.chain_pem())
        key_file.write_bytes(_private_pem(pki))
        stub = cls(ca_bundle=directory / "stub-ca.pem")
        stub.ca_bundle.write_bytes(pem(pki.root))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        server = ThreadingHTTPServer((HOST, 0), _handler_class(stub))
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        stub.endpoint = f"https://{HOST}:{server.server_address[1]}"
        # shutdown() waits for the loop to poll: a short interval keeps each test's teardown quick
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        try:
            yield stub
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


_ERROR_CODES = {400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
                429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR", 504: "DEVICE_OFFLINE"}


def _private_pem(pki: TestPKI) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return pki.leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def _handler_class(stub: AlexaApiStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            request = StubRequest(self.command, url.path, {}, parse_qs(url.query),
                                  {k.lower(): v for k, v in self.headers.items()}, body)
            status, answer = stub.dispatch(request)
            payload = b"" if answer is None else json.dumps(answer).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass  # requests are recorded in stub.requests; stderr noise would hide test output

    return Handler
