"""Scenario files: txtar archives with a transcript, run against a fresh lab host."""
