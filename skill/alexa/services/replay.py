"""Calls to Alexa's APIs happen once per request, even when the turn runs again.

RetryingSkill (skill/alexa/retrying_skill.py) runs a turn again when its save lost a race. The calls cannot wait
until after the save: the handlers decide what to say, and what to store (the heat timer's id), from what the
Timers and Reminders APIs answered. So the run again is given the first run's answers instead: each call it
makes that is the same as the call the previous run made at that point (method, URL and body) gets the recorded
answer or error without reaching Alexa. A timer or reminder is created once, and the user hears the answer that
matches it. Reads are replayed as well, so the run again sees what the first run saw: a fresh list would show
the timer or reminder the first run made, and the turn would replace it or call it "your earlier one".

The first call that differs (the fresher profile took the turn another way) and every call after it go to
Alexa. Outside a RetryingSkill's request, or with no record open, calls go straight through.
"""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Call:
    method: str
    url: str
    body: str | None
    answer: ApiClientResponse | None
    error: Exception | None

    def same_request(self, request: ApiClientRequest) -> bool:
        return (self.method, self.url, self.body) == (request.method, request.url, request.body)

    def repeat(self) -> ApiClientResponse:
        if self.error is not None:
            raise self.error
        return self.answer


class RequestCalls:
    """The calls one request made to Alexa's APIs, run by run, so a run again can replay the run before it."""

    def __init__(self) -> None:
        self._previous: list[_Call] = []
        self._this_run: list[_Call] = []
        self._replaying = True

    def next_run(self) -> None:
        """The turn runs (again): replay what the last run called, in its order, while the calls stay the same."""
        if self._this_run:
            self._previous = self._this_run
        self._this_run, self._replaying = [], True

    def call(self, request: ApiClientRequest,
             make: Callable[[ApiClientRequest], ApiClientResponse]) -> ApiClientResponse:
        position = len(self._this_run)
        recorded = self._previous[position] if position < len(self._previous) else None
        if self._replaying and recorded is not None and recorded.same_request(request):
            self._this_run.append(recorded)
            return recorded.repeat()
        if self._replaying and recorded is not None:
            # What the earlier run made beyond this point (a timer, a reminder) is no longer this turn's answer.
            log.warning("a turn run again called Alexa's APIs differently after %d identical calls", position)
        self._replaying = False
        try:
            answer, error = make(request), None
        except Exception as failure:  # noqa: BLE001 - recorded to be raised again, here and in a run again
            answer, error = None, failure
        call = _Call(request.method, request.url, request.body, answer, error)
        self._this_run.append(call)
        return call.repeat()


_OPEN: ContextVar[RequestCalls | None] = ContextVar("alexa_api_calls_of_this_request", default=None)


@contextlib.contextmanager
def recording_calls() -> Iterator[RequestCalls]:
    """Open the record of one request's API calls (for this thread or task, until the block ends)."""
    calls = RequestCalls()
    token = _OPEN.set(calls)
    try:
        yield calls
    finally:
        _OPEN.reset(token)  # a request handled inside another (a test's second device) restores the outer record


class ReplayingApiClient(ApiClient):
    """An ApiClient whose calls go into the open request's record (see `recording_calls`), else straight through."""

    def __init__(self, inner: ApiClient):
        self.inner = inner

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        calls = _OPEN.get()
        return self.inner.invoke(request) if calls is None else calls.call(request, self.inner.invoke)
