"""gunicorn's threaded worker, with a deadline for receiving each request (deploy/gunicorn.conf.py selects it).

gunicorn bounds only the wait for a connection's first byte (5 s); after that a thread reads headers and body
with no timeout, so clients that send a little and stop would keep every thread. Here each connection's reads
share one deadline per request (`skill.web.slow_clients`). Run it on plain HTTP behind the TLS terminator: a
connection gunicorn wraps in TLS itself keeps only a per-read timeout.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker

from skill.web.slow_clients import RequestDeadlineSocket


class DeadlineThreadWorker(ThreadWorker):
    @property
    def worker_connections(self) -> int:
        """gunicorn's worker accepts while it has fewer open connections than this. It would otherwise accept up to
        `worker_connections` (1000) and queue them for its few threads, behind stalled ones, while other workers
        sit idle; counting only connections that need a thread leaves the rest to a worker that has one free."""
        waiting_in_poller = len(self.keepalived_conns) + len(self.pending_conns)
        return min(self.cfg.worker_connections, self.cfg.threads + waiting_in_poller)

    @worker_connections.setter
    def worker_connections(self, _: int) -> None:
        pass  # ThreadWorker.__init__ stores the setting here; the property above computes it instead

    def enqueue_req(self, conn) -> None:
        if not conn.initialized and not isinstance(conn.sock, RequestDeadlineSocket):  # a newly accepted one
            conn.sock = RequestDeadlineSocket.adopt(conn.sock)
        super().enqueue_req(conn)
