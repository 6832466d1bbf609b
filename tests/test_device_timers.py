"""The heat timer as an Alexa device timer: the real skill with its default alarm and ask-sdk's real API client,
talking real HTTPS to a small Timers API on loopback (tests/timers_api.py), through real envelopes.

Permission granted, asked for by voice, accepted, declined; every error the API can give; replacing an earlier
heat timer; status, pause, resume and cancel reaching the device timer; a red flag cancelling it.
"""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import threading
from contextlib import closing

import pytest

from alexa_api import ACCESS_TOKEN
from conftest import Chat
from skill.alexa import consent
from skill.alexa.services.api_client import TimeLimitedApiClient
from skill.alexa.app import create_skill
from skill.core.content import Content, resolve_locale
from skill.alexa.envelopes import AlexaSession
from alexa_requests import connections_response, grant
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from timers_api import PAUSE, RESUME, TIMER, TIMERS, TimersApi

USER = "amzn1.ask.account.DEVICE-TIMERS"
EN_US = Content("en-US")
LABEL = EN_US.say("heat.timer_label")
SAFETY = "never fall asleep"
BY_HAND = "set a 15 minute timer yourself"
EMERGENCY = "I wet myself and didn't notice"


@pytest.fixture
def echo(store, alexa_api) -> Chat:
    """A user on an Echo, with the skill as Lambda builds it (default alarm: the Timers API)."""
    chat = Chat(create_skill(persistence=store, rng=random.Random(0)), user=USER)
    chat.session = AlexaSession(user_id=USER, api_endpoint=alexa_api.endpoint, api_access_token=ACCESS_TOKEN)
    return chat


@pytest.fixture
def timers(alexa_api, echo) -> TimersApi:
    return TimersApi.on(alexa_api, now=lambda: echo.now)


@pytest.fixture
def granted(echo) -> Chat:
    grant(echo.session, consent.TIMERS)
    return echo


def ask_for_heat(chat: Chat, duration: str | None = None):
    """Open the skill, ask for heat and answer the first-time screening; the response to the last answer."""
    chat.launch()
    said = chat.intent("HeatTimerIntent", duration=duration)
    for _ in HEAT_SCREEN_QUESTIONS:
        assert said.attributes["question"]["id"] == "heat_screen"
        said = chat.no()
    return said


def again(chat: Chat):
    """A later heat request from a user screened before: one short combined question, answered no."""
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    if said.attributes.get("question", {}).get("id") != "heat_check":
        return said  # running, paused or cooling down: no question
    return chat.no()


def stored_heat(store, user: str = USER) -> dict | None:
    with closing(sqlite3.connect(store.path)) as db:
        row = db.execute("SELECT data FROM attributes WHERE id = ?", (user,)).fetchone()
    return json.loads(row[0]).get("heat") if row else None


def directives(said) -> list[dict]:
    return said.raw["response"].get("directives") or []


def card(said) -> dict | None:
    return said.raw["response"].get("card")


def timer_calls(alexa_api) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in alexa_api.requests if r.path.startswith(TIMERS)]


# Permission granted ---------------------------------------------------------------------------------------------

def test_granted_creates_a_visible_announcing_timer_for_the_capped_plan(granted, timers, store):
    said = ask_for_heat(granted, duration="PT45M")
    assert timers.created == [{
        "duration": "PT20M",
        "timerLabel": LABEL,
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            "operation": {"type": "ANNOUNCE",
                          "textToAnnounce": [{"locale": "en-US", "text": EN_US.say("heat.time_up")}]},
            "notificationConfig": {"playAudible": True}},
    }]
    assert "take the heat pack off" in timers.created[0]["triggeringBehavior"]["operation"]["textToAnnounce"][0]["text"]
    assert "45 minutes is longer than is safe" in said.speech and "Heat timer set for 20 minutes" in said.speech
    assert SAFETY in said.speech and "let you know" in said.speech and said.ends
    assert stored_heat(store)["timer_id"] == "timer-1"


def heat_in_locale(store, alexa_api, locale: str) -> TimersApi:
    """A permitted heat request from a device set to `locale`; the Timers API it reached."""
    chat = Chat(create_skill(persistence=store, rng=random.Random(0)), user=USER)
    chat.session = AlexaSession(user_id=USER, locale=locale, api_endpoint=alexa_api.endpoint,
                                api_access_token=ACCESS_TOKEN, granted_scopes=(consent.TIMERS,))
    timers = TimersApi.on(alexa_api, now=lambda: chat.now)
    ask_for_heat(chat)
    return timers


