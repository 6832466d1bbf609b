"""The daily stretch reminder, end to end: real envelopes into the real skill, whose ask-sdk service clients call an
in-memory Reminders API and time-zone setting over real HTTPS on loopback (alexa_api.py, reminders_api.py)."""

from __future__ import annotations

import contextlib
import json
import random
import socket
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from skill.alexa import consent
from skill.alexa.services.api_client import TimeLimitedApiClient
from skill.alexa.app import create_skill
from skill.core.content import Content
from skill.alexa.dialog import elicited_in
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent
from skill.local.nlu.resolver import IntentResolver
from alexa_requests import connections_response, grant
from skill.local.no_cloud import NoCloudApiClient
from skill.core.reminders import DailyTime, next_occurrence, spoken_time

from alexa_api import ACCESS_TOKEN
from conftest import MORNING, Chat, Said
from reminders_api import REMINDER, REMINDERS, TIME_ZONE, RemindersService

REPO = Path(__file__).resolve().parents[1]
SCOPE = consent.REMINDERS
PURPOSE = "stretch_reminder"
DAILY_8AM = "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"


@pytest.fixture
def reminders(alexa_api) -> RemindersService:
    return RemindersService(alexa_api)


def user(skill, api, granted: bool = True, locale: str = "en-US", at: datetime = MORNING) -> Chat:
    """Someone talking to an Echo whose Alexa APIs are the stub; MORNING is 3 AM in New York."""
    chat = Chat(skill, at=at)
    chat.session = AlexaSession(user_id="amzn1.ask.account.REMINDERS", locale=locale, api_endpoint=api.endpoint,
                                api_access_token=ACCESS_TOKEN, granted_scopes=(SCOPE,) if granted else ())
    return chat


def directives(said: Said) -> list[dict]:
    return said.raw["response"].get("directives") or []


def card(said: Said) -> dict | None:
    return said.raw["response"].get("card")


def written(reminders: RemindersService) -> list:
    return reminders.calls("POST") + reminders.calls("PUT")


# --- asking for the time, and the plan ---------------------------------------------------------------------------
def test_without_a_time_the_skill_asks_for_one(skill, reminders, alexa_api):
    said = user(skill, alexa_api).intent("SetReminderIntent")
    assert "What time each day" in said.speech
    assert "at eight in the morning" in said.reprompt
    assert said.attributes["question"]["id"] == "reminder_time"
    assert alexa_api.requests == []


def test_a_part_of_the_day_is_made_exact_and_kept(skill, reminders, alexa_api):
    chat = user(skill, alexa_api)
    assert "What time in the evening?" in chat.intent("SetReminderIntent", time="EV").speech
    said = chat.intent("SetReminderIntent", time="07:30")  # "at seven thirty", after "every evening"
    assert "I'll remind you to stretch every day at 7:30 PM. Shall I set that?" in said.speech


def test_the_offer_states_time_and_recurrence_and_waits_for_a_yes(skill, reminders, alexa_api):
    said = user(skill, alexa_api).intent("SetReminderIntent", time="08:00")
    assert "I'll remind you to stretch every day at 8 AM. Shall I set that?" in said.speech
    assert "Say yes for a daily reminder at 8 AM" in said.reprompt
    assert said.attributes["question"] == {"id": "reminder_offer",
                                           "arg": {"time": "08:00", "zone": "America/New_York"}}
    assert written(reminders) == [] and reminders.reminders == {}
    assert [r.path for r in alexa_api.requests] == [TIME_ZONE.replace("{deviceId}", "amzn1.ask.device.00000000")]


def test_yes_sets_a_daily_reminder_at_the_next_occurrence_in_the_device_time_zone(skill, reminders, alexa_api):
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    said = chat.yes()
    assert "Done. I'll remind you to stretch every day at 8 AM." in said.speech
    assert "cancel my stretch reminder" in said.speech and said.ends
    (post,) = reminders.calls("POST")
    assert post.body == {
        "requestTime": "2026-11-21T03:00:00",  # the request's own timestamp, in New York
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-11-21T08:00:00",
                    "timeZoneId": "America/New_York",
                    "recurrence": {"startDateTime": "2026-11-21T08:00:00", "recurrenceRules": [DAILY_8AM]}},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Time for your daily stretches."}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    assert post.authorized
    assert len(reminders.reminders) == 1


