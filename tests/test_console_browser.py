"""The console in a real browser: `python -m skill console` in its own process, driven by headless Chromium through
Selenium, as a developer would use it. One server and one browser for the whole module; each test reloads the page
and talks as its own user, so none depends on another's turns.

Screenshots are saved in build/console-screenshots/ (a conversation with an emergency, the Echo Show preview, the
caregiver's chart, a replay). Skips, saying why, where there is no Chromium, chromedriver or Selenium.
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
import urllib.request
import wave
from io import BytesIO
from pathlib import Path

import pytest

from console_browser import (REPO, audio_ready, browser_missing, choose, fact, open_browser, open_console, say,
                             start_console, wait_for)

MISSING = browser_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

SHOTS = REPO / "build" / "console-screenshots"
REPLAYS = REPO / "tests" / "replays"
RED_FLAG = "i can't feel my legs and i wet myself"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    console = start_console(tmp_path_factory.mktemp("console-browser"), "--replays", str(REPLAYS))
    yield console
    console.stop()


@pytest.fixture(scope="module")
def driver(server):
    browser = open_browser()
    yield browser
    browser.quit()


@pytest.fixture
def page(driver, server):
    """The console, freshly loaded (no cards from an earlier test), with its user, device and locale set."""

    def open_as(user: str, device: str = "voice", locale: str = "en-US", speed: str = "1"):
        open_console(driver, server.url)
        choose(driver, "locale", locale)
        choose(driver, "device", device)
        choose(driver, "speed", speed)
        box = driver.find_element("id", "user")
        box.clear()
        box.send_keys(user)
        return driver

    return open_as


def shot(driver, name: str, element=None) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    if element is not None:
        element.screenshot(str(path))
    else:
        driver.save_screenshot(str(path))
    return path


def text_of(driver, element_id: str) -> str:
    return driver.find_element("id", element_id).text


def test_the_issues_conversation_shows_intent_slots_the_step_preview_and_a_playable_wav(page, server):
    driver = page("echo-show", device="echo show")

    launch = say(driver, "open spine coach")
    start = say(driver, "start my lower back stretches")
    no = say(driver, "no")
    step = say(driver, "next")

    assert fact(launch, "request") == "LaunchRequest"
    assert start.get_attribute("data-intent") == "StartStretchIntent"
    assert fact(start, "slots") == 'area = "lower back" (id lower_back)'
    assert no.get_attribute("data-intent") == "AMAZON.NoIntent"
    assert step.get_attribute("data-intent") == "AMAZON.NextIntent"
    assert fact(step, "routine") == "lower back stretches, step 1 of 6 (running)"
    screen = driver.find_element("id", "screen")
    assert "Step 1 of 6" in screen.text and "Pelvic tilt" in screen.text
    assert screen.find_element("css selector", ".apl-screen").size["width"] > 200  # drawn, and scaled to fit

    audio_ready(driver, step)
    ready, duration, error = driver.execute_script(
        "const a = arguments[0].querySelector('audio'); return [a.readyState, a.duration, a.error];", step)
    assert ready >= 3 and duration > 5 and error is None  # HAVE_FUTURE_DATA: it plays
    url = step.find_element("css selector", "audio").get_attribute("src")
    with urllib.request.urlopen(url, timeout=30) as answer:
        with wave.open(BytesIO(answer.read())) as reply:
            assert abs(reply.getnframes() / reply.getframerate() - duration) < 0.1

    step.find_element("css selector", ".envelope summary").click()
    sent = json.loads(step.find_element("css selector", ".envelope pre").text)
    assert sent["request"]["intent"]["name"] == "AMAZON.NextIntent" and sent["context"]["Viewport"]
    assert sent["session"]["attributes"]["routine"]["status"] == "ready"  # carried from the last response

    # The routine runs live: the step, then once the set-up has been said, the rep and the hold counting down.
    progress = wait_for(lambda: "rep 1 of 5" in text_of(driver, "progress") and text_of(driver, "progress"), 60,
                        "the first rep's countdown")
    assert "lower back stretches: step 1 of 6, pelvic tilt" in progress and "hold" in progress
    shot(driver, "echo-show-preview", driver.find_element("id", "screen-pane"))
    shot(driver, "echo-show-conversation")


def test_a_warning_sign_mid_routine_puts_911_first_and_the_routine_is_gone(page):
    driver = page("red-flag", device="echo show")
    for text in ("open spine coach", "start my lower back stretches", "no", "next"):
        say(driver, text)
    wait_for(lambda: "step 1 of 6" in text_of(driver, "progress"), 30, "the routine in the progress pane")

    emergency = say(driver, RED_FLAG)

    assert "emergency" in emergency.get_attribute("class").split()
    first = emergency.find_element("css selector", ":scope > *:first-child")  # above everything else on the card
    assert first.get_attribute("class") == "banner" and first.text.startswith("EMERGENCY\nCall 911 now")
    assert int(first.value_of_css_property("font-size").removesuffix("px")) >= 14
    assert emergency.find_element("css selector", ".first-sentence").text.startswith("Call 911")
    assert fact(emergency, "intent") == "SymptomReportIntent" and fact(emergency, "triage") == "emergency"
    assert fact(emergency, "routine") == "none" and fact(emergency, "session") == "ended"
    wait_for(lambda: text_of(driver, "progress") == "No routine running.", 10, "the routine to be gone")
    assert "Step 1 of 6" not in text_of(driver, "screen")
    assert fact(say(driver, "resume"), "routine") == "none"
    shot(driver, "emergency-conversation")


def test_in_britain_the_emergency_number_is_999(page):
    driver = page("uk-patient", locale="en-GB")
    for text in ("open spine coach", "start my neck stretches", "no", "next"):
        say(driver, text)
    emergency = say(driver, "my back is killing me and i can't wee")
    assert emergency.find_element("css selector", ".first-sentence").text.startswith("Call 999")
    assert "911" not in emergency.text
    assert emergency.get_attribute("data-triage") == "emergency"


def test_the_caregiver_view_counts_two_sessions_on_its_chart(page, server):
    driver = page("caregiver-dad", speed="100")
    for _ in range(2):
        say(driver, "open spine coach")
        card = say(driver, "start my neck stretches")
        asked = card.find_elements("css selector", '.fact[data-fact="question"] dd')
        if asked and asked[0].text == "stretch_screen":  # the day's safety question, first session only
            say(driver, "no")
        for _ in range(12):
            card = say(driver, "next")
            if "finished" in card.find_element("css selector", ".speech").text:
                break
        else:
            raise AssertionError("the neck stretches did not finish")
    link = driver.find_element("id", "caregiver-link").get_attribute("href")
    assert link.endswith("/progress?user=caregiver-dad&locale=en-US")

    driver.get(link)

    today = driver.find_element("css selector", "svg.week-chart g.day.today")
    assert today.find_element("css selector", "text.count").text == "2"
    assert [day.get_attribute("data-count") for day in driver.find_elements("css selector", "svg g.day")][:-1] \
        == ["0"] * 6
    finished = driver.find_element("css selector", '[data-fact="finished"] dd').text
    assert finished == "2"
    assert driver.find_element("css selector", '[data-fact="left-part-way"] dd').text == "None"
    heat_row = driver.find_elements("css selector", "svg.week-chart g.heat-day text.heat-count")
    assert [count.text for count in heat_row] == ["0"] * 7  # stretches are not heat sessions
    assert driver.find_element("css selector", '[data-fact="heat-sessions"] dd').text == "0"
    shot(driver, "caregiver-week")


def test_a_replay_steps_through_with_each_turn_marked(page, tmp_path):
    driver = page("replayer")
    choose(driver, "replay-name", "en_gb_emergency.yaml")
    driver.find_element("id", "replay-load").click()
    rows = wait_for(lambda: driver.find_elements("css selector", "#replay-turns li"), 10, "the replay's turns")
    driver.find_element("id", "replay-step").click()
    wait_for(lambda: rows[0].get_attribute("data-passed") == "true", 10, "the first turn to pass")
    assert rows[1].get_attribute("data-passed") is None  # one step, one turn
    driver.find_element("id", "replay-all").click()
    wait_for(lambda: "all" in text_of(driver, "replay-summary"), 30, "the replay to finish")
    assert [row.get_attribute("data-passed") for row in rows] == ["true"] * len(rows)

    story = (REPLAYS / "en_gb_emergency.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "wrong_number.yaml"
    wrong.write_text(story.replace('first_sentence: "999"\n    not_speech', 'first_sentence: "911"\n    not_speech',
                                   1), encoding="utf-8")
    driver.find_element("id", "replay-file").send_keys(str(wrong))
    wait_for(lambda: "wrong_number.yaml" in text_of(driver, "replay-summary"), 10, "the uploaded replay")
    driver.find_element("id", "replay-all").click()
    wait_for(lambda: "failed" in text_of(driver, "replay-summary"), 30, "the uploaded replay to finish")
    failed = driver.find_elements("css selector", "#replay-turns li.fail")
    assert len(failed) == 1 and "first_sentence: expected contains 911" in failed[0].text
    assert text_of(driver, "replay-summary").startswith("1 of ")
    shot(driver, "replay", driver.find_element("id", "replay-pane"))


class _OtherSite(http.server.BaseHTTPRequestHandler):
    """A page from another origin that tries to end the console's session, by fetch and by a plain form."""

    console = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = f"""<!doctype html><body>
<form id="form" method="post" action="{self.console}console/turn" enctype="text/plain" target="result">
<input name='{{"kind":"session_ended","pad":"' value='"}}'></form>
<iframe name="result" id="result"></iframe>
<script>
window.fetchResult = "pending";
fetch("{self.console}console/turn", {{method: "POST", headers: {{"Content-Type": "application/json"}},
  body: JSON.stringify({{kind: "session_ended"}})}})
  .then(r => {{ window.fetchResult = "status " + r.status; }}, e => {{ window.fetchResult = "blocked"; }});
</script></body>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_another_site_open_in_the_browser_cannot_post_to_the_console(page, driver, server):
    page("cross-site")
    say(driver, "open spine coach")
    assert json.load(urllib.request.urlopen(server.url + "console/state", timeout=10))["session_open"] is True
    _OtherSite.console = server.url
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OtherSite)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        driver.get(f"http://127.0.0.1:{other.server_port}/")
        assert wait_for(lambda: driver.execute_script("return window.fetchResult") != "pending"
                        and driver.execute_script("return window.fetchResult"), 10, "the fetch") == "blocked"
        driver.find_element("id", "form").submit()
        driver.switch_to.frame("result")
        refused = wait_for(lambda: driver.find_element("tag name", "body").text, 10, "the form's answer")
        driver.switch_to.default_content()
    finally:
        other.shutdown()
        other.server_close()
    assert "requests from another site are refused" in refused
    assert json.load(urllib.request.urlopen(server.url + "console/state", timeout=10))["session_open"] is True


def test_the_console_benchmark_measures_in_the_browser_and_writes_its_report(tmp_path):
    """`python -m bench.console --quick` (make console-bench runs the whole conversation): the harness works; its
    figures are reported, never judged here."""
    out = tmp_path / "CONSOLE.md"
    run = subprocess.run([sys.executable, "-m", "bench.console", "--quick", "--out", str(out)], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    report = out.read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| ") and "ms |" in line]
    assert len(rows) == 4 and "quick mode" in report
    assert all(re.search(r"\| \d+ ms \| \d+ ms \| \d+ ms \| \d+ ms \|", row) for row in rows), rows
