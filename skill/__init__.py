"""Spine Coach: a voice coach for muscle spasms from a herniated disc."""
