"""skill.core.state (session attributes) and skill.core.profile (persistent attributes): JSON round trips and damage."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.core.profile import HISTORY_DAYS, PROFILE_VERSION, HeatSession, Profile
from skill.core.state import ROUTINE_STATUSES, STATE_VERSION, Conversation, OpenQuestion, Question, RoutineState


def through_json(value):
    return json.loads(json.dumps(value))


def assert_json_primitives(value, path="$"):
    """Only dicts with string keys, lists, str, int, float, bool and None, all the way down."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{path}: key {key!r}"
            assert_json_primitives(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_json_primitives(item, f"{path}[{index}]")
    else:
        assert value is None or type(value) in (str, int, float, bool), f"{path}: {type(value).__name__}"


# =====================================================================================================
# Conversation
# =====================================================================================================

FULL = Conversation(
    routine=RoutineState("lower_back", step=3, segment=1, status="paused"),
    question=OpenQuestion(Question.HEAT_SCREEN, {"minutes": 15, "question": "diabetes"}),
    last_speech='<speak>Hold <break time="10s"/> &amp; relax</speak>',
    last_reprompt="<speak>Say next.</speak>",
)


@pytest.mark.parametrize(
    "conversation",
    [
        Conversation(),
        FULL,
        Conversation(routine=RoutineState("neck")),
        Conversation(question=OpenQuestion(Question.SKIP_OFFER)),
        Conversation(question=OpenQuestion(Question.RESUME_OFFER, 2)),
        Conversation(question=OpenQuestion(Question.CLARIFY, ["a", 1, None, True])),
        Conversation(last_speech=""),
    ],
    ids=["empty", "full", "routine-defaults", "question-no-arg", "question-int-arg", "question-list-arg", "misc"],
)
def test_conversation_round_trips_through_json(conversation):
    attributes = conversation.to_attributes()
    assert_json_primitives(attributes)
    assert Conversation.from_attributes(through_json(attributes)) == conversation


def test_to_attributes_shape():
    assert FULL.to_attributes() == {
        "v": STATE_VERSION,
        "routine": {"routine": "lower_back", "step": 3, "segment": 1, "status": "paused", "hands_free": False,
                    "rep": 0, "led_at": None, "rep_ends": [], "transition_seconds": 0},
        "question": {"id": "heat_screen", "arg": {"minutes": 15, "question": "diabetes"}},
        "last_speech": '<speak>Hold <break time="10s"/> &amp; relax</speak>',
        "last_reprompt": "<speak>Say next.</speak>",
    }


def test_to_attributes_omits_empty_fields():
    assert Conversation().to_attributes() == {"v": STATE_VERSION}
    assert Conversation(last_speech="<speak/>").to_attributes() == {"v": STATE_VERSION, "last_speech": "<speak/>"}


def test_asking_sets_the_question_and_keeps_the_rest():
    asked = FULL.asking(Question.RESUME_OFFER, {"routine": "neck", "step": 1})
    assert asked.question == OpenQuestion(Question.RESUME_OFFER, {"routine": "neck", "step": 1})
    assert asked.routine == FULL.routine and asked.last_speech == FULL.last_speech
    assert FULL.question == OpenQuestion(Question.HEAT_SCREEN, {"minutes": 15, "question": "diabetes"})  # frozen


_JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=10))
_ARG = st.one_of(_JSON_LEAF, st.dictionaries(st.text(max_size=5), _JSON_LEAF, max_size=3))
_CONVERSATIONS = st.builds(
    Conversation,
    routine=st.one_of(st.none(), st.builds(
        RoutineState, st.text(max_size=12), st.integers(0, 999), st.integers(0, 999), st.sampled_from(ROUTINE_STATUSES),
        st.booleans(), rep=st.integers(0, 999), led_at=st.one_of(st.none(), st.floats(0, 2e9)),
        rep_ends=st.lists(st.integers(0, 999), max_size=12).map(tuple), transition_seconds=st.integers(0, 999))),
    question=st.one_of(st.none(), st.builds(OpenQuestion, st.sampled_from(Question), _ARG)),
    last_speech=st.one_of(st.none(), st.text(max_size=40)),
    last_reprompt=st.one_of(st.none(), st.text(max_size=40)),
    hands_free=st.booleans(),
    told_stop=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(_CONVERSATIONS)
def test_any_conversation_round_trips_through_json(conversation):
    attributes = conversation.to_attributes()
    assert_json_primitives(attributes)
    assert None not in attributes.values() and False not in attributes.values()
    assert Conversation.from_attributes(through_json(attributes)) == conversation


@pytest.mark.parametrize(
    "attributes",
    [None, {}, [], "v1", 1, {"v": 2, "last_speech": "x"}, {"v": "1", "last_speech": "x"},
     {"v": None, "last_speech": "x"}, {"last_speech": "x"}],
    ids=["none", "empty", "list", "string", "int", "v2", "v-string", "v-null", "no-version"],
)
def test_unreadable_attributes_give_a_fresh_conversation(attributes):
    assert Conversation.from_attributes(attributes) == Conversation()


GOOD_ROUTINE = {"routine": "neck", "step": 2, "segment": 1, "status": "hurt"}


@pytest.mark.parametrize(
    "routine",
    [
        {**GOOD_ROUTINE, "step": "2"},
        {**GOOD_ROUTINE, "segment": "0"},
        {**GOOD_ROUTINE, "step": -1},
        {**GOOD_ROUTINE, "segment": -3},
        {**GOOD_ROUTINE, "step": True},
        {**GOOD_ROUTINE, "segment": False},
        {**GOOD_ROUTINE, "step": 1.5},
        {**GOOD_ROUTINE, "step": 1000},
        {**GOOD_ROUTINE, "step": None},
        {**GOOD_ROUTINE, "status": "sprinting"},
        {**GOOD_ROUTINE, "status": None},
        {**GOOD_ROUTINE, "status": ["ready"]},
        {**GOOD_ROUTINE, "routine": 5},
        {**GOOD_ROUTINE, "routine": None},
        {k: v for k, v in GOOD_ROUTINE.items() if k != "routine"},
        ["neck", 2, 1, "hurt"],
        "neck",
        42,
    ],
)
def test_a_damaged_routine_is_dropped_and_the_rest_is_kept(routine):
    conversation = Conversation.from_attributes(
        {"v": 1, "routine": routine, "question": {"id": "skip_offer"}, "last_speech": "<speak>Hi</speak>"})
    assert conversation == Conversation(question=OpenQuestion(Question.SKIP_OFFER), last_speech="<speak>Hi</speak>")


@pytest.mark.parametrize(
    "damage",
    [{"rep": -1}, {"rep": "3"}, {"rep": True}, {"led_at": "soon"}, {"led_at": float("nan")}, {"led_at": True},
     {"rep_ends": [3, "9"]}, {"rep_ends": [-2]}, {"rep_ends": "3,9"}, {"rep_ends": [1.5]},
     {"transition_seconds": -5}, {"transition_seconds": "180"}],
)
def test_a_damaged_rep_or_timing_reads_as_its_default_and_keeps_the_position(damage):
    state = RoutineState.from_dict({**GOOD_ROUTINE, "rep": 2, "led_at": 100.0, "rep_ends": [3, 9],
                                    "transition_seconds": 180, **damage})
    assert (state.routine, state.step, state.segment, state.status) == ("neck", 2, 1, "hurt")
    field = next(iter(damage))
    assert getattr(state, field) == getattr(RoutineState("neck"), field)


def test_a_routine_missing_optional_fields_gets_the_defaults():
    assert RoutineState.from_dict({"routine": "neck"}) == RoutineState("neck", 0, 0, "ready")
    assert Conversation.from_attributes({"v": 1, "routine": {"routine": "neck", "step": 4}}).routine == \
        RoutineState("neck", 4, 0, "ready")


@pytest.mark.parametrize("question", [{"id": 5}, {"arg": 1}, "skip_offer", ["skip_offer"], None, {"id": None},
                                      {"id": ["skip_offer"]}, {"id": "confirm"}, {"id": "SKIP_OFFER"}])
def test_a_damaged_or_unknown_question_is_dropped_and_the_rest_is_kept(question):
    conversation = Conversation.from_attributes({"v": 1, "question": question, "routine": GOOD_ROUTINE})
    assert conversation == Conversation(routine=RoutineState("neck", 2, 1, "hurt"))


@pytest.mark.parametrize(
    "field, value",
    [("last_speech", 5), ("last_speech", ["<speak/>"]), ("last_reprompt", {"ssml": "x"}),
     ("last_reprompt", True)],
)
def test_damaged_scalars_read_as_their_defaults(field, value):
    kept = {"routine": GOOD_ROUTINE}  # a valid field next to the damaged one survives
    assert Conversation.from_attributes({"v": 1, **kept, field: value}) == \
        Conversation(routine=RoutineState("neck", 2, 1, "hurt"))


def test_unknown_keys_are_ignored():
    assert Conversation.from_attributes({"v": 1, "last_speech": "x", "triage": "emergency", "junk": [1]}) == \
        Conversation(last_speech="x")


# =====================================================================================================
# Profile
# =====================================================================================================

DAY = date(2026, 11, 21)

FULL_PROFILE = Profile(
    disclaimer_heard=True,
    screened_on="2026-11-20",
    completed=["2026-11-01", "2026-11-19", "2026-11-20"],
    unfinished={"routine": "lower_back", "step": 2},
    last_routine="neck",
    tips_heard=["lifting_plan", "sleep_side"],
    heat_screened_on="2026-11-02",
    heat=HeatSession(started_at=1_790_000_000.0, ends_at=1_790_001_500.5, paused_seconds=600.0),
    heat_started=["2026-11-02", "2026-11-20", "2026-11-20"],
)


@pytest.mark.parametrize("profile", [Profile(), FULL_PROFILE], ids=["empty", "full"])
def test_profile_round_trips_through_json(profile):
    attributes = profile.to_attributes()
    assert attributes["v"] == PROFILE_VERSION
    assert_json_primitives(attributes)
    assert Profile.from_attributes(through_json(attributes)) == profile


def test_profile_to_attributes_shape():
    assert FULL_PROFILE.to_attributes()["heat"] == {"started_at": 1_790_000_000.0, "ends_at": 1_790_001_500.5,
                                                  "paused_seconds": 600.0}
    assert FULL_PROFILE.to_attributes()["unfinished"] == {"routine": "lower_back", "step": 2}


@pytest.mark.parametrize("raw", [None, {}, [], "x", {"v": 2, "disclaimer_heard": True},
                                 {"disclaimer_heard": True}, {"v": "1", "disclaimer_heard": True}])
def test_unreadable_profile_is_a_fresh_profile(raw):
    assert Profile.from_attributes(raw) == Profile()


@pytest.mark.parametrize(
    "heat",
    [
        None,
        "2026-11-21T08:00",
        [1, 2],
        {"started_at": 1},
        {"started_at": 1, "ends_at": "900"},
        {"started_at": "1", "ends_at": 900},
        {"started_at": True, "ends_at": 900},
        {"started_at": 1, "ends_at": None},
    ],
)
def test_damaged_heat_record_is_dropped(heat):
    profile = Profile.from_attributes({"v": 1, "heat": heat, "disclaimer_heard": True})
    assert profile == Profile(disclaimer_heard=True)


def test_a_heat_record_keeps_its_pauses_and_reads_damaged_ones_as_none():
    assert "paused_seconds" not in HeatSession(100.0, 1000.0).to_attributes()  # a record as stored before
    for bad in ("60", -5, True, None, float("nan")):
        heat = Profile.from_attributes({"v": 1, "heat": {"started_at": 100, "ends_at": 1000, "paused_seconds": bad}})
        assert heat.heat.paused_seconds == 0.0 and heat.heat.heated_seconds == 900.0, bad


def test_heat_record_with_ints_is_read_as_floats():
    heat = Profile.from_attributes({"v": 1, "heat": {"started_at": 100, "ends_at": 1000}}).heat
    assert heat == HeatSession(100.0, 1000.0)
    assert isinstance(heat.started_at, float) and isinstance(heat.ends_at, float)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "yesterday", "", 20261121, None, ["2026-11-21"]])
