"""On Lambda, as on the web endpoint, every log line of a turn names its request: the store's own warnings included."""

from __future__ import annotations

from skill.alexa.app import create_skill, lambda_handler_for
from skill.alexa.envelopes import AlexaSession, launch
from skill.alexa.request_log import CURRENT_REQUEST_ID
from skill.stores.sqlite import SQLitePersistenceAdapter

from fakes import FakeAlarm


class RecordingStore(SQLitePersistenceAdapter):
    """Notes which request id a log line written during the store's read would carry."""

    seen: list[str | None]

    def get_attributes(self, request_envelope):
        self.seen.append(CURRENT_REQUEST_ID.get())
        return super().get_attributes(request_envelope)


def test_a_lambda_turn_names_its_request_while_it_runs_and_not_after(tmp_path):
    store = RecordingStore(tmp_path / "state.db")
    store.seen = []
    handler = lambda_handler_for(create_skill(persistence=store, alarm=FakeAlarm()))
    event = AlexaSession().envelope(launch())
    response = handler(event, None)
    assert response["response"]["outputSpeech"]
    assert store.seen and set(store.seen) == {event["request"]["requestId"]}
    assert CURRENT_REQUEST_ID.get() is None  # a warm container's next request must not inherit it


def test_an_event_without_a_request_id_still_gets_an_answer(tmp_path):
    store = RecordingStore(tmp_path / "state.db")
    store.seen = []
    handler = lambda_handler_for(create_skill(persistence=store, alarm=FakeAlarm()))
    event = AlexaSession().envelope(launch())
    del event["request"]["requestId"]
    handler(event, None)  # the SDK's own answer to a malformed event is not this test's concern; no crash here
    assert set(store.seen) <= {None}
