"""Fixtures: the real skill (SQLite in a temp folder, a fake alarm, a seeded random), and a Chat that talks to it
through real Alexa envelopes with a controllable clock."""

from __future__ import annotations

import ipaddress
import random
import socket
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from skill.alexa.app import create_skill, invoke
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch, resolved_slot, session_ended
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.core.speech import ssml_to_text
from fakes import FakeAlarm
from alexa_api import AlexaApiStub
from stores import Store, fake_aws_environment, store_for

MORNING = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)
SLOT_TYPES = {"area": "STRETCH_AREA", "topic": "TIP_TOPIC", "feeling": "PAIN_FEELING"}


class Said:
    """One response, read the way a test wants it."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        body = raw.get("response") or {}
        self.speech = ssml_to_text((body.get("outputSpeech") or {}).get("ssml"))
        self.ssml = (body.get("outputSpeech") or {}).get("ssml") or ""
        self.reprompt = ssml_to_text(((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml"))
        self.ends = body.get("shouldEndSession") is True
        self.attributes = raw.get("sessionAttributes") or {}
        self.triage = self.attributes.get("triage")

    def __repr__(self) -> str:
        return f"Said({self.speech!r}, ends={self.ends}, triage={self.triage})"


class Chat:
    """A user talking to the skill, Alexa-style: sessions open on launch or a one-shot, attributes carried over."""

    def __init__(self, skill, user: str = "amzn1.ask.account.TEST", at: datetime = MORNING):
        self.skill = skill
        self.session = AlexaSession(user_id=user)
        self.now = at

    def send(self, request: dict[str, Any]) -> Said:
        said = Said(invoke(self.session.envelope(request, at=self.now), self.skill))
        self.session.absorb(said.raw)
        return said

    def launch(self) -> Said:
        self.session.close()
        return self.send(launch())

    def intent(self, name: str, **slots: Any) -> Said:
        filled = {slot: (resolved_slot(slot, value[0], SLOT_TYPES[slot], value[1]) if isinstance(value, tuple)
                         else value) for slot, value in slots.items()}
        return self.send(intent(name, filled))

    def yes(self) -> Said:
        return self.intent("AMAZON.YesIntent")

    def no(self) -> Said:
        return self.intent("AMAZON.NoIntent")

    def start_heat(self, **slots: Any) -> Said:
        """Ask for heat and answer no to its safety questions, however many the screening asks."""
        said = self.intent("HeatTimerIntent", **slots)
        for _ in range(10):
            if (said.attributes.get("question") or {}).get("id") not in ("heat_screen", "heat_check"):
                break
            said = self.no()
        return said

    def end(self, reason: str = "USER_INITIATED") -> Said:
        said = self.send(session_ended(reason))
        self.session.close()
        return said

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def offline_voice(tmp_path):
    """The runner's real pyttsx3 renderer, started, caching into tmp_path / "sentences"; the test is skipped on a
    machine with no speech engine (make installs espeak-ng as root)."""
    from skill.local.audio.voice import Pyttsx3Renderer, RenderError
    renderer = Pyttsx3Renderer(tmp_path / "sentences")
    try:
        renderer.start()
    except RenderError as error:
        pytest.skip(f"no speech engine here ({error}); install espeak-ng")
    return renderer


@pytest.fixture(scope="module")
def recogniser():
    """A pocketsphinx decoder per module (the listening tests skip before asking when the listen extra is absent):
    loading one takes a moment, decoding with it far less."""
    from skill.local.listen.recognise import Recogniser
    return Recogniser()


@pytest.fixture(scope="module")
def understanding():
    """What a heard line goes through, as talk.py does: the resolver and the red-flag triage of en-US."""
    from skill.core.content import resolve_locale
    from skill.core.safety.triage import triage_for
    from skill.local.nlu.resolver import IntentResolver
    return IntentResolver.for_locale("en-US"), triage_for(resolve_locale("en-US"))


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """No test leaves this machine. The default heat alarm calls Alexa's Timers API at the envelope's apiEndpoint
    (https://api.amazonalexa.com unless a test points it at the stub), so a connection or name lookup for any host
    but loopback is refused here, and the test that tried fails instead of quietly hearing a calm "couldn't reach"."""
    attempts: list[str] = []
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local(host) -> bool:
        try:
            return host == "localhost" or ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not local(address[0]):
            attempts.append(str(address[0]))
            raise ConnectionRefusedError(f"tests stay on loopback: {address[0]}")
        return connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not local(host.decode() if isinstance(host, bytes) else host):
            attempts.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on loopback: {host}")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield
    assert not attempts, f"the test tried to reach {attempts}"


@pytest.fixture
def alexa_api(monkeypatch, tmp_path):
    """A stand-in for api.amazonalexa.com over HTTPS on loopback (tests/alexa_api.py), trusted by `requests`.
    Point a session at it with AlexaSession(api_endpoint=alexa_api.endpoint, api_access_token=ACCESS_TOKEN)."""
    with AlexaApiStub.running(tmp_path / "alexa-api") as api:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(api.ca_bundle))
        yield api


@pytest.fixture
def fake_aws(monkeypatch, tmp_path):
    yield from fake_aws_environment(monkeypatch, tmp_path)


@pytest.fixture(params=["sqlite", "dynamodb"])
def any_store(request, tmp_path) -> Store:
    return store_for(request, tmp_path)


@pytest.fixture
def store(tmp_path) -> SQLitePersistenceAdapter:
    return SQLitePersistenceAdapter(tmp_path / "spine-coach.db")


@pytest.fixture
def alarm() -> FakeAlarm:
    return FakeAlarm()


@pytest.fixture
def skill(store, alarm):
    return create_skill(persistence=store, alarm=alarm, rng=random.Random(0))


@pytest.fixture
def chat(skill) -> Chat:
    return Chat(skill)


@pytest.fixture
def offline_chat(store, alarm) -> Chat:
    """The skill as the offline runner composes it: no Alexa listening, so no "Alexa, stop" and a hands-free
    routine carries on by itself."""
    return Chat(create_skill(persistence=store, alarm=alarm, rng=random.Random(0), offline=True))


@pytest.fixture
def returning_chat(chat) -> Chat:
    """A user who has heard the disclaimer and answered today's stretch screening."""
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()
    chat.intent("AMAZON.StopIntent")
    return chat


__all__ = ["Chat", "Said", "MORNING", "SKILL_ID"]


# The test files that take longest, longest first (measured with `pytest --durations`): `make test` spreads whole
# files over two workers in collection order, so starting these first lets both workers finish together instead of
# one running the slowest file alone at the end (xdist's own order, by number of tests, put them last).
LONGEST_FIRST = ("test_listen_model.py", "test_rule_alternatives.py", "test_learned_triage.py", "test_bench.py",
                 "test_compiled_rules.py", "test_replay.py", "test_acceptance.py", "test_listen.py",
                 "test_console_browser.py", "test_routine_play.py", "test_talk.py", "test_locales.py",
                 "test_triage_on_alexa.py", "test_listen_grammar.py", "test_lambda_package.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order