def test_the_announcement_is_in_the_requests_locale(store, alexa_api):
    timers = heat_in_locale(store, alexa_api, "en-GB")
    british = Content(resolve_locale("en-GB"))
    announce = timers.created[0]["triggeringBehavior"]["operation"]["textToAnnounce"]
    assert announce == [{"locale": "en-GB", "text": british.say("heat.time_up")}]
    assert timers.created[0]["timerLabel"] == british.say("heat.timer_label")


def test_a_malformed_request_locale_never_reaches_the_api(store, alexa_api):
    timers = heat_in_locale(store, alexa_api, "english please")
    (announce,) = timers.created[0]["triggeringBehavior"]["operation"]["textToAnnounce"]
    assert announce["locale"] == "en-US"  # the base English text, under a locale the Timers API accepts


# Asking by voice ------------------------------------------------------------------------------------------------

def test_without_the_permission_the_skill_asks_by_voice_and_sets_nothing_yet(echo, timers, alexa_api, store):
    said = ask_for_heat(echo)
    assert [d["type"] for d in directives(said)] == ["Connections.SendRequest"]
    ask = directives(said)[0]
    assert ask["name"] == "AskFor" and ask["token"] == "heat_timer"
    assert ask["payload"]["permissionScope"] == consent.TIMERS
    assert "shouldEndSession" not in said.raw["response"] and said.reprompt == ""
    assert "permission to set a timer" in said.speech
    assert said.speech.index("15 minutes") < said.speech.index("permission")  # the length, before Alexa's prompt
    assert said.attributes["question"] == {"id": "heat_timer",
                                           "arg": {"minutes": 15, "capped_from": None, "screened": "full"}}
    assert alexa_api.requests == [] and timers.created == []
    assert stored_heat(store) is None


def test_a_later_sessions_permission_answer_starts_the_heat_without_asking_the_safety_question_again(echo, timers):
    ask_for_heat(echo)
    echo.send(connections_response("heat_timer", "DENIED", consent.TIMERS))
    echo.later(hours=3)
    echo.launch()
    assert echo.intent("HeatTimerIntent").attributes["question"]["id"] == "heat_check"
    asking = echo.no()
    assert asking.attributes["question"] == {"id": "heat_timer",
                                             "arg": {"minutes": 15, "capped_from": None, "screened": "check"}}
    said = echo.send(connections_response("heat_timer", "ACCEPTED", consent.TIMERS))
    assert "Heat timer set for 15 minutes" in said.speech and SAFETY in said.speech and said.ends
    assert "cord" not in said.speech and len(timers.created) == 1  # the short essentials: not a first session


@pytest.mark.parametrize("shown_in_request", [True, False], ids=["scope-shown", "scope-not-yet-shown"])
def test_accepted_creates_the_timer_and_speaks_the_safety_lines(echo, timers, store, shown_in_request):
    ask_for_heat(echo, duration="PT45M")
    if shown_in_request:
        grant(echo.session, consent.TIMERS)
    said = echo.send(connections_response("heat_timer", "ACCEPTED", consent.TIMERS))
    assert [body["duration"] for body in timers.created] == ["PT20M"]
    assert "Heat timer set for 20 minutes" in said.speech and SAFETY in said.speech and said.ends
    assert "cord" in said.speech  # the first session's fuller checklist survives the permission prompt
    assert "longer than is safe" not in said.speech  # said before Alexa's prompt already
    assert card(said) is None and directives(said) == []
    assert stored_heat(store)["timer_id"] == "timer-1"


@pytest.mark.parametrize("outcome, code", [("DENIED", "200"), ("NOT_ANSWERED", "200"), ("ACCEPTED", "400")],
                         ids=["denied", "not-answered", "could-not-ask"])
def test_no_permission_sends_the_card_advises_a_timer_by_hand_and_still_tracks_the_session(
        echo, timers, alexa_api, store, outcome, code):
    ask_for_heat(echo)
    said = echo.send(connections_response("heat_timer", outcome, consent.TIMERS, code=code))
    assert card(said) == {"type": "AskForPermissionsConsent", "permissions": [consent.TIMERS]}
    assert BY_HAND in said.speech and SAFETY in said.speech and "Alexa app" in said.speech and said.ends
    assert alexa_api.requests == [] and timers.created == []
    heat = stored_heat(store)
    assert heat is not None and "timer_id" not in heat
    echo.later(minutes=5)
    echo.launch()
    assert "About 10 minutes left" in echo.intent("HeatStatusIntent").speech


