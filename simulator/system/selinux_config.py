"""``/etc/selinux/config`` as libselinux reads it."""

from __future__ import annotations

import attrs

CONFIG_PATH = "/etc/selinux/config"
AUTORELABEL_PATH = "/.autorelabel"
MODES = ("enforcing", "permissive", "disabled")


@attrs.frozen(repr=False, eq=False)
class SelinuxConfig:
    """``SELINUX=`` (None: no line names a mode) and ``SELINUXTYPE=`` (None: no line)."""

    mode: str | None
    policy_type: str | None


def parse_config(text: str) -> SelinuxConfig:
    """libselinux ``selinux_getenforcemode``: the first line starting ``SELINUX=`` whose value
    (after blanks) begins with a mode, ignoring case, decides; ``init_selinux_config``
    takes the last ``SELINUXTYPE=`` line (blanks around it and the tag's case ignored)."""
    mode: str | None = None
    policy_type: str | None = None
    for line in text.splitlines():
        if mode is None and line.startswith("SELINUX="):
            value = line[len("SELINUX=") :].lstrip().lower()
            mode = next((m for m in MODES if value.startswith(m)), None)
        stripped = line.lstrip()
        if stripped[: len("SELINUXTYPE=")].upper() == "SELINUXTYPE=":
            policy_type = stripped[len("SELINUXTYPE=") :].strip() or None
    return SelinuxConfig(mode, policy_type)
