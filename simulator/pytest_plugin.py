"""seclab's pytest plugin (entry point ``pytest11``).

Kept import-light: pytest loads it in every run of an environment where seclab is
installed. Scenario collection arrives with the scenario engine.
"""

from __future__ import annotations
