"""A deadline for receiving each request, so a client that trickles or stalls gives its thread back.

Both servers hand a thread to each connection (gunicorn's threaded worker, `skill.web.gunicorn_worker`; Werkzeug's
threaded server under `serve`). A plain blocking socket would keep that thread for as long as a client chose to
stay silent halfway through its headers or body; here every read shares one deadline per request, and a read past
it hangs the connection up. The servers already treat a hung-up connection as a client that went away (no answer,
no traceback), so nothing else has to know about the deadline.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

# Alexa sends its few kilobytes at once and gives up after 8 s; a request not received within 3 s will not be
# answered in time anyway, and every second a stalled connection keeps a thread is a second it cannot serve.
REQUEST_READ_SECONDS = 3.0

log = logging.getLogger("skill.web.slow_clients")


class RequestDeadlineSocket(socket.socket):
    """A connection whose reads for one request must all finish within `read_seconds` of `start_request()`."""

    def __init__(self, *args, read_seconds: float = REQUEST_READ_SECONDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_seconds = read_seconds
        self.start_request()

    @classmethod
    def adopt(cls, connection: socket.socket, read_seconds: float = REQUEST_READ_SECONDS) -> RequestDeadlineSocket:
        """Take over an accepted connection's file descriptor, keeping its blocking mode."""
        blocking = connection.getblocking()
        adopted = cls(connection.family, connection.type, connection.proto, fileno=connection.detach(),
                      read_seconds=read_seconds)
        adopted.setblocking(blocking)  # a socket built on a descriptor does not learn the descriptor's mode
        return adopted

    def start_request(self) -> None:
        self._deadline = time.monotonic() + self.read_seconds
        self._received = 0
        self._hung_up = False

    def setblocking(self, flag: bool) -> None:
        # gunicorn's threaded worker switches a connection to blocking when a thread takes up its next request,
        # and blocking would mean "no timeout": start that request's deadline instead.
        if flag:
            self.start_request()
            self.settimeout(self.read_seconds)
        else:
            super().setblocking(False)

    def recv(self, size: int, flags: int = 0) -> bytes:
        if not self._wait_for_input():
            return b""
        data = self._bounded(super().recv, size, flags)
        self._received += len(data or b"")
        return data or b""

    def recv_into(self, buffer, size: int = 0, flags: int = 0) -> int:
        if not self._wait_for_input():
            return 0
        count = self._bounded(super().recv_into, buffer, size, flags) or 0
        self._received += count
        return count

    def _wait_for_input(self) -> bool:
        """False, after hanging up, when this request's time to arrive has run out."""
        if self.gettimeout() == 0.0:  # non-blocking: the caller polls, nothing can stall here
            return True
        if self._deadline - time.monotonic() <= 0:
            self._hang_up()
            return False
        return True

    def _bounded(self, read, *args):
        self.settimeout(max(self._deadline - time.monotonic(), 0.001))
        try:
            return read(*args)
        except TimeoutError:
            self._hang_up()
            return None
        finally:
            if not self._closed:
                self.settimeout(self.read_seconds)  # writes too are bounded, one wait at a time

    def _hang_up(self) -> None:
        if self._hung_up:  # the server may try to read again before it notices: one log line per connection
            return
        self._hung_up = True
        if self._received:
            log.warning("closed a connection that did not send its whole request within %.0f s",
                        self.read_seconds)
        else:
            log.debug("closed a connection that sent no request within %.0f s", self.read_seconds)
        try:
            self.shutdown(socket.SHUT_RDWR)  # reads now see the end of the stream, writes fail as to a gone client
        except OSError:
            pass  # already gone


class DeadlineRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, with each request on a connection (idle keep-alive included) under its own deadline."""

    def handle_one_request(self) -> None:
        if isinstance(self.connection, RequestDeadlineSocket):
            self.connection.start_request()
        super().handle_one_request()


class DeadlineWSGIServer(ThreadedWSGIServer):
    """Werkzeug's threaded server (one thread per connection), whose connections hang up on slow clients."""

    def __init__(self, host: str, port: int, app, ssl_context=None):
        super().__init__(host, port, app, DeadlineRequestHandler, ssl_context=ssl_context)

    def get_request(self):
        connection, address = super().get_request()
        if isinstance(connection, ssl.SSLSocket):
            # A TLS connection cannot hand over its descriptor; bound each wait instead of the whole request.
            connection.settimeout(REQUEST_READ_SECONDS)
            return connection, address
        return RequestDeadlineSocket.adopt(connection), address
