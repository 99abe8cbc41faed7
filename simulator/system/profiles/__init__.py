"""The host profiles the lab can build, by name."""

from __future__ import annotations

from simulator.errors import InvalidArgument
from simulator.system.profile import HostProfile
from simulator.system.profiles.ol8 import PROFILE as OL8
from simulator.system.profiles.ol9 import PROFILE as OL9

DEFAULT_PROFILE = "ol9"
PROFILES: dict[str, HostProfile] = {OL9.name: OL9, OL8.name: OL8}


def get_profile(name: str) -> HostProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidArgument(
            f"unknown host profile {name!r}; one of: {', '.join(sorted(PROFILES))}"
        ) from None
