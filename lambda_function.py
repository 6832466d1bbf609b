"""AWS Lambda entry point: the same skill every other entry point builds."""

import os

from skill.app import build_skill_builder
from skill.request_log import configure_json_logging

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # CloudWatch gets JSON lines; imported elsewhere, leave logging be
    configure_json_logging()

lambda_handler = build_skill_builder().lambda_handler()
