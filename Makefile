# `make run` and `make test` each do all set-up on a fresh machine, then do their job.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test console setup voice browser clean package skill-package bench red-flags red-flag-model faults pacing understanding \
	console-bench listen-model listen-bench first-red-flag

run: setup
	$(BIN)/python -m skill talk $(if $(LISTEN),--listen)

test: setup
	$(BIN)/python -m pytest --numprocesses=auto --dist=loadfile --no-loadscope-reorder

# The console in the browser at http://127.0.0.1:5050/ (README: "The console in the browser"); Ctrl-C to stop.
console: setup
	$(BIN)/python -m skill console --replays tests/replays

# Spine Coach against a hello-world ask-sdk-core skill, side by side (bench/): writes bench/RESULTS.md in a few
# minutes. It reports the figures and never fails on them.
bench: setup
	$(BIN)/python -m bench.run

# Red-flag triage on the development bank (bench/red_flags/: a tuning split and a sealed one), full text and what an
# Echo sends, in every locale: writes bench/RED_FLAGS.md in under a minute.
red-flags: setup
	$(BIN)/python -m bench.red_flag_report

# A cold Lambda-like process's first red flag, with the compiled rules the package ships and without: writes
# bench/FIRST_RED_FLAG.md in seconds.
first-red-flag: setup
	$(BIN)/python -m bench.first_red_flag

# The self-hosted deployment (gunicorn, SQLite) on loopback through a corrupt file, a bad row, a full disk, slow
# clients and killed workers: writes bench/FAULTS.md in under two minutes. It reports the figures, never fails on them.
faults: setup
	$(BIN)/python -m bench.faults

# Each routine as heard offline and hands-free, from rendered WAVs: the longest prompt and the speech before the first
# stretch, the longest silence, the total time. Writes bench/PACING.md in seconds; it reports, never fails.
pacing: setup
	$(BIN)/python -m bench.pacing

# The resolver on the held-out understanding banks (bench/understanding/: natural requests, short answers to the skill's
# questions with what Alexa knows of them): writes bench/UNDERSTANDING.md in seconds. Any bank file: BANK=path.
understanding: setup
	$(BIN)/python -m bench.understanding $(if $(BANK),--bank "$(BANK)")

# The console in headless Chromium: Enter to the reply shown and to its audio ready, measured in the browser
# (performance.now). Writes bench/CONSOLE.md in about a minute; it reports, never fails.
console-bench: setup
	$(BIN)/python -m bench.console

# Rebuilds the recogniser's language model and dictionary (skill/local/listen/model/) from the interaction model, the
# built-in intents' phrasings and the red-flag rules, after any of them changes; tests/test_listen_model.py says when.
listen-model: setup
	$(BIN)/python -m skill.local.listen.build

# Offline listening on espeak-ng voices, with and without noise: intent and slot accuracy, red flags, barge-in, time to
# reply. Writes bench/LISTEN.md in about ten minutes (QUICK=1: two); it reports the figures, never fails on them.
listen-bench: setup
	$(BIN)/python -m bench.listen $(if $(QUICK),--quick)

# Retrains the learned second opinion (skill/core/safety/models/en.json) on the tuning split alone, after a bank change.
red-flag-model: setup
	$(BIN)/python -m bench.red_flag_model

setup: $(STAMP) voice browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Spine Coach needs Python 3.11 ($(PYTHON) not found)." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,listen]'
	touch $(STAMP)

# espeak-ng gives pyttsx3 a voice on Linux and aplay (alsa-utils) plays it; PortAudio (libportaudio2) lets
# sounddevice hear the microphone for `talk --listen`, and sox adds noise in bench/listen.py. Installed only where we
# are root and they are missing. Without them Spine Coach answers in text, and listens to typing only.
voice:
	@if { ! command -v espeak-ng || ! command -v aplay || ! command -v sox \
		|| ! /sbin/ldconfig -p | grep -q libportaudio.so.2; } >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng alsa-utils sox \
			libportaudio2 >/dev/null) \
		|| echo "Could not install espeak-ng, alsa-utils, sox and libportaudio2; Spine Coach will answer in text only." >&2; \
	fi

# Headless Chromium and its driver for the console's browser tests (Selenium drives them; nothing is downloaded);
# installed only where we are root and they are missing. Without them those tests skip and say why.
browser:
	@if { ! command -v chromium || ! command -v chromedriver; } >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
		|| echo "Could not install chromium and chromium-driver; the console's browser tests will skip." >&2; \
	fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The Lambda artifact: build/lambda/ and build/spine-coach-lambda.zip, smoke-tested on its own (deploy/README.md).
package: setup
	$(BIN)/python deploy/package.py

# The ASK CLI skill package in build/skill-package. These defaults are placeholders, not for `ask deploy`: set
# SPINE_COACH_ENDPOINT (the stack's FunctionArn, or an https URL), SPINE_COACH_PRIVACY_URL and SPINE_COACH_TERMS_URL.
SPINE_COACH_ENDPOINT ?= arn:aws:lambda:us-east-1:123456789012:function:REPLACE-ME-spine-coach-skill
SPINE_COACH_PRIVACY_URL ?= https://example.com/REPLACE-ME/privacy
SPINE_COACH_TERMS_URL ?= https://example.com/REPLACE-ME/terms
skill-package: setup
	$(BIN)/python deploy/export_skill_package.py --out build/skill-package --endpoint "$(SPINE_COACH_ENDPOINT)" \
		--privacy-url "$(SPINE_COACH_PRIVACY_URL)" --terms-url "$(SPINE_COACH_TERMS_URL)" \
		$(if $(SPINE_COACH_SSL_CERTIFICATE_TYPE),--ssl-certificate-type "$(SPINE_COACH_SSL_CERTIFICATE_TYPE)") \
		$(if $(SPINE_COACH_SKILL_ID),--skill-id "$(SPINE_COACH_SKILL_ID)")
