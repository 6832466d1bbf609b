"""Talk to Spine Coach by typing: utterances become real Alexa envelopes for the same skill Lambda runs.

Typed text is screened for red flags first (the raw words are available here, unlike on Alexa); a finding is
sent as SymptomReportIntent carrying those words, so the skill's own triage answers it. Otherwise the local
resolver reads the interaction model Alexa gets and produces the intent and slots.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, TextIO

from ask_sdk_core.skill import CustomSkill

from skill.app import invoke
from skill.envelopes import SKILL_ID, AlexaSession, intent, launch, session_ended
from skill.local.resolver import IntentResolver
from skill.safety import triage_for
from skill.speech import ssml_to_text

SYMPTOM_INTENT = "SymptomReportIntent"


@dataclass
class LocalConversation:
    skill: CustomSkill
    session: AlexaSession
    clock: Callable[[], float] = time.time
    resolver: IntentResolver = field(init=False)

    def __post_init__(self):
        self.resolver = IntentResolver.for_locale(self.session.locale)
        self.triage = triage_for(self.session.locale)

    def hear(self, text: str) -> dict[str, Any]:
        """Run one utterance as one turn; the transcript record of what was heard and said."""
        kind, words = self.resolver.split_invocation(text)
        if kind != "continue":
            self.session.close()  # "open spine coach" / "ask spine coach to ..." always start a new session
        if kind == "launch" or (kind == "one_shot" and not words.strip()):
            request, slots = launch(), {}
        elif self.triage.classify(words):
            request, slots = intent(SYMPTOM_INTENT, {"symptom": words}), {"symptom": words}
        else:
            resolution = self.resolver.resolve(words)
            request = intent(resolution.intent, {name: slot.to_alexa(SKILL_ID)
                                                 for name, slot in resolution.slots.items() if slot.value is not None})
            slots = resolution.slot_values()
        return self._send(text, request, slots)

    def end(self) -> None:
        """Tell the skill the user has gone, as Alexa does when a session closes without a final response."""
        if self.session.open:
            invoke(self.session.envelope(session_ended(), at=self.clock()), self.skill)
            self.session.close()

    def _send(self, heard: str, request: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
        response = invoke(self.session.envelope(request, at=self.clock()), self.skill)
        self.session.absorb(response)
        body = response.get("response") or {}
        reprompt = (body.get("reprompt") or {}).get("outputSpeech") or {}
        return {
            "heard": heard,
            "request_type": request["type"],
            "intent": request.get("intent", {}).get("name"),
            "slots": slots,
            "speech": ssml_to_text((body.get("outputSpeech") or {}).get("ssml")),
            "reprompt": ssml_to_text(reprompt.get("ssml")) or None,
            "end_session": body.get("shouldEndSession") is True,
            "triage": (response.get("sessionAttributes") or {}).get("triage"),
            "directives": [d.get("type") for d in body.get("directives") or []],
        }


def run(conversation: LocalConversation, utterances: Iterable[str], as_json: bool, out: TextIO = sys.stdout) -> None:
    for text in utterances:
        if not text.strip():
            continue
        record = conversation.hear(text)
        if as_json:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(f"Spine Coach: {record['speech']}\n")
        out.flush()


def prompt_lines(stream: TextIO = sys.stdin, prompt: str = "you> ") -> Iterable[str]:
    """Lines typed at an interactive prompt, until end of input or Ctrl-C."""
    interactive = stream.isatty()
    while True:
        if interactive:
            sys.stderr.write(prompt)
            sys.stderr.flush()
        try:
            line = stream.readline()
        except KeyboardInterrupt:
            return
        if not line:
            return
        yield line.strip()
