"""Spoken times of day become what Alexa puts in an AMAZON.TIME slot, and the offline resolver fills the reminder
intent's time slot the way Alexa does."""

from __future__ import annotations

import pytest

from skill.local.nlu.resolver import IntentResolver, normalize
from skill.local.nlu.times import find_time, time_slot_value


@pytest.fixture(scope="module")
def resolver() -> IntentResolver:
    return IntentResolver.for_locale("en-US")


@pytest.mark.parametrize(("said", "value"), [
    ("eight", "08:00"), ("8 am", "08:00"), ("8am", "08:00"), ("eight a.m.", "08:00"), ("eight o'clock", "08:00"),
    ("eight in the morning", "08:00"), ("seven thirty", "07:30"), ("seven thirty in the evening", "19:30"),
    ("7:30 pm", "19:30"), ("7.30pm", "19:30"), ("19:30", "19:30"), ("nineteen thirty", "19:30"),
    ("quarter past seven", "07:15"), ("quarter past seven in the evening", "19:15"), ("half past six", "06:30"),
    ("quarter to eight", "07:45"), ("twenty five to nine p.m.", "20:35"), ("ten past seven", "07:10"),
    ("eight oh five", "08:05"), ("fifteen hundred", "15:00"), ("noon", "12:00"), ("twelve noon", "12:00"),
    ("midnight", "00:00"), ("twelve am", "00:00"), ("12 pm", "12:00"), ("ten at night", "22:00"),
    ("two at night", "02:00"), ("two in the afternoon", "14:00"),
    # A daily part of the day, as a reminder's time is said: "every evening" is as good as "in the evening".
    ("half six every evening", "18:30"), ("seven each morning", "07:00"), ("nine every night", "21:00"),
    ("morning", "MO"), ("the afternoon", "AF"), ("evening", "EV"), ("night", "NI"), ("tonight", "NI"),
])
def test_spoken_times_become_alexa_time_values(said, value):
    assert time_slot_value(said) == value


@pytest.mark.parametrize("said", ["fifteen", "twenty", "seven five", "every day", "i am", "purple", "", "13",
                                  "twenty five past", "eight in the morning in the evening"])
def test_words_that_are_not_a_time_of_day_are_not(said):
    assert time_slot_value(said) is None


@pytest.mark.parametrize(("sentence", "found"), [
    ("remind me to stretch at eight", "08:00"),
    ("set it for seven thirty please", "07:30"),
    ("stretch at 8 pm", "20:00"),
    ("remind me every morning", "MO"),
    ("my back is stiff at night", None),  # not a time to set anything for
    ("it hurts in the morning", None),
    ("can we do one more", None),
    ("i am done", None),
    ("what time is it", None),
    ("take the heat pad off in twenty minutes", None),
])
def test_only_unmistakable_times_are_picked_out_of_a_sentence(sentence, found):
    result = find_time(normalize(sentence).split())
    assert (result[2] if result else None) == found


@pytest.mark.parametrize(("utterance", "intent", "time"), [
    ("remind me to stretch every morning at eight", "SetReminderIntent", "08:00"),
    ("Alexa, remind me to stretch at 8 a.m.", "SetReminderIntent", "08:00"),
    ("could you remind me to do my stretches at seven thirty in the evening", "SetReminderIntent", "19:30"),
    ("please set a daily stretch reminder for quarter past seven", "SetReminderIntent", "07:15"),
    ("remind me to stretch every evening", "SetReminderIntent", "EV"),
    ("remind me to do my stretches every day", "SetReminderIntent", None),
    ("i'd like a reminder to do my exercises every day at half past six", "SetReminderIntent", "06:30"),
    ("at seven thirty", "SetReminderIntent", "07:30"),
    ("make it 9 pm", "SetReminderIntent", "21:00"),
    ("stop reminding me to stretch please", "CancelReminderIntent", None),
    ("delete my daily reminder", "CancelReminderIntent", None),
    ("when's my stretch reminder", "ReminderStatusIntent", None),
    ("is my reminder still set", "ReminderStatusIntent", None),
])
def test_reminder_utterances_resolve_with_the_time_alexa_would_send(resolver, utterance, intent, time):
    resolution = resolver.resolve(utterance)
    assert resolution.intent == intent
    if intent == "SetReminderIntent":
        assert resolution.slots["time"].value == time
        assert resolution.slots["time"].to_alexa("skill") == (
            {"name": "time", "value": time, "confirmationStatus": "NONE"} if time else
            {"name": "time", "confirmationStatus": "NONE"})


@pytest.mark.parametrize("utterance", ["what time is it", "eight", "fifteen", "remind me to take the heat pad off "
                                       "in twenty minutes", "my back is stiff at night"])
def test_time_words_do_not_pull_other_utterances_to_the_reminder(resolver, utterance):
    assert not resolver.resolve(utterance).intent.endswith("ReminderIntent")
