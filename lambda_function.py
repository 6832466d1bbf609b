"""AWS Lambda entry point: the same skill every other entry point builds."""

import os

from skill.alexa.app import build_skill_builder, lambda_handler_for
from skill.alexa.request_log import configure_json_logging

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # CloudWatch gets JSON lines; imported elsewhere, leave logging be
    configure_json_logging()

builder = build_skill_builder()
# Alexa's trigger already admits only our skill; ask-sdk checks the application id again (one id only).
builder.skill_id = os.environ.get("SPINE_COACH_SKILL_IDS", "").strip() or None
lambda_handler = lambda_handler_for(builder.create())
