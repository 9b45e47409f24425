"""Whole-pipeline commands: run everything, demo, replay, tail."""
