"""The offline runner's stand-in for Alexa's REST APIs: there is no Alexa cloud on this machine.

`python -m skill talk` builds real envelopes, and those name api.amazonalexa.com with a made-up token. The
skill's own HTTP client would try to reach it (and wait out its time limit, or fail on the token); this client
refuses every call at once, without touching the network, with the error the skill recognises as "offline"
(skill.alexa.services.api_client.NoAlexaCloud). The skill then says calmly that reminders need an Echo or the Alexa app.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from skill.alexa.services.api_client import NoAlexaCloud


class NoCloudApiClient(ApiClient):
    def __init__(self) -> None:
        self.refused: list[str] = []  # "METHOD /path" of every call refused, for tests and curiosity

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        call = f"{request.method} {urlsplit(request.url or '').path}"
        self.refused.append(call)
        raise NoAlexaCloud(f"no Alexa cloud offline: {call}")