def test_after_today_s_time_has_passed_the_reminder_starts_tomorrow(skill, reminders, alexa_api):
    chat = user(skill, alexa_api, at=datetime(2026, 11, 21, 14, 0, tzinfo=timezone.utc))  # 9 AM in New York
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    trigger = reminders.calls("POST")[0].body["trigger"]
    assert trigger["recurrence"]["startDateTime"] == trigger["scheduledTime"] == "2026-11-22T08:00:00"


def test_the_reminder_speaks_in_the_device_s_locale(skill, alexa_api):
    reminders = RemindersService(alexa_api, time_zone="Australia/Sydney")
    chat = user(skill, alexa_api, locale="en-AU")
    chat.intent("SetReminderIntent", time="19:30")
    chat.yes()
    body = reminders.calls("POST")[0].body
    assert body["alertInfo"]["spokenInfo"]["content"][0]["locale"] == "en-AU"
    assert body["trigger"]["timeZoneId"] == "Australia/Sydney"
    assert body["trigger"]["scheduledTime"] == "2026-11-21T19:30:00"  # 7 PM in Sydney when asked


def test_consent_is_asked_every_time_and_no_means_no(skill, reminders, alexa_api):
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    chat.session.close()
    said = chat.intent("SetReminderIntent", time="09:00")
    assert "Shall I set that?" in said.speech
    assert len(written(reminders)) == 1  # nothing changes before the second yes
    said = chat.no()
    assert said.speech.startswith(("Okay, no reminder.", "Alright, I won't set a reminder."))
    assert len(written(reminders)) == 1 and "question" not in said.attributes


# --- the permission ------------------------------------------------------------------------------------------------
def test_without_permission_the_skill_asks_alexa_then_sets_it_on_accept(skill, reminders, alexa_api):
    chat = user(skill, alexa_api, granted=False)
    chat.intent("SetReminderIntent", time="08:00")
    said = chat.yes()
    (directive,) = directives(said)
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["token"] == PURPOSE and directive["payload"]["permissionScope"] == SCOPE
    assert "shouldEndSession" not in said.raw["response"]
    assert "I need your permission for Alexa reminders" in said.speech
    assert written(reminders) == []
    grant(chat.session, SCOPE)
    said = chat.send(connections_response(PURPOSE, "ACCEPTED", scope=SCOPE))
    assert "I'll remind you to stretch every day at 8 AM." in said.speech
    assert reminders.calls("POST")[0].body["trigger"]["recurrence"]["recurrenceRules"] == [DAILY_8AM]


@pytest.mark.parametrize(("outcome", "code", "card_sent", "words"), [
    ("DENIED", "200", False, "Okay, no reminder. If you change your mind"),
    ("DENIED", "200", True, "Okay, no reminder. If you change your mind"),
    ("NOT_ANSWERED", "200", False, "I didn't hear an answer"),
    ("ACCEPTED", "400", False, "I couldn't ask for reminder permission"),  # Alexa could not ask at all
])
def test_without_the_permission_the_answer_is_calm_with_the_consent_card(skill, reminders, alexa_api, outcome, code,
                                                                         card_sent, words):
    chat = user(skill, alexa_api, granted=False)
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    said = chat.send(connections_response(PURPOSE, outcome, scope=SCOPE, card_sent=card_sent, code=code))
    assert words in said.speech and "Alexa app" in said.speech
    expected = None if card_sent else {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert card(said) == expected
    assert not said.ends and "question" not in said.attributes
    assert written(reminders) == [] and reminders.reminders == {}


@pytest.mark.parametrize("call", [("GET", REMINDERS), ("POST", REMINDERS)])
def test_a_401_asks_for_the_permission_again_once_and_never_loops(skill, reminders, alexa_api, call):
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    alexa_api.fail_next(*call, 401)
    said = chat.yes()
    assert "no longer have permission" in said.speech
    assert [d["name"] for d in directives(said)] == ["AskFor"]
    alexa_api.fail_next(*call, 401)
    said = chat.send(connections_response(PURPOSE, "ACCEPTED", scope=SCOPE))
    assert "still won't let me set reminders" in said.speech
    assert directives(said) == [] and card(said) == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert "question" not in said.attributes and reminders.reminders == {}


def test_a_401_then_a_yes_that_works_sets_the_reminder(skill, reminders, alexa_api):
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    alexa_api.fail_next("POST", REMINDERS, 401)
    chat.yes()
    said = chat.send(connections_response(PURPOSE, "ACCEPTED", scope=SCOPE))
    assert "every day at 8 AM" in said.speech and len(reminders.reminders) == 1


def test_a_permission_answer_with_a_damaged_pending_reminder_sets_nothing(skill, reminders, alexa_api):
    chat = user(skill, alexa_api, granted=False)
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    chat.session.attributes["question"]["arg"]["zone"] = "Mars/Olympus_Mons"
    said = chat.send(connections_response(PURPOSE, "ACCEPTED", scope=SCOPE))
    assert "I lost track of that reminder" in said.speech and written(reminders) == []


# --- errors ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "why"), [
    (400, "Alexa didn't accept it."),
    (403, "Alexa won't allow it on this device or account just now."),
    (429, "Alexa's reminders are busy right now."),
    (500, "Alexa's reminders had a problem on their side."),
    (503, "Alexa's reminders had a problem on their side."),
    (504, "Alexa's reminders didn't answer in time."),
])
def test_each_api_error_gets_a_calm_answer_and_sets_nothing(skill, reminders, alexa_api, status, why):
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    alexa_api.fail_next("POST", REMINDERS, status)
    said = chat.yes()
    assert f"I couldn't set your stretch reminder. {why}" in said.speech
    assert not said.ends and "question" not in said.attributes and reminders.reminders == {}


