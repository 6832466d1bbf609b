"""Driving the console in a real browser: Debian's Chromium and chromedriver through Selenium, headless. Shared by
tests/test_console_browser.py and bench/console.py.

Nothing is downloaded: Selenium is pointed at the installed browser and driver, and Selenium Manager is told to
stay offline. `browser_missing()` says why the browser tests cannot run here, or None.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
START_SECONDS = 60.0
WINDOW = (1500, 1000)


def browser_paths() -> tuple[str | None, str | None]:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    return browser, shutil.which("chromedriver")


def browser_missing() -> str | None:
    """Why no browser test can run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    browser, driver = browser_paths()
    if browser is None or driver is None:
        missing = " and ".join(name for name, path in (("Chromium", browser), ("chromedriver", driver)) if not path)
        return (f"no {missing} on this machine: install Debian's chromium and chromium-driver (make test does, "
                "when run as root)")
    return None


@dataclass
class ConsoleServer:
    process: subprocess.Popen
    url: str  # ends with "/"

    def stop(self) -> str:
        """Stop the console (SIGTERM, as Ctrl-C) and return what it wrote on stderr."""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def start_console(folder: Path, *options: str) -> ConsoleServer:
    """`python -m skill console` on a free port, with its progress and audio in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "skill", "console", "--port", "0", "--db", str(folder / "console.db"),
               "--audio-cache", str(folder / "audio"), *options]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + START_SECONDS
    line = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = re.search(r"(http://\S+/)", line)
        if found:
            return ConsoleServer(process, found.group(1))
        if process.poll() is not None:
            break
    process.kill()
    _, err = process.communicate()
    raise RuntimeError(f"the console did not start: {line!r} {err}")


def open_browser():
    """Headless Chromium at WINDOW size, playing audio without a gesture (muted: no sound device is needed)."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
                     "--autoplay-policy=no-user-gesture-required", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, what: str = "the page") -> Any:
    """The first true value `condition` gives within `timeout` seconds; AssertionError naming `what` after that."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as error:  # an element not there yet, or replaced while read
            last_error, value = error, None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}" + (f" ({last_error})" if last_error
                                                                                else ""))


def open_console(driver, url: str) -> None:
    driver.get(url)
    wait_for(lambda: driver.find_element("css selector", "body").get_attribute("data-ready") == "true",
             what="the console to start")


def choose(driver, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", select_id)).select_by_value(value)


def turn_cards(driver) -> list:
    return driver.find_elements("css selector", "#turns article.turn")


def say(driver, text: str, timeout: float = 30.0):
    """Type `text` and Enter, as a developer would; the new turn's card once its reply is on the page."""
    from selenium.webdriver.common.keys import Keys

    before = len(turn_cards(driver))
    box = driver.find_element("id", "utterance")
    box.send_keys(text + Keys.ENTER)
    return wait_for(lambda: (cards := turn_cards(driver)) and len(cards) > before
                    and cards[-1].get_attribute("data-reply-ms") and cards[-1], timeout, f"the reply to {text!r}")


def press(driver, button_id: str, timeout: float = 30.0):
    """Press a conversation button; the new turn's card (SessionEnded, Launch) or None (New session)."""
    before = len(turn_cards(driver))
    notes = len(driver.find_elements("css selector", "#turns .system-note"))
    driver.find_element("id", button_id).click()
    wait_for(lambda: len(turn_cards(driver)) > before
             or len(driver.find_elements("css selector", "#turns .system-note")) > notes, timeout,
             f"the answer to {button_id}")
    cards = turn_cards(driver)
    return cards[-1] if len(cards) > before else None


def fact(card, key: str) -> str:
    return card.find_element("css selector", f'.fact[data-fact="{key}"] dd').text


def audio_ready(driver, card, timeout: float = 60.0) -> float:
    """Milliseconds from Enter to the reply's WAV being playable through, as the page measured them."""
    return float(wait_for(lambda: card.get_attribute("data-audio-ms"), timeout, "the reply's audio"))