def heat_started(store, user: str = USER) -> list[str]:
    with closing(sqlite3.connect(store.path)) as db:
        row = db.execute("SELECT data FROM attributes WHERE id = ?", (user,)).fetchone()
    return json.loads(row[0]).get("heat_started", []) if row else []


def test_a_session_started_after_the_permission_prompt_is_counted_once_whatever_alexa_answered(echo, timers, store):
    ask_for_heat(echo)
    assert heat_started(store) == []  # the prompt itself starts nothing
    echo.send(connections_response("heat_timer", "DENIED", consent.TIMERS))  # started skill-side
    assert heat_started(store) == [echo.now.date().isoformat()]
    echo.later(hours=3)
    echo.launch()
    echo.intent("HeatTimerIntent")
    echo.no()  # asks for the permission again: still one
    assert heat_started(store) == [echo.now.date().isoformat()]
    echo.send(connections_response("heat_timer", "ACCEPTED", consent.TIMERS))
    assert heat_started(store) == [echo.now.date().isoformat()] * 2 and len(timers.created) == 1


def test_no_second_card_when_alexa_already_sent_one(echo, timers):
    ask_for_heat(echo)
    said = echo.send(connections_response("heat_timer", "DENIED", consent.TIMERS, card_sent=True))
    assert card(said) is None and BY_HAND in said.speech


def test_a_401_asks_for_the_permission_and_a_401_after_yes_falls_back_without_asking_again(
        granted, timers, alexa_api):
    alexa_api.fail_next("GET", TIMERS, 401)
    said = ask_for_heat(granted)
    assert [d["name"] for d in directives(said)] == ["AskFor"] and timers.created == []
    alexa_api.fail_next("GET", TIMERS, 401)
    said = granted.send(connections_response("heat_timer", "ACCEPTED", consent.TIMERS))
    assert directives(said) == [] and said.ends  # never a second AskFor in one conversation
    assert card(said) == {"type": "AskForPermissionsConsent", "permissions": [consent.TIMERS]}
    assert BY_HAND in said.speech and SAFETY in said.speech and timers.created == []


def test_an_answer_nobody_asked_for_starts_nothing(echo, timers, alexa_api):
    echo.launch()
    said = echo.send(connections_response("heat_timer", "ACCEPTED", consent.TIMERS))
    assert "nothing waiting" in said.speech and alexa_api.requests == []


# Errors ---------------------------------------------------------------------------------------------------------

ERRORS = {
    400: "the most timers allowed",
    403: "aren't available to me on this device",
    429: "busy just now",
    500: "had a problem just now",
    504: "seems to be offline",
}


@pytest.mark.parametrize("status", ERRORS)
def test_each_api_error_gets_its_own_calm_answer_and_nothing_half_saved(granted, timers, alexa_api, store, status):
    alexa_api.fail_next("POST", TIMERS, status)
    said = ask_for_heat(granted)
    assert ERRORS[status] in said.speech and BY_HAND in said.speech and SAFETY in said.speech
    assert "sorry" not in said.speech.lower() and said.ends and directives(said) == []
    assert timers.timers == {}
    heat = stored_heat(store)
    assert heat is not None and "timer_id" not in heat  # the session is tracked; no id of a timer never made


def test_a_duplicate_label_from_elsewhere_is_a_400_answered_calmly(granted, timers, alexa_api):
    alexa_api.fail_next("GET", TIMERS, 200, {"totalCount": 0, "timers": []})  # a list that misses the timer
    timers.timers["elsewhere"] = {"id": "elsewhere", "status": "ON", "timerLabel": LABEL, "duration": "PT5M",
                                  "triggerTime": "2026-11-21T09:00:00Z"}
    said = ask_for_heat(granted)
    assert ERRORS[400] in said.speech and BY_HAND in said.speech


def test_an_error_body_the_sdk_cannot_read_is_answered_calmly(granted, timers, alexa_api):
    alexa_api.fail_next("POST", TIMERS, 502, "<html>Bad gateway</html>")
    said = ask_for_heat(granted)
    assert ERRORS[500] in said.speech and BY_HAND in said.speech and said.ends


