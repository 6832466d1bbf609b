"""Optimistic concurrency: a save based on a stale read is refused, and the skill runs that turn again.

Two devices of one household talking at once must never undo each other's progress. Races are staged
deterministically: a wrapper lets a competing turn save between one turn's read and its write.
"""

from __future__ import annotations

import json
import random

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from conftest import Chat
from skill.alexa.app import create_skill
from skill.core.profile import Profile
from skill.stores.profile import StoredProfile
from skill.stores.sqlite import REVISION, ConcurrentUpdate
from skill.alexa.retrying_skill import SAVE_ATTEMPTS
from stores import Store
from test_persistence import ALICE

USER = "amzn1.ask.account.ALICE"


@pytest.mark.parametrize("first_read", ["no row", "a row"])
def test_a_save_from_a_stale_read_is_refused(any_store: Store, first_read):
    adapter = any_store.adapter
    if first_read == "a row":
        adapter.save_attributes(ALICE, {"v": 1, "step": 0})
    read = adapter.get_attributes(ALICE)
    adapter.save_attributes(ALICE, {"v": 1, "step": 1, REVISION: read.get(REVISION, 0)})  # the winner
    with pytest.raises(ConcurrentUpdate):
        adapter.save_attributes(ALICE, {"v": 1, "step": 2, REVISION: read.get(REVISION, 0)})  # the loser
    assert json.loads(any_store.stored(USER))["step"] == 1


def test_each_save_moves_the_revision_on(any_store: Store):
    adapter = any_store.adapter
    adapter.save_attributes(ALICE, {"v": 1, REVISION: 0})
    for step in range(3):
        read = adapter.get_attributes(ALICE)
        adapter.save_attributes(ALICE, {"v": 1, "step": step, REVISION: read[REVISION]})
    assert json.loads(any_store.stored(USER)) == {"v": 1, "step": 2}


def test_a_turn_reads_the_profile_once_and_saves_it_only_changed_with_the_revision_it_read():
    row = {**Profile().to_attributes(), REVISION: 7}
    reads = []
    stored = StoredProfile(lambda: reads.append(row) or row)
    assert stored.changes() is None and reads == []  # a turn that never needs the profile neither reads nor saves
    assert not stored.profile.disclaimer_heard and stored.changes() is None  # read, unchanged: nothing to save
    stored.profile.disclaimer_heard = True
    assert stored.changes() == {**Profile(disclaimer_heard=True).to_attributes(), REVISION: 7}
    assert len(reads) == 1 and row[REVISION] == 7  # read once, and the store's own mapping left as it was


class RaceAfterRead(AbstractPersistenceAdapter):
    """Runs `competitor` right after the first `races` reads, so another turn saves before this one does."""

    def __init__(self, inner: AbstractPersistenceAdapter, competitor, races: int = 1):
        self.inner, self.competitor, self.races = inner, competitor, races
        self.reads = 0

    def get_attributes(self, request_envelope):
        read = self.inner.get_attributes(request_envelope)
        self.reads += 1
        if self.reads <= self.races:
            self.competitor()
        return read

    def save_attributes(self, request_envelope, attributes):
        self.inner.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        self.inner.delete_attributes(request_envelope)


def test_a_turn_that_lost_the_race_runs_again_and_both_tips_are_remembered(any_store: Store):
    kitchen = Chat(any_store.skill(seed=1), user=USER)
    told_in_kitchen = []
    racing = RaceAfterRead(any_store.adapter,
                           lambda: told_in_kitchen.append(kitchen.intent("PreventionTipIntent").speech))
    bedroom = Chat(create_skill(persistence=racing, rng=random.Random(1)), user=USER)

    told_in_bedroom = bedroom.intent("PreventionTipIntent").speech
    assert told_in_bedroom != told_in_kitchen[0]  # the same seed would repeat the tip on a stale profile
    assert len(json.loads(any_store.stored(USER))["tips_heard"]) == 2


def test_a_turn_that_always_loses_ends_in_the_calm_apology_with_nothing_saved(any_store: Store):
    kitchen = Chat(any_store.skill(), user=USER)
    racing = RaceAfterRead(any_store.adapter, lambda: kitchen.intent("PreventionTipIntent"), races=SAVE_ATTEMPTS)
    bedroom = Chat(create_skill(persistence=racing), user=USER)
    said = bedroom.intent("PreventionTipIntent")
    assert "sorry" in said.speech.lower() and not said.ends
    assert len(json.loads(any_store.stored(USER))["tips_heard"]) == SAVE_ATTEMPTS  # only the kitchen's
