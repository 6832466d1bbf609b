"""The console (`python -m skill console`) without a browser: its JSON and pages through Flask's test client on the
real app, the real skill and a real SQLite store, the APL preview against the skill's own documents, the caregiver's
week, replays stepped through, the refusal of other sites' requests, and a port already taken. The page itself, in
headless Chromium, is tests/test_console_browser.py."""

from __future__ import annotations

import copy
import json
import re
import socket
import subprocess
import sys
import threading
import wave
from datetime import datetime, timezone
from pathlib import Path

import pytest
from ask_sdk_model import Context, RequestEnvelope
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.user import User

from skill.alexa.screen import HEAT_TIMER, STRETCH_STEP, load_document
from skill.console.apl import AplError, Viewport, evaluate, render
from skill.console.app import create_console_app
from skill.console.audio import ReplyAudio
from skill.console.caregiver import progress_page, read_week
from skill.console.console import Console, Events
from skill.core.profile import HeatSession, Profile
from skill.core.speech import Say, parse_ssml
from skill.local.progress_store import open_progress_store
from skill.local.session import local_user_id

REPO = Path(__file__).resolve().parents[1]
REPLAYS = REPO / "tests" / "replays"
STATIC = REPO / "skill" / "console" / "static"
RED_FLAG = "i can't feel my legs and i wet myself"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("console")


@pytest.fixture(scope="module")
def console(folder):
    console = Console(open_progress_store(folder / "console.db"), ReplyAudio(None, folder / "replies"),
                      replays=REPLAYS)
    yield console
    console.close()


@pytest.fixture(scope="module")
def client(console):
    return create_console_app(console).test_client()


def say(client, text: str | None, user: str, kind: str = "utterance", **settings) -> dict:
    body = {"kind": kind, "text": text,
            "settings": {"locale": "en-US", "device": "voice", "user": user, "speed": 1, **settings}}
    answer = client.post("/console/turn", json=body)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["turn"]


# --- one app, the same skill ----------------------------------------------------------------------------------
def test_the_console_is_the_endpoints_own_app_with_its_pages_added(client):
    # POST / is still the Alexa endpoint from skill.web.app.create_app, verifying as it always does.
    unsigned = client.post("/", json={"version": "1.0", "request": {"type": "LaunchRequest"}})
    assert unsigned.status_code == 400 and unsigned.get_json()["error"] == "bad request"
    assert client.get("/healthz").get_json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and b'id="utterance"' in page.data
    for name in ("console.js", "console.css"):
        assert client.get(f"/console/static/{name}").status_code == 200


def test_every_script_and_style_ships_with_the_package():
    """No CDN: nothing the page loads names another host."""
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), path.name
        assert not re.search(r"""(@import|url\()\s*["']?(https?:)?//""", text), path.name
        assert not re.search(r"""fetch\(\s*["'`](https?:)?//""", text), path.name
    assert {path.name for path in STATIC.iterdir()} == {"console.html", "console.js", "console.css"}


def test_a_typed_conversation_carries_its_session_as_alexa_does(client):
    user = "carry"
    turns = [say(client, text, user, device="echo show") for text in
             ("open spine coach", "start my lower back stretches", "no", "next")]

    launch, start, no, step = turns
    assert launch["request_type"] == "LaunchRequest" and launch["request"]["session"]["new"] is True
    assert start["intent"] == "StartStretchIntent"
    assert start["slots"] == [{"name": "area", "value": "lower back", "id": "lower_back"}]
    assert start["question"] == "stretch_screen" and no["intent"] == "AMAZON.NoIntent"
    assert step["routine"] == {"id": "lower_back", "name": "lower back stretches", "step": 1, "steps": 6,
                               "status": "running"}
    for before, after in zip(turns, turns[1:]):  # each request carries the attributes the last response left
        assert after["request"]["session"]["new"] is False
        assert after["request"]["session"]["sessionId"] == before["request"]["session"]["sessionId"]
        assert after["request"]["session"]["attributes"] == before["response"]["sessionAttributes"]
    assert step["screen"]["datasources"]["step"]["position"] == "Step 1 of 6"
    assert "Step 1 of 6" in step["screen"]["html"] and step["screen"]["width"] == 1280
    assert step["request"]["context"]["Viewport"]["pixelWidth"] == 1280
    assert launch["audio"] is None  # this console has no voice