def test_bad_screening_date_reads_as_never_screened(bad):
    assert Profile.from_attributes({"v": 1, "screened_on": bad}).screened_on is None


def test_bad_completed_dates_are_dropped_and_good_ones_kept():
    raw = {"v": 1, "completed": ["2026-11-01", "2026-02-30", 20261102, None, "soon", "2026-11-03", ["2026-11-04"]]}
    assert Profile.from_attributes(raw).completed == ["2026-11-01", "2026-11-03"]


def test_compact_iso_completed_dates_are_normalised():
    profile = Profile.from_attributes({"v": 1, "completed": ["20261121"]})
    assert profile.completed == ["2026-11-21"]
    assert profile.sessions_in_week_to(DAY) == 1


def test_tips_heard_keeps_only_strings():
    raw = {"v": 1, "tips_heard": ["lifting_plan", 3, None, {"id": "x"}, "sleep_side"]}
    assert Profile.from_attributes(raw).tips_heard == ["lifting_plan", "sleep_side"]


@pytest.mark.parametrize("field", ["tips_heard", "completed"])
@pytest.mark.parametrize("value", [None, 5, 2.5, True], ids=["null", "int", "float", "bool"])
def test_non_iterable_list_field_reads_as_empty(field, value):
    assert getattr(Profile.from_attributes({"v": 1, field: value, "disclaimer_heard": True}), field) == []


