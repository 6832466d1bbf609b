"""How `serve` writes its log: a readable line per record on a terminal, JSON lines anywhere else.

The log goes to stdout, as under gunicorn and on Lambda, so that stream decides: a terminal gets the console
format (coloured unless NO_COLOR is set), a pipe or file gets JSON lines for machines. `--log-format` or
SPINE_COACH_LOG_FORMAT (auto, console, json) forces either. Both formats show exactly what
`skill.alexa.request_log.log_line` allows, so the console view says nothing about a user that the JSON would not.

Werkzeug styles its own request lines and start-up banner with ANSI codes whatever the stream; those are removed
from every message, and only the console format adds colour of its own.
"""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from typing import IO, Any, Mapping

import click

from skill.alexa.request_log import JsonLineFormatter, log_line

LOG_FORMAT_ENV = "SPINE_COACH_LOG_FORMAT"
LOG_FORMATS = ("auto", "console", "json")
# Shown first on a request's line, in this order; every other field follows as name=value.
_HEADLINE = ("outcome", "request_type", "intent")
_LATER = ("request_id",)  # last: long, and what one searches for
_LEVEL_STYLES = {"debug": {"dim": True}, "info": {"fg": "green"}, "warning": {"fg": "yellow", "bold": True},
                 "error": {"fg": "red", "bold": True}, "critical": {"fg": "red", "bold": True, "reverse": True}}
_OUTCOME_STYLES = {"ok": {"fg": "green"}, "rejected": {"fg": "yellow"}, "error": {"fg": "red", "bold": True},
                   "failed": {"fg": "red", "bold": True}}


class LogFormatError(ValueError):
    pass


def chosen_format(requested: str | None, stream: IO[str]) -> str:
    """"console" or "json": what was asked for (the option, else the environment), or by the stream when auto."""
    choice = (requested or os.environ.get(LOG_FORMAT_ENV) or "auto").strip().lower()
    if choice not in LOG_FORMATS:
        raise LogFormatError(f"{LOG_FORMAT_ENV}={choice!r} is not a log format; use one of {', '.join(LOG_FORMATS)}.")
    if choice == "auto":
        return "console" if _is_terminal(stream) else "json"
    return choice


def configure_serve_logging(requested: str | None = None, level: int = logging.INFO) -> None:
    """Every log record to stdout, in the format asked for or the one stdout suits."""
    logging.basicConfig(handlers=[serve_log_handler(requested, sys.stdout)], level=level, force=True)


def serve_log_handler(requested: str | None, stream: IO[str]) -> logging.StreamHandler:
    """A handler writing to `stream` in the chosen format (LogFormatError for an unknown one), without ANSI codes
    in messages, and coloured only on a terminal when NO_COLOR is unset."""
    handler = logging.StreamHandler(stream)
    if chosen_format(requested, stream) == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(ConsoleFormatter(colour=_is_terminal(stream) and not os.environ.get("NO_COLOR")))
    handler.addFilter(_without_ansi)
    return handler


class ConsoleFormatter(logging.Formatter):
    """One line a person can read: local time, level, what happened, then the allowed fields.

        14:02:07.118 INFO    ok LaunchRequest  en-US new session 1.96 ms  amzn1.echo-api.request.5f0c...
    """

    def __init__(self, colour: bool = False):
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        line = log_line(record)
        level, event, logger = line.pop("level"), line.pop("event"), line.pop("logger")
        del line["time"]  # UTC for machines; a person at the terminal reads local time
        headline = [str(line.pop(name)) for name in _HEADLINE if name in line]
        if "outcome" in getattr(record, "fields", {}):
            # A request's line: how it ended and what it was say more than the word "request".
            words = [self._paint(headline[0], _OUTCOME_STYLES.get(headline[0], {})), *headline[1:]]
        else:
            words = [event, *headline, self._paint(f"[{logger}]", {"dim": True})]
        later = [str(line.pop(name)) for name in _LATER if name in line]
        parts = [self._paint(datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3], {"dim": True}),
                 self._paint(f"{level.upper():<7}", _LEVEL_STYLES.get(level, {})), " ".join(words)]
        details = " ".join(filter(None, (_field(name, value) for name, value in line.items())))
        if details:
            parts.append(" " + details)
        if later:
            parts.append(" " + self._paint(" ".join(later), {"dim": True}))
        return " ".join(parts)

    def _paint(self, text: str, style: Mapping[str, Any]) -> str:
        return click.style(text, **style) if self.colour and style else text


def _field(name: str, value: Any) -> str | None:
    """A field as a person reads it: 'en-US', '1.88 ms', 'new session' (absent when false), 'status=400'."""
    if name == "locale":
        return str(value)
    if name == "latency_ms":
        return f"{value:.2f} ms" if isinstance(value, (int, float)) else f"{value} ms"
    if isinstance(value, bool):
        return name.replace("_", " ") if value else None
    text = str(value)
    return f"{name}={text!r}" if " " in text else f"{name}={text}"


def _without_ansi(record: logging.LogRecord) -> bool:
    """Werkzeug's colour codes out of the message (the record's only text that is not ours)."""
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit: the handler reports that when it formats the record
        return True
    plain = click.unstyle(message)
    if plain != message:
        record.msg, record.args = plain, None
    return True


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False
