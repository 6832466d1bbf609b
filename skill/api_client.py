"""ask-sdk's HTTP client for Alexa's REST APIs, with a time limit.

`DefaultApiClient` calls `requests` with no timeout, so one slow Timers API call would hold the whole response
until Alexa gives up on the skill (8 s) and the user hears an error instead of our calm answer. Everything else
is the SDK's own code: HTTPS only, its header and body handling, its error wrapping (ApiClientException).
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from ask_sdk_core.api_client import DefaultApiClient

API_TIMEOUT_SECONDS = 3.0  # connect and read; leaves room in Alexa's 8 s for the rest of the turn


class TimeLimitedApiClient(DefaultApiClient):
    def __init__(self, timeout: float = API_TIMEOUT_SECONDS):
        self.timeout = timeout

    def _resolve_method(self, request: Any) -> Callable[..., Any]:
        return functools.partial(super()._resolve_method(request), timeout=self.timeout)
