"""Things to hear rather than do: prevention tips, information topics, the warning signs."""

from __future__ import annotations

import random

from skill.alexa.handlers.base import Answer, TurnHandler, slot_id
from skill.core.tips import choose_tip
from skill.core.state import Question
from skill.alexa.turn import Reply, Turn

# WarningSignsIntent reads the signs tier by tier, most serious first, offering the next each time.
SIGN_TIERS = ("emergency", "urgent", "soon")


class TipHandler(TurnHandler):
    intents = ("PreventionTipIntent",)

    def __init__(self, rng: random.Random):
        self.rng = rng

    def act(self, turn: Turn) -> Reply:
        return tell_tip(turn, slot_id(turn, "topic"), self.rng)


def tell_tip(turn: Turn, topic: str | None, rng: random.Random) -> Reply:
    """A tip, and an offer of another; hands-free nobody may be there to answer, so it ends with the tip (the
    session left to Alexa, so that a routine running hands-free carries on)."""
    tips = turn.content.document("tips")["tips"]
    choice = choose_tip(tips, turn.profile.tips_heard, topic, rng)
    turn.profile.tips_heard = choice.heard
    reply = turn.reply()
    if choice.repeat:
        reply.say(f"tips.repeat.{choice.repeat}")
    reply.say_text(choice.tip["say"])
    if turn.conversation.hands_free:  # set by a hands-free routine's start (stretch.begin), for the whole session
        return reply
    turn.expect_answer(Question.ANOTHER_TIP, topic)
    return reply.say("tips.another").ask("tips.another_reprompt")


class InfoTopicHandler(TurnHandler):
    """What a herniated disc is, why spasms happen, massage, medicines, heat or ice: one topic per intent."""

    def accepts(self, turn: Turn) -> bool:
        return any(t["intent"] == turn.intent for t in turn.content.document("topics")["topics"])

    def act(self, turn: Turn) -> Reply:
        topic = next(t for t in turn.content.document("topics")["topics"] if t["intent"] == turn.intent)
        reply = turn.reply()
        for sentence in topic["say"]:
            reply.say_text(sentence)
        reply.say_text(topic["follow_up"])
        return reply.ask("menu.reprompt")


class WarningSignsHandler(TurnHandler):
    """Reads the signs; informational, so it never sets a triage tier."""

    intents = ("WarningSignsIntent",)

    def act(self, turn: Turn) -> Reply:
        return read_signs(turn, "emergency")


def read_signs(turn: Turn, tier: str) -> Reply:
    reply = turn.reply().say(f"signs.{tier}")
    following = SIGN_TIERS.index(tier) + 1
    if following < len(SIGN_TIERS):
        turn.expect_answer(Question.MORE_SIGNS, SIGN_TIERS[following])
        return reply.say(f"signs.offer.{SIGN_TIERS[following]}").ask(f"signs.offer.{SIGN_TIERS[following]}")
    return reply.say("signs.end").ask("menu.reprompt")


def learn_answers(rng: random.Random) -> dict[Question, Answer]:
    def another_tip(turn: Turn, yes: bool) -> Reply:
        if yes:
            topic = turn.asked.arg if isinstance(turn.asked.arg, str) else None
            return tell_tip(turn, topic, rng)
        return turn.reply().say("menu.what_else").ask("menu.reprompt")

    def more_signs(turn: Turn, yes: bool) -> Reply:
        if yes and turn.asked.arg in SIGN_TIERS:
            return read_signs(turn, turn.asked.arg)
        return turn.reply().say("menu.what_else").ask("menu.reprompt")

    return {Question.ANOTHER_TIP: another_tip, Question.MORE_SIGNS: more_signs}
