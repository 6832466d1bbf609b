"""The baseline's self-hosted endpoint: a plain WSGI callable for gunicorn (`gunicorn --chdir bench/baseline
wsgi:app`), with no request verification and no checks at all.

Plain WSGI rather than Flask because the baseline should be as fast as the bare SDK can be served: the issue's
figure (about 2,500 requests/s with 2 sync workers) is the SDK's own cost plus gunicorn's, and any framework would
only add to it, flattering Spine Coach (which runs on Flask with verification on) in the ratio.
"""

import json

from lambda_function import lambda_handler


def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    event = json.loads(environ["wsgi.input"].read(length))
    body = json.dumps(lambda_handler(event, None)).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json;charset=UTF-8"),
                              ("Content-Length", str(len(body)))])
    return [body]
