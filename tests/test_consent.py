"""Reading the user's permissions and Alexa's answer to an AskFor, from real request envelopes."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from conftest import Said
from skill.alexa import consent
from skill.alexa.app import invoke
from skill.alexa.envelopes import AlexaSession, launch
from alexa_requests import connections_response

SERIALIZER = DefaultSerializer()


def parsed(envelope: dict) -> RequestEnvelope:
    return SERIALIZER.deserialize(json.dumps(envelope), RequestEnvelope)


def test_a_granted_scope_is_read_from_the_request():
    envelope = parsed(AlexaSession(granted_scopes=(consent.TIMERS,)).envelope(launch()))
    assert consent.granted(envelope, consent.TIMERS)
    assert not consent.granted(envelope, consent.REMINDERS)


def test_no_permissions_means_not_granted():
    assert not consent.granted(parsed(AlexaSession().envelope(launch())), consent.TIMERS)


def test_a_denied_scope_is_not_granted_even_with_a_consent_token():
    raw = AlexaSession().envelope(launch())
    raw["context"]["System"]["user"]["permissions"] = {
        "consentToken": "token", "scopes": {consent.TIMERS: {"status": "DENIED"}}}
    assert not consent.granted(parsed(raw), consent.TIMERS)


def test_an_older_request_with_only_a_consent_token_counts_as_granted():
    raw = AlexaSession().envelope(launch())
    raw["context"]["System"]["user"]["permissions"] = {"consentToken": "token"}
    assert consent.granted(parsed(raw), consent.TIMERS)


def test_ask_for_is_the_documented_directive():
    directive = SERIALIZER.serialize(consent.ask_for(consent.TIMERS, "heat_timer"))
    assert directive == {"type": "Connections.SendRequest", "name": "AskFor", "token": "heat_timer",
                         "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "1",
                                     "permissionScope": consent.TIMERS}}
    assert SERIALIZER.serialize(consent.consent_card(consent.REMINDERS)) == {
        "type": "AskForPermissionsConsent", "permissions": [consent.REMINDERS]}


@pytest.mark.parametrize("outcome", ["ACCEPTED", "DENIED", "NOT_ANSWERED"])
@pytest.mark.parametrize("card_sent", [True, False])
def test_alexas_answer_is_read(outcome, card_sent):
    request = parsed(AlexaSession().envelope(
        connections_response("heat_timer", outcome, consent.TIMERS, card_sent=card_sent))).request
    answer = consent.ConsentAnswer.of(request)
    assert answer == consent.ConsentAnswer("heat_timer", outcome, consent.TIMERS, card_sent)
    assert answer.accepted == (outcome == "ACCEPTED")


@pytest.mark.parametrize("change", [
    {"status": {"code": "400", "message": "Bad Request"}},  # the manifest lacks the permission
    {"payload": {"status": "MAYBE"}},
    {"status": None},
])
def test_anything_unexpected_reads_as_unavailable(change):
    raw = AlexaSession().envelope(connections_response("heat_timer"))
    raw["request"].update(change)
    assert consent.ConsentAnswer.of(parsed(raw).request).outcome == consent.UNAVAILABLE


def test_an_answer_nothing_is_waiting_for_gets_a_calm_reply(skill):
    session = AlexaSession()
    session.envelope(launch())  # opens the session the answer arrives in
    said = Said(invoke(session.envelope(connections_response("heat_timer", "ACCEPTED")), skill))
    assert "nothing waiting on that permission" in said.speech
    assert not said.ends and said.reprompt
