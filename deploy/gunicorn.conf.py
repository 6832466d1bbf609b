"""gunicorn settings for the self-hosted endpoint: `gunicorn --config deploy/gunicorn.conf.py 'skill.web.wsgi:app'`.

Threads rather than gunicorn's default sync workers: a sync worker is held by one connection until it has sent
its whole request, so four clients that stop halfway stalled all four workers. Here a stalled connection holds one
of 32 threads, and for at most 3 s (`skill.web.slow_clients.REQUEST_READ_SECONDS`) once it has sent a byte, or 5 s
(gunicorn's own wait) while it has sent nothing.
"""

bind = "127.0.0.1:8000"  # plain HTTP behind the TLS terminator on port 443
workers = 4
worker_class = "skill.web.gunicorn_worker.DeadlineThreadWorker"
threads = 8
timeout = 10  # a worker silent this long is restarted; Alexa has given up after 8 s anyway
graceful_timeout = 10
keepalive = 5  # seconds an idle kept-alive connection stays open, waiting in the poller rather than a thread
