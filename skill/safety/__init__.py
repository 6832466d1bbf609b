"""The red-flag path, in one place.

- `text`: the one text normaliser triage and the offline resolver share (apostrophes, case, accents).
- `triage`: detection, a small rule engine over `locale/<lang>/red_flags.json` (pure: no ask-sdk).
- `screening`: the request interceptor that screens every slot value, in every state, before dispatch.
- `answers`: the answer policy. The triage handler (first in the chain) speaks every tier, the symptom intent
  that raised none, and the fallback's safety net; emergency and urgent answers depend on no store or API call.

Nothing is imported here: the engine loads with the first words there are to screen, not at a cold start.
"""