@pytest.mark.parametrize(
    "field, value",
    [("tips_heard", "lifting_plan"), ("tips_heard", {"lifting_plan": True}), ("completed", {"2026-11-21": 1})],
    ids=["tips-string", "tips-dict", "completed-dict"],
)
def test_non_list_iterable_list_field_reads_as_empty(field, value):
    assert getattr(Profile.from_attributes({"v": 1, field: value}), field) == []


def test_heat_screening_answers_of_an_earlier_version_are_not_read_and_the_next_save_drops_them():
    raw = {"v": 1, "disclaimer_heard": True, "tips_heard": ["sleep_side"], "heat_cleared": True,
           "heat_screen": {"numb_skin": True, "diabetes": False, "circulation": False, "pregnancy": True}}
    profile = Profile.from_attributes(raw)
    assert profile.disclaimer_heard and profile.tips_heard == ["sleep_side"]  # the rest of the profile survives
    assert profile.heat_screened_on is None  # the new, longer screening is heard once in full
    saved = profile.to_attributes()
    assert "heat_screen" not in saved and "heat_cleared" not in saved
    assert "pregnancy" not in json.dumps(saved) and "numb_skin" not in json.dumps(saved)


@pytest.mark.parametrize("value", [None, True, "yesterday", ["2026-11-20"], 20261120])
def test_a_damaged_heat_screening_date_reads_as_not_heard(value):
    assert Profile.from_attributes({"v": 1, "heat_screened_on": value}).heat_screened_on is None
    assert Profile.from_attributes({"v": 1, "heat_screened_on": "2026-11-20"}).heat_screened_on == "2026-11-20"


