"""The local console (`python -m skill console`): a page to talk to the skill offline, see what an Echo Show
would show, follow a routine live, step through replays, and read a caregiver's week. An entry point like
skill.web and skill.local, and the one place allowed to use both (tests/test_layers.py)."""
