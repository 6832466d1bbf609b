"""The console in a browser: how long after Enter the reply is on the page, and its audio can play through.

What is timed, exactly, by the page itself (skill/console/static/console.js, performance.now in headless Chromium):
- start: the form's submit event, which Enter in the utterance box fires;
- reply shown: the reply's card has been added and two animation frames have passed (it has been laid out and
  painted); this covers the POST, the red-flag screen, the resolver, the skill with SQLite, the APL preview;
- audio ready: the reply's <audio> fires canplaythrough; the WAV was rendered on the server (pyttsx3, espeak-ng
  on Linux) after the reply was sent, sentence by sentence into the runner's cache, then whole.

Everything is the real thing: `python -m skill console` in its own process, Debian's Chromium driven by Selenium.
One conversation (the first of `talk`'s first-audio benchmark, bench/first_audio.py) is typed twice, each time by a
new user: first with an empty audio cache (as on a fresh clone: every sentence is synthesised after Enter), then
with the cache the first pass left (as after `render-audio`, nearly every sentence is there already). The server's
own time for the turn is given beside, to show where the time goes. It reports and never fails.

    python -m bench.console [--quick] [--out bench/CONSOLE.md]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.first_audio import CONVERSATION
from tests.console_browser import (audio_ready, browser_missing, browser_paths, choose, open_browser, open_console,
                                   say, start_console)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "CONSOLE.md"
QUICK_TURNS = 4


def measure(quick: bool = False) -> dict:
    """{"passes": {"cold": [...], "warm": [...]}} with one row per turn, or {"skipped": why}."""
    missing = browser_missing()
    if missing:
        return {"skipped": missing}
    conversation = CONVERSATION[:QUICK_TURNS] if quick else CONVERSATION
    with tempfile.TemporaryDirectory(prefix="spine-coach-console-bench-") as scratch:
        server = start_console(Path(scratch))
        driver = open_browser()
        try:
            passes = {}
            for name in ("cold", "warm"):
                open_console(driver, server.url)
                choose(driver, "device", "echo show")
                box = driver.find_element("id", "user")
                box.clear()
                box.send_keys(f"bench-{name}")
                passes[name] = [_turn(driver, case, text) for case, text in conversation]
            voice = "on" if driver.execute_script("return document.querySelector('#turns audio') !== null") \
                else "off"
        finally:
            driver.quit()
            server.stop()
    return {"passes": passes, "voice": voice, "browser": _browser_version(), "quick": quick}


def _turn(driver, case: str, text: str) -> dict:
    card = say(driver, text, timeout=60)
    row = {"case": case, "typed": text, "reply_ms": float(card.get_attribute("data-reply-ms")),
           "server_ms": None, "audio_ms": None}
    timings = driver.execute_script("return window.consoleTimings[window.consoleTimings.length - 1]")
    row["server_ms"] = timings.get("server_ms")
    if card.find_elements("css selector", "audio"):
        row["audio_ms"] = audio_ready(driver, card, timeout=120)
    return row


def _browser_version() -> str:
    browser, _ = browser_paths()
    try:
        return subprocess.run([browser, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (f"{statistics.median(ordered):.0f} ms (min {ordered[0]:.0f}, p90 {p90:.0f}, max {ordered[-1]:.0f}; "
            f"{len(ordered)} turns)")


def report(result: dict) -> str:
    lines = ["# The console: Enter to reply shown and to audio ready, in the browser", ""]
    if "skipped" in result:
        return "\n".join(lines + [f"Skipped: {result['skipped']}.", ""])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    lines += [f"Written by `python -m bench.console` (`make console-bench`) for this repository ({commit}"
              f"{', quick mode' if result['quick'] else ''}); {result['browser']}, headless, driven by Selenium; "
              f"{platform.machine()}, Python {platform.python_version()}, voice {result['voice']}. Times are "
              "taken by the page (performance.now) from the submit that Enter fires: **reply shown** once the "
              "card is painted (two animation frames), **audio ready** at the reply's canplaythrough. The server's "
              "own time for the turn (from the request in to the JSON out) is beside them. Cold: an empty audio "
              "cache; warm: the cache the cold pass left. It reports, never fails.", ""]
    for name, rows in result["passes"].items():
        lines += [f"- **{name}**: reply shown {_summary([row['reply_ms'] for row in rows])}; audio ready "
                  f"{_summary([row['audio_ms'] for row in rows if row['audio_ms'] is not None])}"]
    lines += ["", "| turn | typed | cold: reply shown | cold: audio ready | warm: reply shown | warm: audio ready "
                  "| server (cold / warm) |", "|---|---|---|---|---|---|---|"]
    cold, warm = result["passes"]["cold"], result["passes"]["warm"]
    for first, second in zip(cold, warm):
        lines.append(f"| {first['case']} | {first['typed']} | {first['reply_ms']:.0f} ms | {_ms(first['audio_ms'])} "
                     f"| {second['reply_ms']:.0f} ms | {_ms(second['audio_ms'])} | {_ms(first['server_ms'])} / "
                     f"{_ms(second['server_ms'])} |")
    return "\n".join(lines) + "\n"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK_TURNS} turns only")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    text = report(measure(args.quick))
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