@pytest.mark.parametrize(
    "unfinished, expected",
    [
        ({"routine": "neck", "step": 2}, {"routine": "neck", "step": 2}),
        ({"routine": "neck", "step": 2, "extra": 1}, {"routine": "neck", "step": 2}),
        ({"routine": "neck"}, None),
        ({"routine": "neck", "step": "2"}, None),
        ({"routine": 3, "step": 2}, None),
        (["neck", 2], None),
        ("neck", None),
    ],
)
def test_unfinished_is_read_or_dropped(unfinished, expected):
    assert Profile.from_attributes({"v": 1, "unfinished": unfinished}).unfinished == expected


@pytest.mark.parametrize("step", [-1, True], ids=["negative", "bool"])
def test_unfinished_with_a_negative_or_bool_step_is_dropped(step):
    assert Profile.from_attributes({"v": 1, "unfinished": {"routine": "neck", "step": step}}).unfinished is None


@pytest.mark.parametrize("value, expected", [(True, True), ("true", False), (1, False), (None, False)])
def test_flags_need_a_real_true(value, expected):
    assert Profile.from_attributes({"v": 1, "disclaimer_heard": value}).disclaimer_heard is expected


def test_last_routine_must_be_a_string():
    assert Profile.from_attributes({"v": 1, "last_routine": ["neck"]}).last_routine is None
    assert Profile.from_attributes({"v": 1, "last_routine": "neck"}).last_routine == "neck"


