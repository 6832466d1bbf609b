"""Prevention tips across sessions with SQLite, information topics and the warning-sign list."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from conftest import Chat
from skill.alexa.app import create_skill
from skill.core.content import load_document

TIPS = load_document("en-US", "tips")["tips"]
TIP_TEXT = {tip["say"]: tip for tip in TIPS}


def heard_tip(said) -> dict:
    return next(tip for text, tip in TIP_TEXT.items() if text in said.speech)


def test_every_tip_once_before_any_repeat_across_sessions_and_restarts(store):
    heard = []
    for session in range(len(TIPS)):
        # A new skill object per session: the rotation can only come from the database.
        chat = Chat(create_skill(persistence=store, rng=random.Random(session)))
        chat.launch()
        heard.append(heard_tip(chat.intent("PreventionTipIntent"))["id"])
    assert sorted(heard) == sorted(t["id"] for t in TIPS)
    chat.launch()
    again = chat.intent("PreventionTipIntent")
    assert "heard all my tips" in again.speech


def test_another_tip_by_yes_by_next_and_by_asking(chat):
    chat.launch()
    first = heard_tip(chat.intent("PreventionTipIntent"))
    second = heard_tip(chat.yes())
    third = heard_tip(chat.intent("AMAZON.NextIntent"))
    fourth = heard_tip(chat.intent("PreventionTipIntent"))
    assert len({first["id"], second["id"], third["id"], fourth["id"]}) == 4
    declined = chat.no()
    assert declined.speech.startswith(("Okay", "Alright")) and "question" not in declined.attributes


@pytest.mark.parametrize("topic", sorted({t["topic"] for t in TIPS}))
def test_topic_filter(chat, topic):
    chat.launch()
    count = sum(1 for t in TIPS if t["topic"] == topic)
    said = chat.intent("PreventionTipIntent", topic=(topic, topic))
    for _ in range(count - 1):
        assert heard_tip(said)["topic"] == topic
        said = chat.yes()  # "another" keeps the topic
    assert heard_tip(said)["topic"] == topic
    repeat = chat.yes()
    assert "all my tips on that" in repeat.speech and heard_tip(repeat)["topic"] == topic


def test_only_progress_is_stored_never_words(chat, store):
    chat.launch()
    chat.intent("PreventionTipIntent")
    chat.intent("SymptomReportIntent", symptom="my back is stiff this morning")
    rows = sqlite3.connect(store.path).execute("SELECT data FROM attributes").fetchall()
    stored = json.loads(rows[0][0])
    assert "stiff" not in rows[0][0]
    assert set(stored) == {"v", "disclaimer_heard", "screened_on", "completed", "unfinished", "last_routine",
                           "tips_heard", "heat_screened_on", "heat"}


@pytest.mark.parametrize("topic", load_document("en-US", "topics")["topics"], ids=lambda t: t["intent"])
def test_information_topics(chat, topic):
    chat.launch()
    said = chat.intent(topic["intent"])
    assert all(sentence in said.speech for sentence in topic["say"])
    assert not said.ends and said.triage is None


def test_warning_signs_are_read_by_tier_and_are_not_an_alarm(chat):
    chat.launch()
    emergency = chat.intent("WarningSignsIntent")
    assert "Call 911" in emergency.speech and emergency.triage is None and not emergency.ends
    urgent = chat.yes()
    assert "same day" in urgent.speech and urgent.triage is None
    soon = chat.yes()
    assert "Book an appointment" in soon.speech and soon.triage is None
    chat.intent("WarningSignsIntent")
    declined = chat.no()
    assert "same day" not in declined.speech and declined.speech.startswith(("Okay", "Alright"))


def test_a_symptom_without_red_flags_offers_the_signs(chat):
    chat.launch()
    said = chat.intent("SymptomReportIntent", symptom="my lower back feels stiff")
    assert said.triage is None and "can't diagnose" in said.speech
    assert "Call 911" in chat.yes().speech