def test_an_error_while_replacing_leaves_the_old_reminder_as_it_was(skill, reminders, alexa_api):
    token = reminders.add_daily(7)
    before = json.dumps(reminders.reminders, sort_keys=True)
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    alexa_api.fail_next("PUT", REMINDER, 500)
    said = chat.yes()
    assert "I couldn't set your stretch reminder." in said.speech
    assert json.dumps(reminders.reminders, sort_keys=True) == before and token in reminders.reminders


@contextlib.contextmanager
def silent_endpoint() -> Iterator[str]:
    """An endpoint that takes connections (the kernel's backlog) and never answers: every call times out."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"https://127.0.0.1:{server.getsockname()[1]}"


def quick_to_give_up(store, alarm):
    return create_skill(persistence=store, alarm=alarm, rng=random.Random(0),
                        api_client=TimeLimitedApiClient(timeout=0.3))


def test_a_timeout_gets_a_calm_answer(store, alarm, reminders, alexa_api):
    chat = user(quick_to_give_up(store, alarm), alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    with silent_endpoint() as endpoint:
        chat.session.api_endpoint = endpoint  # Alexa's APIs stop answering between the offer and the yes
        said = chat.yes()
    assert "I couldn't set your stretch reminder. Alexa's reminders didn't answer in time." in said.speech
    assert reminders.reminders == {} and "question" not in said.attributes


def test_no_connection_gets_a_calm_answer_before_any_promise(skill):
    with socket.socket() as probe:  # a port nothing listens on: the connection is refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chat = Chat(skill)
    chat.session = AlexaSession(api_endpoint=f"https://127.0.0.1:{port}", granted_scopes=(SCOPE,))
    said = chat.intent("SetReminderIntent", time="08:00")
    assert "I couldn't set your stretch reminder. I couldn't reach Alexa's reminders." in said.speech
    assert "question" not in said.attributes


# --- the time zone ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("locale", "zone", "start"), [
    ("en-GB", "Europe/London", "2026-11-21T10:00:00"),  # 8 AM in London: 10 AM is still to come today
    ("en-IN", "Asia/Kolkata", "2026-11-22T10:00:00"),  # 1:30 PM in India: tomorrow
    ("en-US", None, "2026-11-22T10:00:00"),  # no zone: counted on the latest clock (10 PM), never in the past
])
def test_when_the_device_zone_cannot_be_read_the_locale_decides(skill, alexa_api, locale, zone, start):
    reminders = RemindersService(alexa_api)
    alexa_api.fail_next("GET", TIME_ZONE, 500)
    chat = user(skill, alexa_api, locale=locale)
    chat.intent("SetReminderIntent", time="10:00")
    assert "every day at 10 AM" in chat.yes().speech
    trigger = reminders.calls("POST")[0].body["trigger"]
    assert trigger.get("timeZoneId") == zone
    assert trigger["scheduledTime"] == trigger["recurrence"]["startDateTime"] == start


@pytest.mark.parametrize("answer", [None, "Mars/Olympus_Mons"])  # 204 no content, or a zone nobody knows
def test_a_missing_or_unknown_device_zone_falls_back(skill, alexa_api, answer):
    reminders = RemindersService(alexa_api, time_zone=answer)
    chat = user(skill, alexa_api, locale="en-GB")
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    assert reminders.calls("POST")[0].body["trigger"]["timeZoneId"] == "Europe/London"


def test_the_zone_lookup_timing_out_stops_before_the_offer(store, alarm):
    with silent_endpoint() as endpoint:
        chat = Chat(quick_to_give_up(store, alarm))
        chat.session = AlexaSession(api_endpoint=endpoint, granted_scopes=(SCOPE,))
        said = chat.intent("SetReminderIntent", time="08:00")
    assert "I couldn't set your stretch reminder. Alexa's reminders didn't answer in time." in said.speech
    assert "Shall I" not in said.speech and "question" not in said.attributes


# --- replace, cancel, check ----------------------------------------------------------------------------------------
def test_a_new_time_replaces_the_old_reminder_and_says_so(skill, reminders, alexa_api):
    token = reminders.add_daily(7)
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    said = chat.yes()
    assert "every day at 8 AM. That replaces your 7 AM reminder." in said.speech
    assert reminders.calls("POST") == [] and [p.path for p in reminders.calls("PUT")] == [f"{REMINDERS}/{token}"]
    assert list(reminders.reminders) == [token]
    assert reminders.reminders[token]["trigger"]["recurrence"]["recurrenceRules"] == [DAILY_8AM]


def test_finished_reminders_are_not_replaced(skill, reminders, alexa_api):
    reminders.add_daily(7, status="COMPLETED")
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    said = chat.yes()
    assert "replaces" not in said.speech and len(reminders.calls("POST")) == 1


def test_two_stretch_reminders_become_one(skill, reminders, alexa_api):
    first, second = reminders.add_daily(7), reminders.add_daily(21)
    chat = user(skill, alexa_api)
    chat.intent("SetReminderIntent", time="08:00")
    chat.yes()
    assert list(reminders.reminders) == [first]
    assert [d.path for d in reminders.calls("DELETE")] == [f"{REMINDERS}/{second}"]


def test_cancel_deletes_the_stretch_reminder_and_says_so(skill, reminders, alexa_api):
    token = reminders.add_daily(19, 30)
    said = user(skill, alexa_api).intent("CancelReminderIntent")
    assert "Done. I've cancelled your daily stretch reminder at 7:30 PM." in said.speech and said.ends
    assert reminders.reminders == {} and [d.path for d in reminders.calls("DELETE")] == [f"{REMINDERS}/{token}"]


def test_cancel_with_no_reminder_says_so_calmly(skill, reminders, alexa_api):
    said = user(skill, alexa_api).intent("CancelReminderIntent")
    assert "You don't have a daily stretch reminder from me, so there's nothing to cancel." in said.speech
    assert reminders.calls("DELETE") == [] and not said.ends


def test_cancel_without_permission_calls_nothing(skill, reminders, alexa_api):
    said = user(skill, alexa_api, granted=False).intent("CancelReminderIntent")
    assert "I don't have permission for reminders" in said.speech and alexa_api.requests == []


@pytest.mark.parametrize(("call", "status", "words"), [
    (("GET", REMINDERS), 401, "I don't have permission for reminders"),
    (("DELETE", REMINDER), 500, "I couldn't cancel your stretch reminder. Alexa's reminders had a problem"),
    (("DELETE", REMINDER), 429, "I couldn't cancel your stretch reminder. Alexa's reminders are busy"),
])
def test_cancel_errors_get_a_calm_answer(skill, reminders, alexa_api, call, status, words):
    reminders.add_daily(8)
    alexa_api.fail_next(*call, status)
    said = user(skill, alexa_api).intent("CancelReminderIntent")
    assert words in said.speech and len(reminders.reminders) == 1


def test_a_reminder_already_gone_counts_as_cancelled(skill, reminders, alexa_api):
    reminders.add_daily(8)
    alexa_api.fail_next("DELETE", REMINDER, 404)
    said = user(skill, alexa_api).intent("CancelReminderIntent")
    assert "I've cancelled your daily stretch reminder at 8 AM" in said.speech


def test_status_says_the_time_or_that_there_is_none(skill, reminders, alexa_api):
    assert "You don't have a daily stretch reminder from me" in user(skill, alexa_api).intent(
        "ReminderStatusIntent").speech
    reminders.add_daily(12)
    assert "Your stretch reminder is set for every day at noon." in user(skill, alexa_api).intent(
        "ReminderStatusIntent").speech


# --- offline --------------------------------------------------------------------------------------------------
def test_offline_the_skill_says_reminders_need_alexa_without_touching_the_network(store, alarm):
    no_cloud = NoCloudApiClient()
    skill = create_skill(persistence=store, alarm=alarm, rng=random.Random(0), api_client=no_cloud)
    said = Chat(skill).intent("SetReminderIntent", time="08:00")
    assert "Reminders need Alexa itself, on an Echo or in the Alexa app" in said.speech
    assert "question" not in said.attributes and not said.ends
    assert no_cloud.refused == ["GET /v2/devices/amzn1.ask.device.00000000/settings/System.timeZone"]


def test_python_m_skill_talk_answers_reminders_offline(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "skill", "talk", "--json", "--no-voice", "--db", str(tmp_path / "talk.db"),
         "ask spine coach to remind me to stretch every morning", "at seven thirty"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""})
    turns = [json.loads(line) for line in run.stdout.splitlines()]
    assert [t["intent"] for t in turns] == ["SetReminderIntent", "SetReminderIntent"]
    # The symptom slot (a sign said with the request) is sent empty, as Alexa sends an unfilled slot.
    assert turns[0]["slots"] == {"time": "MO", "when": None, "symptom": None}
    assert "What time in the morning?" in turns[0]["speech"]
    assert turns[1]["slots"] == {"time": "07:30", "when": None, "symptom": None}
    assert "Reminders need Alexa itself, on an Echo or in the Alexa app" in turns[1]["speech"]


# --- the pure parts ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "spoken"), [
    ("08:00", "8 AM"), ("07:30", "7:30 AM"), ("19:05", "7:05 PM"), ("12:00", "noon"), ("00:00", "midnight"),
    ("00:15", "12:15 AM"), ("12:45", "12:45 PM"),
])
def test_times_are_spoken_naturally(value, spoken):
    assert spoken_time(Content("en-US"), DailyTime.parse(value)) == spoken


@pytest.mark.parametrize("value", ["MO", "EV", "24:00", "7:60", "eight", "", None, 8, "08:00Z"])
def test_only_clock_times_are_times(value):
    assert DailyTime.parse(value) is None


@pytest.mark.parametrize(("time", "period", "meant"), [
    ("07:30", "EV", "19:30"), ("02:00", "AF", "14:00"), ("09:30", "NI", "21:30"), ("02:00", "NI", "02:00"),
    ("12:00", "NI", "00:00"), ("07:30", "MO", "07:30"), ("19:30", "EV", "19:30"), ("07:30", None, "07:30"),
])
def test_a_time_said_after_a_part_of_the_day_is_read_in_it(time, period, meant):
    assert DailyTime.parse(time).in_period(period).slot_value == meant


@pytest.mark.parametrize(("moment", "zone", "expected"), [
    # spring forward in New York on 2026-03-08: the day after, 8 AM is still 8 AM on the wall clock
    (datetime(2026, 3, 7, 14, 0, tzinfo=timezone.utc), "America/New_York", "2026-03-08T08:00:00"),
    (datetime(2026, 3, 8, 13, 0, tzinfo=timezone.utc), "America/New_York", "2026-03-09T08:00:00"),
    (datetime(2026, 3, 8, 11, 59, tzinfo=timezone.utc), "America/New_York", "2026-03-08T08:00:00"),
    (datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc), "Europe/London", "2026-11-22T08:00:00"),  # exactly now
])
def test_next_occurrence_is_on_the_local_wall_clock(moment, zone, expected):
    assert next_occurrence(DailyTime(8, 0), moment.timestamp(), zone).isoformat() == expected


@pytest.mark.parametrize("said", ["around lunchtime", "lunchtime", "at lunch please"])
def test_lunchtime_said_to_what_time_is_offered_as_noon(skill, reminders, alexa_api, said):
    """What an Echo sends for the answer while the time is elicited: a time of day named by a meal."""
    chat = user(skill, alexa_api, locale="en-GB")
    asked = chat.intent("SetReminderIntent")
    heard = IntentResolver.for_locale("en-GB").resolve(said, context=elicited_in(asked.raw))
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    offered = chat.send(intent(heard.intent, slots))
    assert offered.attributes["question"]["id"] == "reminder_offer"
    assert offered.attributes["question"]["arg"]["time"] == "12:00"
