"""The installed system (layer 3, beside ``libvirt/``): host profiles as tables, the
installer that lays them on a kernel, boot and reboot, and userspace state."""

from simulator.system.profile import HostProfile
from simulator.system.profiles import DEFAULT_PROFILE, PROFILES, get_profile
from simulator.system.userspace import Userspace

__all__ = ["DEFAULT_PROFILE", "PROFILES", "HostProfile", "Userspace", "get_profile"]