def test_a_warning_sign_is_screened_first_and_ends_the_routine(client):
    user = "red-flag"
    for text in ("open spine coach", "start my lower back stretches", "no", "next"):
        say(client, text, user)

    emergency = say(client, RED_FLAG, user)

    assert emergency["intent"] == "SymptomReportIntent" and emergency["triage"] == "emergency"
    assert emergency["first_sentence"].startswith("Call 911")
    assert emergency["routine"] is None and emergency["end_session"] is True
    assert say(client, "resume", user)["routine"] is None


def test_britain_hears_999_and_never_911(client):
    user = "uk"
    for text in ("open spine coach", "start my neck stretches", "no", "next"):
        say(client, text, user, locale="en-GB")
    emergency = say(client, RED_FLAG, user, locale="en-GB")
    assert emergency["triage"] == "emergency" and emergency["first_sentence"].startswith("Call 999")
    assert "911" not in emergency["speech"]


def test_the_buttons_send_a_launch_a_session_end_and_open_a_new_session(client, console):
    user = "buttons"
    launch = say(client, None, user, kind="launch")
    assert launch["request_type"] == "LaunchRequest"
    ended = say(client, None, user, kind="session_ended")
    assert ended["request_type"] == "SessionEndedRequest" and ended["request"]["request"]["type"] == \
        "SessionEndedRequest" and ended["response"] is not None
    assert not console.session.open
    say(client, "open spine coach", user)
    answer = client.post("/console/turn", json={"kind": "new_session", "settings": {"user": user}}).get_json()
    assert answer["turn"] is None and not console.session.open
    assert say(client, "ask spine coach for a tip", user)["request"]["session"]["new"] is True


def test_bad_settings_and_kinds_are_refused_with_a_reason(client):
    for settings, reason in (({"locale": "xx-YY"}, "not a locale"), ({"device": "fridge"}, "not a device"),
                             ({"user": "../etc"}, "user name"), ({"speed": 3}, "speed")):
        answer = client.post("/console/turn", json={"kind": "launch", "settings": settings})
        assert answer.status_code == 400 and reason in answer.get_json()["error"]
    assert "not a kind of turn" in client.post("/console/turn", json={"kind": "dance"}).get_json()["error"]
    assert "type what" in client.post("/console/turn", json={"kind": "utterance", "text": " "}).get_json()["error"]


# --- other sites --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "http://localhost:9999"}],
                         ids=["other-origin", "opaque-origin", "cross-site", "same-site", "other-port"])
def test_posts_from_another_site_are_refused_and_change_nothing(client, console, headers):
    say(client, "open spine coach", "guarded")
    opened = console.session.session_id

    refused = client.post("/console/turn", json={"kind": "session_ended", "settings": {"user": "guarded"}},
                          headers=headers)

    assert refused.status_code == 403 and "another site" in refused.get_json()["error"]
    assert console.session.session_id == opened  # the session the page had is still open
    assert client.post("/console/replay/load", json={"name": "en_gb_emergency.yaml"},
                       headers=headers).status_code == 403


def test_the_pages_own_posts_and_plain_posts_are_accepted(client):
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    answer = client.post("/console/turn", json={"kind": "launch", "settings": {"user": "guarded"}}, headers=same)
    assert answer.status_code == 200
    # A form could post text/plain without Origin in old browsers: the console reads only JSON.
    form = client.post("/console/turn", data="kind=launch", content_type="text/plain")
    assert form.status_code == 400 and "JSON" in form.get_json()["error"]


