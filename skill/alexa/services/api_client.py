"""ask-sdk's HTTP client for Alexa's REST APIs, with a time limit, loaded on the first call.

`DefaultApiClient` calls `requests` with no timeout, so one slow Timers API call would hold the whole response
until Alexa gives up on the skill (8 s) and the user hears an error instead of our calm answer. Everything else
is the SDK's own code: HTTPS only, its header and body handling, its error wrapping (ApiClientException).

Importing `ask_sdk_core.api_client` imports `requests` (urllib3, http.client, ssl, charset detection...): about
60 ms, as much as the rest of the skill, and every Lambda cold start would pay it although most turns never call
an Alexa API. So `TimeLimitedApiClient` is a plain `ApiClient` that makes the SDK's client on its first call and
hands every call to it; the skill is built, and answers, without `requests` ever being imported.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any, Callable

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

API_TIMEOUT_SECONDS = 3.0  # connect and read; leaves room in Alexa's 8 s for the rest of the turn


class TimeLimitedApiClient(ApiClient):
    """ask-sdk's DefaultApiClient with a timeout, made (and `requests` imported) when the first call is made."""

    def __init__(self, timeout: float = API_TIMEOUT_SECONDS):
        self.timeout = timeout
        self._client: ApiClient | None = None
        self._making = threading.Lock()  # a threaded server's first calls: one client, made once

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        return self.sdk_client().invoke(request)

    def sdk_client(self) -> ApiClient:
        """The SDK's own client that does the calls."""
        if self._client is None:
            with self._making:
                if self._client is None:
                    self._client = _time_limited_client_class()(self.timeout)
        return self._client


@functools.cache
def _time_limited_client_class() -> type[ApiClient]:
    from ask_sdk_core.api_client import DefaultApiClient  # imports `requests`: only here, on the first call

    class TimeLimitedDefaultApiClient(DefaultApiClient):
        def __init__(self, timeout: float):
            self.timeout = timeout

        def _resolve_method(self, request: Any) -> Callable[..., Any]:
            return functools.partial(super()._resolve_method(request), timeout=self.timeout)

    return TimeLimitedDefaultApiClient


def timed_out(error: BaseException) -> bool:
    """Whether `error` is the SDK client's time limit running out (a `requests` Timeout). Until a call has been
    made `requests` is not loaded, and then no error can be one of its own."""
    requests = sys.modules.get("requests")
    return requests is not None and isinstance(error, requests.exceptions.Timeout)


class NoAlexaCloud(ApiClientException):
    """Raised by an API client with no Alexa cloud behind it (skill.local.no_cloud, for `python -m skill talk`):
    the skill answers that reminders need an Echo or the Alexa app, without touching the network."""
