"""One JSON line per request: which request, what kind, how long it took and how it ended.

Never what the user said, slot values, session attributes or triage: in this skill they are health data. So the
line is built from an allow-list of fields, and a logged exception contributes its type and the line it was
raised at, never its message (a KeyError's message can be a slot value).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import IO, Any

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, RequestEnvelope, Response

REQUEST_LOG = logging.getLogger("skill.requests")
# The id of the request being answered, set by the web endpoint once the body is read: every JSON line written
# meanwhile carries it, also those of loggers that never see the request (the store's, the last-resort handler's).
CURRENT_REQUEST_ID: ContextVar[str | None] = ContextVar("current_request_id", default=None)
STARTED = "started"  # request attribute: perf_counter() when the turn began
LOGGED_FIELDS = ("request_id", "request_type", "intent", "locale", "new_session", "latency_ms", "outcome",
                 "ends_session", "status", "reason", "error", "where")


def request_fields(envelope: RequestEnvelope | None) -> dict[str, Any]:
    """The parts of a request that identify it without saying anything about the user's health."""
    request = getattr(envelope, "request", None)
    fields: dict[str, Any] = {"request_id": getattr(request, "request_id", None),
                              "request_type": getattr(request, "object_type", None),
                              "locale": getattr(request, "locale", None)}
    if isinstance(request, IntentRequest) and request.intent is not None:
        fields["intent"] = request.intent.name
    session = getattr(envelope, "session", None)
    if session is not None:
        fields["new_session"] = bool(session.new)
    return fields


def log_request(outcome: str, started: float | None, level: int = logging.INFO, exc_info: Any = None,
                **fields: Any) -> None:
    if not REQUEST_LOG.isEnabledFor(level):
        return
    if started is not None:
        fields["latency_ms"] = round((time.perf_counter() - started) * 1000, 3)
    fields["outcome"] = outcome
    if fields.get("request_id") is None:
        fields["request_id"] = CURRENT_REQUEST_ID.get()  # taken now: a handler may format the record later
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    elif exc_info and not isinstance(exc_info, tuple):
        exc_info = sys.exc_info()
    # What Logger.log does, less its walk up the stack for the caller's file and line, which the line never shows
    # (a fifth of the cost of logging it).
    REQUEST_LOG.handle(REQUEST_LOG.makeRecord(REQUEST_LOG.name, level, "(request_log)", 0, "request", (), exc_info,
                                              extra={"fields": fields}))


def log_turn(handler_input: HandlerInput, outcome: str, response: Response | None = None,
             exc_info: Any = None) -> None:
    """The request line for a turn the skill dispatched (ok) or answered with its apology (error)."""
    if not REQUEST_LOG.isEnabledFor(logging.ERROR if exc_info else logging.INFO):
        return  # nobody listens: nothing to gather
    fields = request_fields(handler_input.request_envelope)
    if response is not None:
        fields["ends_session"] = response.should_end_session is True
    started = handler_input.attributes_manager.request_attributes.get(STARTED)
    log_request(outcome, started, logging.ERROR if exc_info else logging.INFO, exc_info=exc_info, **fields)


class StartClockInterceptor(AbstractRequestInterceptor):
    """Registered first, so a turn's latency covers every interceptor and handler."""

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[STARTED] = time.perf_counter()


class RequestLogInterceptor(AbstractResponseInterceptor):
    """Registered last. Response interceptors do not run after an exception; the apology handler logs those."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        log_turn(handler_input, "ok", response)


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))  # json.dumps would make one per line for these separators


def log_line(record: logging.LogRecord) -> dict[str, Any]:
    """What a log line may show of `record`: its time, level, logger, message and allow-listed fields, and of an
    exception only its type and where it was raised. Every format (JSON here, `serve`'s console) shows this."""
    line: dict[str, Any] = {
        "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(), "logger": record.name, "event": record.getMessage()}
    fields = getattr(record, "fields", {})
    line.update({name: fields[name] for name in LOGGED_FIELDS if fields.get(name) is not None})
    if "request_id" not in line and CURRENT_REQUEST_ID.get() is not None:  # another logger's line
        line["request_id"] = CURRENT_REQUEST_ID.get()
    if record.exc_info and record.exc_info[0] is not None:
        line.setdefault("error", record.exc_info[0].__name__)
        line.setdefault("where", _raised_at(record.exc_info[2]))
    return line


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _COMPACT_JSON.encode(log_line(record))


def _raised_at(tb: Any) -> str | None:
    frames = traceback.extract_tb(tb)
    if not frames:
        return None
    last = frames[-1]
    return f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno} in {last.name}"


def configure_json_logging(stream: IO[str] | None = None, level: int = logging.INFO) -> None:
    """Every log record as one JSON line (Lambda, gunicorn; `serve` picks JSON or console lines in skill.web.logs).
    The local `talk` keeps plain text."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonLineFormatter())
    logging.basicConfig(handlers=[handler], level=level, force=True)