def test_a_timeout_is_answered_calmly(store, alexa_api):
    release = threading.Event()

    def hangs(request):
        release.wait(30)  # until the skill has answered: its own time limit is what ends the call
        return 200, {"totalCount": 0, "timers": []}

    alexa_api.route("GET", TIMERS, hangs)
    chat = Chat(create_skill(persistence=store, rng=random.Random(0), api_client=TimeLimitedApiClient(timeout=0.3)),
                user=USER)
    chat.session = AlexaSession(user_id=USER, api_endpoint=alexa_api.endpoint, api_access_token=ACCESS_TOKEN,
                                granted_scopes=(consent.TIMERS,))
    try:
        said = ask_for_heat(chat)
    finally:
        release.set()
    assert "didn't answer in time" in said.speech and BY_HAND in said.speech and said.ends
    assert "timer_id" not in stored_heat(store)


def test_a_connection_error_is_answered_calmly(store, alexa_api):
    with socket.socket() as unused:
        unused.bind(("localhost", 0))
        closed_port = unused.getsockname()[1]
    chat = Chat(create_skill(persistence=store, rng=random.Random(0)), user=USER)
    chat.session = AlexaSession(user_id=USER, api_endpoint=f"https://localhost:{closed_port}",
                                api_access_token=ACCESS_TOKEN, granted_scopes=(consent.TIMERS,))
    said = ask_for_heat(chat)
    assert "didn't answer in time" in said.speech and BY_HAND in said.speech and said.ends


# Replacing the skill's earlier timer ----------------------------------------------------------------------------

