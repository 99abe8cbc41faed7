"""Several lab hosts on one network (scenario.toml ``hosts = ["kvm1", "kvm2", "nfs1"]``).

Each host is the profile's default host with its own hostname, kernel, processes, audit
log, libvirt daemon and MCS allocations. They share the scenario's one seed (each host's
random source is derived from it and the host's name, so adding a host does not change
another's draws) and one virtual clock: after every command line, on whichever host it
ran, every host's clock stands at the latest time any of them reached.

A single-host scenario never builds a network: its host is ``simulator.Host()`` as before.
"""

from __future__ import annotations

import hashlib
import re

import attrs

from simulator.host import Host
from simulator.kernel.clock import BOOT_TIME, CLOCK_START
from simulator.nfs import NfsService
from simulator.system.profile import HostProfile
from simulator.system.profiles import DEFAULT_PROFILE, get_profile

# hostname(7): labels of letters, digits and hyphens, not starting or ending with a hyphen.
_HOSTNAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*")
MAX_HOSTS = 8


def valid_hostname(name: str) -> bool:
    return len(name) <= 253 and _HOSTNAME.fullmatch(name) is not None


def host_seed(seed: int, name: str) -> int:
    """The seed of host ``name``'s random source: a digest of the scenario's seed and name."""
    digest = hashlib.sha256(f"{seed}\0{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def profile_named(profile: HostProfile, name: str) -> HostProfile:
    """The profile with another hostname (``/etc/hostname``, prompts, journal lines)."""
    files = tuple(
        attrs.evolve(f, content=name + "\n") if f.path == "/etc/hostname" else f
        for f in profile.files
    )
    return attrs.evolve(profile, hostname=name, files=files)


class Network:
    """The scenario's hosts by name, in the order ``hosts`` lists them."""

    def __init__(
        self,
        names: tuple[str, ...],
        *,
        seed: int = 0,
        clock: int = CLOCK_START,
        boot_time: int = BOOT_TIME,
        profile: str | HostProfile = DEFAULT_PROFILE,
    ) -> None:
        base = get_profile(profile) if isinstance(profile, str) else profile
        self.hosts: dict[str, Host] = {}
        for name in names:
            host = Host(
                seed=host_seed(seed, name),
                clock=clock,
                boot_time=boot_time,
                profile=profile_named(base, name),
            )
            host.network = self
            self.hosts[name] = host
        self.nfs = NfsService(self)
        for host in self.hosts.values():
            host.kernel.nfs_exports = self.nfs

    @property
    def first(self) -> Host:
        return next(iter(self.hosts.values()))

    def resolve(self, name: str) -> Host | None:
        """The host ``name`` (short name or one with a domain: ``kvm2.example.com``)."""
        host = self.hosts.get(name)
        if host is None and "." in name:
            host = self.hosts.get(name.split(".", 1)[0])
        return host

    def sync_clocks(self) -> None:
        """One clock: every host moves on to the latest time any host has reached."""
        now = max(host.kernel.clock.now for host in self.hosts.values())
        for host in self.hosts.values():
            host.kernel.clock.now = now
