"""AWS Lambda entry point: the same skill every other entry point builds."""

from skill.app import build_skill_builder

lambda_handler = build_skill_builder().lambda_handler()
