"""Where the recording machine (Debian 12: coreutils 9.1, grep 3.8, debianutils which) prints
differently from RHEL 9 (coreutils 8.32, grep 3.6, GNU which 2.21), the RHEL 9 text, with the
reason. tools/record-differential stores these in the corpus beside what it recorded."""

from __future__ import annotations

OVERRIDES: dict[str, dict[str, object]] = {}