def test_a_new_session_replaces_the_skills_earlier_heat_timer(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(hours=3)  # past the cool-down; the old timer is still listed (paused and forgotten, say)
    timers.timers["timer-1"]["status"] = "PAUSED"
    timers.timers["someone-else"] = {"id": "someone-else", "status": "ON", "timerLabel": "pasta",
                                     "duration": "PT8M", "triggerTime": "2026-11-21T11:08:00Z"}
    said = again(granted)
    assert "Heat timer set for 15 minutes" in said.speech
    assert ("DELETE", "/v1/alerts/timers/timer-1") in timer_calls(alexa_api)
    assert [t["id"] for t in timers.labelled(LABEL)] == ["timer-2"] and "someone-else" in timers.timers


def test_a_timer_with_our_label_but_no_stored_id_is_replaced_too(granted, timers):
    timers.timers["lost"] = {"id": "lost", "status": "ON", "timerLabel": LABEL, "duration": "PT15M",
                             "triggerTime": "2026-11-21T07:59:00Z"}  # the profile that knew it was deleted
    ask_for_heat(granted)
    assert [t["id"] for t in timers.labelled(LABEL)] == ["timer-1"]


# Status, pause, resume, cancel ----------------------------------------------------------------------------------

def test_status_comes_from_the_device_timer_paused_by_voice_outside_the_skill(granted, timers, alexa_api, store):
    ask_for_heat(granted)
    granted.later(minutes=5)
    timers.pause_by_voice("timer-1")  # "Alexa, pause my timer"
    granted.later(minutes=20)
    granted.launch()
    said = granted.intent("HeatStatusIntent")
    assert ("GET", "/v1/alerts/timers/timer-1") in timer_calls(alexa_api)
    assert "paused, with about 10 minutes left" in said.speech
    assert stored_heat(store)["paused_at"] is not None  # the profile follows the device


def test_status_falls_back_to_the_stored_session_when_the_api_fails(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(minutes=6)
    alexa_api.fail_next("GET", TIMER, 500)
    granted.launch()
    assert "About 9 minutes left" in granted.intent("HeatStatusIntent").speech


def test_a_timer_cancelled_by_voice_ends_the_session(granted, timers, store):
    ask_for_heat(granted)
    granted.later(minutes=4)
    del timers.timers["timer-1"]  # "Alexa, cancel my timer"
    granted.launch()
    assert "no heat timer running" in granted.intent("HeatStatusIntent").speech
    assert stored_heat(store)["ends_at"] == stored_heat(store)["started_at"] + 4 * 60


def test_pause_and_resume_go_through_the_api_and_the_cool_down_counts_from_the_real_end(granted, timers, alexa_api):
    ask_for_heat(granted)  # 08:00, 15 minutes
    granted.later(minutes=5)
    granted.launch()
    paused = granted.intent("PauseHeatIntent")
    assert ("POST", "/v1/alerts/timers/timer-1/pause") in timer_calls(alexa_api)
    assert timers.timers["timer-1"]["status"] == "PAUSED" and "paused" in paused.speech.lower() and paused.ends
    granted.later(minutes=30)
    granted.launch()
    resumed = granted.intent("ResumeHeatIntent")
    assert ("POST", "/v1/alerts/timers/timer-1/resume") in timer_calls(alexa_api)
    assert timers.timers["timer-1"]["status"] == "ON"
    assert "running again" in resumed.speech and "About 10 minutes left" in resumed.speech
    granted.later(minutes=4)
    granted.launch()
    assert "About 6 minutes left" in granted.intent("HeatStatusIntent").speech
    granted.later(minutes=6 + 105)  # 10:30: 1 h 45 after the real end (08:45), 2 h 15 after the planned one
    said = again(granted)
    assert "two hours between heat sessions" in said.speech and "about 15 minutes more" in said.speech


def test_the_built_in_pause_and_resume_control_the_heat_when_no_routine_runs(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(minutes=2)
    granted.launch()
    assert "paused" in granted.intent("AMAZON.PauseIntent").speech.lower()
    assert timers.timers["timer-1"]["status"] == "PAUSED"
    granted.launch()
    assert "running again" in granted.intent("AMAZON.ResumeIntent").speech
    assert timers.timers["timer-1"]["status"] == "ON"


def test_during_a_routine_pause_pauses_the_routine_not_the_heat(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.launch()
    granted.intent("StartStretchIntent", area=("lower back", "lower_back"))
    granted.no()
    granted.intent("AMAZON.NextIntent")
    said = granted.intent("AMAZON.PauseIntent")
    assert said.attributes["routine"]["status"] == "paused"
    assert timers.timers["timer-1"]["status"] == "ON"
    assert ("POST", "/v1/alerts/timers/timer-1/pause") not in timer_calls(alexa_api)


def test_a_failed_pause_leaves_the_session_running_and_says_so(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(minutes=5)
    alexa_api.fail_next("POST", PAUSE, 504)
    granted.launch()
    said = granted.intent("PauseHeatIntent")
    assert "couldn't pause" in said.speech and said.ends
    granted.launch()
    assert "About 10 minutes left" in granted.intent("HeatStatusIntent").speech


def test_a_failed_resume_leaves_the_session_paused(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.launch()
    granted.intent("PauseHeatIntent")
    alexa_api.fail_next("POST", RESUME, 429)
    granted.launch()
    assert "couldn't restart" in granted.intent("ResumeHeatIntent").speech
    assert timers.timers["timer-1"]["status"] == "PAUSED"


def test_cancel_deletes_the_device_timer(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(minutes=3)
    granted.launch()
    said = granted.intent("CancelHeatIntent")
    assert ("DELETE", "/v1/alerts/timers/timer-1") in timer_calls(alexa_api) and timers.timers == {}
    assert "cancelled" in said.speech and "couldn't reach" not in said.speech


def test_cancelling_a_timer_already_gone_is_fine(granted, timers):
    ask_for_heat(granted)
    del timers.timers["timer-1"]
    granted.launch()
    said = granted.intent("CancelHeatIntent")
    assert "cancelled" in said.speech and "couldn't reach" not in said.speech


def test_a_failed_cancel_still_ends_the_session_and_says_what_to_do_if_it_rings(granted, timers, alexa_api, store):
    ask_for_heat(granted)
    granted.later(minutes=3)
    alexa_api.fail_next("DELETE", TIMER, 500)
    granted.launch()
    said = granted.intent("CancelHeatIntent")
    assert "cancelled" in said.speech and "Alexa, stop" in said.speech
    assert stored_heat(store)["ends_at"] == stored_heat(store)["started_at"] + 3 * 60


def test_a_red_flag_during_heat_cancels_the_device_timer(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.later(minutes=3)
    granted.launch()
    said = granted.intent("SymptomReportIntent", symptom=EMERGENCY)
    assert said.speech.startswith("Call 911") and said.triage == "emergency"
    assert ("DELETE", "/v1/alerts/timers/timer-1") in timer_calls(alexa_api) and timers.timers == {}


def test_every_call_carries_the_requests_access_token(granted, timers, alexa_api):
    ask_for_heat(granted)
    granted.launch()
    granted.intent("HeatStatusIntent")
    granted.intent("CancelHeatIntent")
    assert alexa_api.requests and all(r.authorized for r in alexa_api.requests)
