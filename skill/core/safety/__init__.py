"""Red-flag detection, pure (no ask-sdk): `triage` (the rule engine over locale/<lang>/red_flags.json, reading text
through skill.core.text.fold) and `learned` (the raise-only second opinion, models/).
skill/alexa/safety/ answers what this finds. Nothing is imported here: the engine loads with the first words."""