# --- record_completed / sessions_in_week_to -----------------------------------------------------------


def iso(days_before: int) -> str:
    return (DAY - timedelta(days=days_before)).isoformat()


def test_record_completed_appends_the_day_and_clears_unfinished():
    profile = Profile(completed=[iso(3)], unfinished={"routine": "neck", "step": 1})
    profile.record_completed(DAY)
    assert profile.completed == [iso(3), "2026-11-21"]
    assert profile.unfinished is None


def test_record_completed_trims_history_older_than_history_days():
    profile = Profile(completed=[iso(HISTORY_DAYS + 30), iso(HISTORY_DAYS + 1), iso(HISTORY_DAYS), iso(1)])
    profile.record_completed(DAY)
    assert profile.completed == [iso(HISTORY_DAYS), iso(1), iso(0)]


def test_record_completed_twice_on_a_day_counts_twice():
    profile = Profile()
    profile.record_completed(DAY)
    profile.record_completed(DAY)
    assert profile.completed == ["2026-11-21", "2026-11-21"]
    assert profile.sessions_in_week_to(DAY) == 2


def test_sessions_in_week_counts_the_last_seven_days_inclusive():
    profile = Profile(completed=[iso(8), iso(7), iso(6), iso(3), iso(3), iso(0), iso(-1)])
    assert profile.sessions_in_week_to(DAY) == 4  # days 6, 3, 3 and 0 before; not 7 or 8 before, not tomorrow


def test_sessions_in_week_across_a_month_and_year_boundary():
    profile = Profile(completed=["2026-12-27", "2026-12-31", "2027-01-01", "2027-01-02"])
    assert profile.sessions_in_week_to(date(2027, 1, 2)) == 4
    assert profile.sessions_in_week_to(date(2027, 1, 3)) == 3
    assert Profile().sessions_in_week_to(DAY) == 0


# --- record_heat_started / heat_sessions_in_week_to ---------------------------------------------------------


def test_a_profile_stored_before_heat_starts_were_counted_has_none_and_saves_unchanged():
    old = {"v": 1, "disclaimer_heard": True, "screened_on": None, "completed": [], "unfinished": None,
           "last_routine": None, "tips_heard": [], "heat_screened_on": "2026-11-02",
           "heat": {"started_at": 100.0, "ends_at": 1000.0}}
    profile = Profile.from_attributes(old)
    assert profile.heat_started == [] and profile.heat_sessions_in_week_to(DAY) == 0
    assert profile.to_attributes() == old  # nothing changed, so nothing is saved (skill.stores.profile)


def test_heat_starts_are_counted_by_day_kept_only_as_dates_and_trimmed_like_completed_sessions():
    profile = Profile(heat_started=[iso(HISTORY_DAYS + 1), iso(HISTORY_DAYS), iso(7), iso(6)])
    profile.record_heat_started(DAY)
    profile.record_heat_started(DAY)
    assert profile.heat_started == [iso(HISTORY_DAYS), iso(7), iso(6), iso(0), iso(0)]
    assert profile.heat_sessions_in_week_to(DAY) == 3  # six days before and twice today; not seven before
    assert profile.sessions_in_week_to(DAY) == 0 and profile.completed == []  # heat is not a stretch session
    assert Profile.from_attributes(through_json(profile.to_attributes())).heat_started == profile.heat_started


def test_bad_heat_start_dates_are_dropped():
    raw = {"v": 1, "heat_started": ["2026-11-20", "2026-02-30", 20261120, None, {"d": 1}, "20261121"]}
    assert Profile.from_attributes(raw).heat_started == ["2026-11-20", "2026-11-21"]
    assert Profile.from_attributes({"v": 1, "heat_started": "2026-11-20"}).heat_started == []


def test_heat_session_remaining():
    session = HeatSession(started_at=1000.0, ends_at=1900.0)
    assert session.remaining(1000.0) == 900.0
    assert session.remaining(1850.5) == 49.5
    assert session.remaining(1900.0) == 0.0
    assert session.remaining(5000.0) == 0.0