def test_a_name_that_is_not_this_machine_is_refused_even_for_reading(client):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name, with matching Origin and Host."""
    for path in ("/", "/progress?user=local-user", "/console/state"):
        assert client.get(path, headers={"Host": "evil.example:5050"}).status_code == 403
        assert client.get(path, headers={"Host": "127.0.0.1:5050"}).status_code == 200
    rebound = client.post("/console/turn", json={"kind": "launch"},
                          headers={"Host": "evil.example", "Origin": "http://evil.example"})
    assert rebound.status_code == 403


def test_a_taken_port_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "skill", "console", "--port", str(port), "--no-voice",
                                 "--db", str(tmp_path / "c.db")], cwd=REPO, capture_output=True, text=True,
                                timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"spine-coach console: port {port} on 127.0.0.1 is already in use (another console or server?); choose "
        "another with --port."]
    assert result.stdout == ""


# --- the Echo Show preview ----------------------------------------------------------------------------------
SHOW = Viewport("rectangle", 1280, 800)
STEP = {"step": {"routine": "Neck stretches", "position": "Step 2 of 4", "name": "Neck turns", "hold": "Hold 5 seconds",
                 "reps": "5 times", "side": "", "cues": ["Sit upright with your chin level.", "Turn <slowly> & back."]}}


def texts(drawn: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", found) for found in re.findall(r'class="apl-text"[^>]*>(.*?)</div>', drawn)]


def test_the_preview_draws_the_skills_own_document_from_its_datasource():
    drawn = render(load_document(STRETCH_STEP), STEP, SHOW)
    assert texts(drawn) == ["Neck stretches", "Step 2 of 4", "Neck turns", "Hold 5 seconds", "5 times",
                            "Sit upright with your chin level.", "Turn &lt;slowly&gt; &amp; back."]
    assert "background:#102A36" in drawn and "width:1280px" in drawn
    assert "font-size:72px" in drawn  # the large-hub name size: the viewport is 1280 dp wide


def test_a_change_to_the_document_shows_in_the_preview():
    document = copy.deepcopy(dict(load_document(STRETCH_STEP)))
    document["resources"][0]["colors"]["pageBackground"] = "#334455"
    wide = document["mainTemplate"]["items"][1]["item"]["items"]
    wide.insert(0, {"type": "Text", "text": "Now: ${payload.step.name}"})
    drawn = render(document, STEP, SHOW)
    assert "background:#334455" in drawn and texts(drawn)[0] == "Now: Neck turns"


def test_the_round_screen_and_the_heat_timer_follow_their_when_clauses():
    round_screen = render(load_document(STRETCH_STEP), STEP, Viewport("round", 480, 480))
    assert texts(round_screen) == ["Step 2 of 4", "Neck turns", "Hold 5 seconds"]  # the side is empty
    heat = render(load_document(HEAT_TIMER), {"heat": {"title": "Heat timer", "headline": "15 minutes of heat"}}, SHOW)
    assert texts(heat) == ["Heat timer", "15 minutes of heat"] and "font-size:96px" in heat


def test_expressions_read_as_apl_reads_them():
    context = {"viewport": {"shape": "rectangle", "width": 1280}, "payload": {"a": "", "b": "x", "list": [1, 2]}}
    cases = {"${viewport.shape != 'round' && viewport.width >= 1200}": True, "${payload.a != ''}": False,
             "${payload.b}": "x", "Say ${payload.b}!": "Say x!", "${payload.list}": [1, 2],
             "${!(payload.missing == null) || payload.list[1] == 2}": True, "${payload.a ? 'y' : 'n'}": "n"}
    for text, expected in cases.items():
        assert evaluate(text, context) == expected, text
    with pytest.raises(AplError):
        evaluate("${payload.b +}", context)


# --- the caregiver's view -----------------------------------------------------------------------------------
NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc).timestamp()  # a Saturday


def test_the_week_counts_each_day_and_shows_only_progress(tmp_path):
    store = open_progress_store(tmp_path / "week.db")
    profile = Profile(completed=["2026-11-10", "2026-11-15", "2026-11-19", "2026-11-21", "2026-11-21"],
                      unfinished={"routine": "neck", "step": 1}, tips_heard=["lift_knees", "not-a-tip"],
                      heat=HeatSession(NOW - 3600, NOW - 3600 + 900),
                      heat_started=["2026-11-14", "2026-11-16", "2026-11-21", "2026-11-21"])
    whose = RequestEnvelope(context=Context(system=SystemState(user=User(user_id=local_user_id("dad")))))
    store.save_attributes(whose, profile.to_attributes())

    week = read_week(store, "dad", NOW, "en-US")

    assert [(day.isoformat(), count) for day, count in week.days] == [
        ("2026-11-15", 1), ("2026-11-16", 0), ("2026-11-17", 0), ("2026-11-18", 0), ("2026-11-19", 1),
        ("2026-11-20", 0), ("2026-11-21", 2)]
    assert week.finished == 4  # the skill's own "sessions this week"
    assert [count for _, count in week.heat_days] == [0, 1, 0, 0, 0, 0, 2]  # not the 14th, a week and a day ago
    assert week.heat_sessions == 3
    assert week.left_part_way == ("neck stretches", 2, 4)
    assert week.last_heat == (datetime(2026, 11, 21).date(), 15, None)
    assert week.tips_heard == (1 if "lift_knees" in _tip_ids() else 0) and week.tips_total == len(_tip_ids())

    page = progress_page(week, "en-US")
    heat_row = re.findall(r'<g class="heat-day[^"]*" data-day="([\d-]+)" data-count="(\d+)"><title>([^<]+)</title>'
                          r'<rect [^>]*/><text class="heat-count"[^>]*>(\d+)</text></g>', page)
    assert [(day, shown) for day, _, _, shown in heat_row] == [(day.isoformat(), str(count))
                                                                 for day, count in week.heat_days]
    assert heat_row[-1][1:3] == ("2", "Heat sessions on Sat 21 Nov: 2")
    assert ">Heat sessions started each day</text>" in page
    assert re.search(r'data-fact="heat-sessions"><dt>Heat sessions started this week</dt><dd>3</dd>', page)


def _tip_ids() -> set[str]:
    from skill.core.content import load_document as content

    return {tip["id"] for tip in content("en-US", "tips")["tips"]}


def test_two_finished_sessions_show_on_the_chart_and_nothing_medical_is_kept(client, folder):
    user = "two-sessions"
    say(client, "open spine coach", user)
    assert say(client, RED_FLAG, user)["triage"] == "emergency"
    for _ in range(2):
        _finish_neck_stretches(client, user)

    page = client.get(f"/progress?user={user}").get_data(as_text=True)

    today = re.search(r'<g class="day today" data-day="([\d-]+)" data-count="(\d+)">.*?'
                      r'<text class="count"[^>]*>(\d+)</text>', page)
    assert today and today.group(1) == datetime.now(timezone.utc).date().isoformat()
    assert today.group(2) == today.group(3) == "2"
    assert re.search(r'data-fact="finished"><dt>[^<]+</dt><dd>2</dd>', page)
    assert re.search(r'data-fact="left-part-way"><dt>[^<]+</dt><dd>None</dd>', page)
    assert re.search(r'data-fact="heat-sessions"><dt>[^<]+</dt><dd>0</dd>', page)  # stretches are not heat
    for kept in folder.glob("console.db*"):  # the store, and its journal if one is open
        assert b"wet myself" not in kept.read_bytes() and b"feel my legs" not in kept.read_bytes()
    assert "feel my legs" not in page and "wet myself" not in page


def test_a_heat_session_started_in_the_console_shows_in_its_days_row(client):
    user = "heat-week"
    say(client, "open spine coach", user)
    turn = say(client, "start my heat timer", user)
    for _ in range(4):  # the first time's four questions
        assert turn["question"] == "heat_screen", turn["speech"]
        turn = say(client, "no", user)
    assert "15 minutes" in turn["speech"]

    page = client.get(f"/progress?user={user}").get_data(as_text=True)

    today = datetime.now(timezone.utc).date().isoformat()
    assert re.search(rf'<g class="heat-day" data-day="{today}" data-count="1">.*?'
                     r'<text class="heat-count"[^>]*>1</text>', page)
    assert page.count('<g class="heat-day none"') == 6
    assert re.search(r'data-fact="heat-sessions"><dt>[^<]+</dt><dd>1</dd>', page)
    assert re.search(r'<g class="day today" data-day="[\d-]+" data-count="0">', page)  # heat is not a routine


def _finish_neck_stretches(client, user: str) -> None:
    turn = say(client, "open spine coach", user)
    turn = say(client, "start my neck stretches", user)
    if turn["question"] == "stretch_screen":  # the day's safety question, first session only
        turn = say(client, "no", user)
    for _ in range(12):
        turn = say(client, "next", user)
        if "finished" in turn["speech"]:
            return
    raise AssertionError(f"the routine did not finish: {turn['speech']!r}")


# --- replays ------------------------------------------------------------------------------------------------
def test_a_replay_from_the_folder_steps_through_and_every_turn_passes(client):
    listed = client.get("/console/state").get_json()["replays"]
    assert "en_gb_emergency.yaml" in listed
    loaded = client.post("/console/replay/load", json={"name": "en_gb_emergency.yaml"}).get_json()
    assert loaded["locale"] == "en-GB" and loaded["turns"][0]["say"] == "launch"
    results = _step_all(client, len(loaded["turns"]))
    assert [result["passed"] for result in results] == [True] * len(loaded["turns"])
    emergency = next(result for result in results if result["turn"]["triage"] == "emergency")
    assert emergency["turn"]["first_sentence"].startswith("Call 999")


def test_an_uploaded_replay_marks_the_turn_that_fails(client):
    story = (REPLAYS / "en_gb_emergency.yaml").read_text(encoding="utf-8")
    wrong = story.replace('first_sentence: "999"\n    not_speech', 'first_sentence: "911"\n    not_speech', 1)
    assert wrong != story
    loaded = client.post("/console/replay/load", json={"upload_name": "wrong.yaml", "text": wrong}).get_json()
    results = _step_all(client, len(loaded["turns"]))
    failed = [result for result in results if not result["passed"]]
    assert len(failed) == 1 and failed[0]["turn"]["triage"] == "emergency"
    assert failed[0]["mismatches"][0]["what"] == "first_sentence" and "999" in failed[0]["mismatches"][0]["got"]
    assert client.post("/console/replay/step", json={}).get_json() == {"done": True, "result": None}


def test_a_broken_replay_is_refused_with_its_line_and_its_own_name(client):
    answer = client.post("/console/replay/load", json={"upload_name": "../../broken.yaml",
                                                       "text": "turns:\n  - say: launch\n    intnet: x\n"})
    assert answer.status_code == 400
    assert answer.get_json()["error"].startswith("broken.yaml, line 3: 'intnet' is not a key of turn 1")
    assert client.post("/console/replay/load", json={"name": "../pyproject.toml"}).status_code == 400


def _step_all(client, count: int) -> list[dict]:
    results = []
    for number in range(1, count + 1):
        answer = client.post("/console/replay/step", json={}).get_json()
        assert answer["result"]["number"] == number
        results.append(answer["result"])
        assert answer["done"] is (number == count)
    return results


# --- audio and events ---------------------------------------------------------------------------------------
def test_each_reply_is_one_wav_from_the_runners_renderer_kept_by_its_content(tmp_path, offline_voice):
    renderer = offline_voice
    console = Console(open_progress_store(tmp_path / "c.db"), ReplyAudio(renderer, tmp_path / "replies"))
    client = create_console_app(console).test_client()
    try:
        first = say(client, "ask spine coach what is a herniated disc", "audio")
        wav = client.get(first["audio"])
        assert wav.status_code == 200 and wav.mimetype == "audio/wav"
        path = tmp_path / "replies" / first["audio_key"][:2] / f"{first['audio_key']}.wav"
        with wave.open(str(path)) as reply:
            seconds = reply.getnframes() / reply.getframerate()
        assert seconds > 2 and wav.data == path.read_bytes()
        sentences = sorted((tmp_path / "sentences").rglob("*.wav"))
        assert sentences  # rendered sentence by sentence into the renderer's own cache, as the runner does
        parts = parse_ssml(first["response"]["response"]["outputSpeech"]["ssml"])
        rendered_at = path.stat().st_mtime_ns
        assert console.audio.submit(parts) == first["audio_key"]  # the same reply, the same file
        assert console.audio.wait(first["audio_key"]) == path and path.stat().st_mtime_ns == rendered_at
        assert console.audio.submit([*parts, Say("One more sentence.")]) != first["audio_key"]
        assert client.get("/console/audio/" + "0" * 64 + ".wav").status_code == 404
        assert client.get("/console/audio/..%2F..%2Fc.db.wav").status_code == 404
    finally:
        console.close()


def test_events_reach_every_page_that_is_listening():
    events = Events()
    heard: list[str] = []
    listening = threading.Event()

    def page():
        stream = events.stream([("progress", {"where": []})])
        for message in stream:
            heard.append(message)
            if message.startswith("event: progress"):
                listening.set()
            if "hands_free" in message:
                stream.close()
                return

    reader = threading.Thread(target=page)
    reader.start()
    assert listening.wait(5)
    events.publish("turn", {"kind": "hands_free"})
    reader.join(5)
    assert heard[0].startswith("retry:") and json.loads(heard[-1].split("data: ", 1)[1]) == {"kind": "hands_free"}
