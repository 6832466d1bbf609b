"""The caregiver's view (`/progress?user=ID`): a person's week as the store has it, with a small chart drawn here
as SVG, so the page needs no script and no library.

It reads the profile the skill itself reads (skill.local.progress_store.read_profile), from the store the offline
runner uses, and shows only what the profile keeps: the days routines were finished (counted by UTC day, as the
skill counts "sessions this week"), the days heat sessions started (a row of counts under the bars, each a text
label, and the week's total), a routine left part way, the last heat session and how many tips have been heard.
The profile holds nothing medical (skill/core/profile.py), so nothing medical can reach this page. Every label is
in skill/locale/*/caregiver.json.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.core.content import load_document, resolve_locale
from skill.core.routines import load_routines
from skill.local.progress_store import read_profile
from skill.local.session import local_user_id

DAYS = 7  # the skill's week: today and the six days before it
BAR_WIDTH, BAR_GAP, CHART_HEIGHT, COUNT_SPACE, LABEL_SPACE = 40, 22, 120, 26, 30
HEAT_ROW_SPACE, HEAT_MARK_WIDTH, HEAT_MARK_HEIGHT = 62, 30, 22  # the row of heat sessions under the weekdays


@dataclass(frozen=True)
class Week:
    user: str
    days: tuple[tuple[date, int], ...]  # oldest first, today last
    finished: int
    heat_days: tuple[tuple[date, int], ...]  # heat sessions started each day (cancelled ones too), the same days
    heat_sessions: int
    left_part_way: tuple[str, int, int | None] | None  # routine name, 1-based step, steps
    last_heat: tuple[date, int, int | None] | None  # day it started, minutes of heat, minutes left if running
    tips_heard: int
    tips_total: int


def read_week(store: AbstractPersistenceAdapter, user: str, now: float, locale: str) -> Week:
    """`user` as the console and `talk --user` name them ("dad"), or a full Alexa user id."""
    user_id = user if user.startswith("amzn1.ask.account.") else local_user_id(user)
    profile = read_profile(store, user_id)
    locale = resolve_locale(locale)
    today = datetime.fromtimestamp(now, timezone.utc).date()  # the skill's own day (skill.alexa.turn)
    week = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    days = tuple((day, profile.completed.count(day.isoformat())) for day in week)
    heat_days = tuple((day, profile.heat_started.count(day.isoformat())) for day in week)
    left = None
    if profile.unfinished:
        routine = load_routines(locale).get(profile.unfinished["routine"])
        left = (routine.name if routine else profile.unfinished["routine"], profile.unfinished["step"] + 1,
                len(routine.steps) if routine else None)
    heat = None
    if profile.heat:
        remaining = profile.heat.remaining(now)
        minutes = round(profile.heat.heated_seconds / 60)
        heat = (datetime.fromtimestamp(profile.heat.started_at, timezone.utc).date(), max(0, minutes),
                -(-int(remaining) // 60) if remaining > 0 else None)
    tips = load_document(locale, "tips")["tips"]
    known = {tip["id"] for tip in tips}
    return Week(user=user, days=days, finished=profile.sessions_in_week_to(today), heat_days=heat_days,
                heat_sessions=profile.heat_sessions_in_week_to(today), left_part_way=left, last_heat=heat,
                tips_heard=len(set(profile.tips_heard) & known), tips_total=len(tips))


def chart_svg(week: Week, labels: Mapping[str, Any]) -> str:
    """One bar per day, its count above it and the weekday below; today's bar marked. Under the weekdays, a
    captioned row with each day's heat sessions as a number (a second series of bars would be hard to tell apart
    from the first at this size, and a number reads the same in any colour)."""
    top = max([count for _, count in week.days] + [3])
    width = DAYS * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    base = COUNT_SPACE + CHART_HEIGHT  # where the bars stand
    bars = []
    for index, (day, count) in enumerate(week.days):
        x = BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        middle = f"{x + BAR_WIDTH / 2:g}"
        bar = round(CHART_HEIGHT * count / top) if count else 2  # a sliver marks a day with none
        today = index == len(week.days) - 1
        title = labels["chart_day"].format(count=count, day=day.strftime("%a %d %b"))
        bars.append(
            f'<g class="day{" today" if today else ""}" data-day="{day.isoformat()}" data-count="{count}">'
            f'<title>{html.escape(title)}</title>'
            f'<rect x="{x}" y="{base - bar}" width="{BAR_WIDTH}" height="{bar}" rx="4"/>'
            f'<text class="count" x="{middle}" y="{base - bar - 6}" text-anchor="middle">{count}</text>'
            f'<text class="weekday" x="{middle}" y="{base + 20}" text-anchor="middle">'
            f'{html.escape(day.strftime("%a"))}</text></g>')
    heat_top = base + LABEL_SPACE + 26  # the caption's line, then the marks
    heat = [f'<text class="heat-caption" x="{BAR_GAP / 2:g}" y="{heat_top - 8}">'
            f'{html.escape(labels["heat_row"])}</text>']
    for index, (day, count) in enumerate(week.heat_days):
        middle = BAR_GAP + index * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH / 2
        title = labels["heat_day"].format(count=count, day=day.strftime("%a %d %b"))
        heat.append(
            f'<g class="heat-day{"" if count else " none"}" data-day="{day.isoformat()}" data-count="{count}">'
            f'<title>{html.escape(title)}</title>'
            f'<rect x="{middle - HEAT_MARK_WIDTH / 2:g}" y="{heat_top + 4}" width="{HEAT_MARK_WIDTH}" '
            f'height="{HEAT_MARK_HEIGHT}" rx="11"/>'
            f'<text class="heat-count" x="{middle:g}" y="{heat_top + 20}" text-anchor="middle">{count}</text></g>')
    height = base + LABEL_SPACE + HEAT_ROW_SPACE
    described = f'{labels["chart_title"]}; {labels["heat_row"]}'
    return (f'<svg class="week-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{html.escape(described)}">'
            f'<line class="axis" x1="{BAR_GAP / 2:g}" x2="{width - BAR_GAP / 2:g}" y1="{base}" y2="{base}"/>'
            f'{"".join(bars)}{"".join(heat)}</svg>')


def progress_page(week: Week, locale: str) -> str:
    labels = load_document(resolve_locale(locale), "caregiver")
    left = (labels["left_part_way_at"].format(routine=week.left_part_way[0], step=week.left_part_way[1],
                                               steps=week.left_part_way[2] or "?")
            if week.left_part_way else labels["left_part_way_none"])
    if week.last_heat is None:
        heat = labels["heat_none"]
    elif week.last_heat[2] is not None:
        heat = labels["heat_running"].format(minutes=week.last_heat[2])
    else:
        heat = labels["heat_on"].format(day=week.last_heat[0].strftime("%a %d %b"), minutes=week.last_heat[1])
    rows = [("finished", labels["finished"], str(week.finished)),
            ("heat-sessions", labels["heat_week"], str(week.heat_sessions)),
            ("left-part-way", labels["left_part_way"], left),
            ("last-heat", labels["heat_last"], heat),
            ("tips", labels["tips"], labels["tips_count"].format(heard=week.tips_heard, total=week.tips_total))]
    facts = "".join(f'<div class="fact" data-fact="{key}"><dt>{html.escape(label)}</dt>'
                    f'<dd>{html.escape(value)}</dd></div>' for key, label, value in rows)
    title = labels["title"].format(user=week.user)
    return f"""<!doctype html>
<html lang="{html.escape(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body class="caregiver">
<main>
<h1>{html.escape(title)}</h1>
<section class="card">
<h2>{html.escape(labels["chart_title"])}</h2>
{chart_svg(week, labels)}
</section>
<section class="card"><dl class="facts">{facts}</dl></section>
<p class="kept">{html.escape(labels["kept"])}</p>
<p><a href="/">{html.escape(labels["back"])}</a></p>
</main>
</body>
</html>
"""
