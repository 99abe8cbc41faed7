"""The host profiles the lab can build, by name."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from simulator.errors import InvalidArgument
from simulator.system.profile import HostProfile

DEFAULT_PROFILE = "ol9"


class _Profiles(Mapping[str, HostProfile]):
    """Profile name -> profile; a profile's module is loaded the first time it is asked for,
    so a run on ``ol9`` does not build ``ol8``."""

    def __init__(self, modules: dict[str, str]) -> None:
        self._modules = modules
        self._loaded: dict[str, HostProfile] = {}

    def __getitem__(self, name: str) -> HostProfile:
        profile = self._loaded.get(name)
        if profile is None:
            module = self._modules[name]  # KeyError: no such profile
            profile = self._loaded[name] = importlib.import_module(module).PROFILE
        return profile

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


PROFILES: Mapping[str, HostProfile] = _Profiles(
    {"ol9": "simulator.system.profiles.ol9", "ol8": "simulator.system.profiles.ol8"}
)


def get_profile(name: str) -> HostProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidArgument(
            f"unknown host profile {name!r}; one of: {', '.join(sorted(PROFILES))}"
        ) from None
