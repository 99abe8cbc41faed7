"""Hypothesis profiles for the suite (engineering.md 3.3).

``ci`` (loaded by hypothesis itself when ``CI`` is set) is derandomized with no database;
here it also reports one clean failure. ``workshop`` is small and verbose, ``soak`` long.
Pick one with ``pytest --hypothesis-profile=NAME`` or ``SECLAB_HYPOTHESIS_PROFILE=NAME``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Verbosity, settings

settings.register_profile(
    "ci", settings.get_profile("ci"), report_multiple_bugs=False, deadline=None
)
settings.register_profile("workshop", max_examples=10, verbosity=Verbosity.verbose)
settings.register_profile(
    "soak",
    max_examples=1000,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if "SECLAB_HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["SECLAB_HYPOTHESIS_PROFILE"])
