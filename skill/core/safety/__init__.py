"""Red-flag detection, pure (no ask-sdk): `text` (the normaliser triage and the offline resolver share), `triage`
(the rule engine over locale/<lang>/red_flags.json) and `learned` (the raise-only second opinion, models/).
skill/alexa/safety/ answers what this finds. Nothing is imported here: the engine loads with the first words."""
