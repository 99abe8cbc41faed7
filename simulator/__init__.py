"""seclab: a deterministic, in-memory lab of libvirt's SELinux and DAC labelling."""

from simulator.__about__ import __version__
from simulator.errors import SeclabError
from simulator.host import Host

__all__ = ["Host", "SeclabError", "__version__"]
