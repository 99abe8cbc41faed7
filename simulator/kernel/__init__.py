"""The simulated kernel: inodes, xattrs, mounts, namespaces, processes, clock, faults."""

from typing import TYPE_CHECKING

from simulator.kernel.calls_files import OpenFile, StatResult
from simulator.kernel.inode import DeviceNumber, ImageInfo, Inode, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.mounts import Location
from simulator.kernel.process import Credentials, Process

if TYPE_CHECKING:
    from simulator.kernel.snapshot import Snapshot

__all__ = [
    "Credentials",
    "DeviceNumber",
    "ImageInfo",
    "Inode",
    "Kernel",
    "Kind",
    "Location",
    "OpenFile",
    "Process",
    "Snapshot",
    "StatResult",
]


def __getattr__(name: str) -> object:
    # Only saving or loading a state needs the snapshot module (and its schema): a run
    # that does neither does not load them.
    if name == "Snapshot":
        from simulator.kernel.snapshot import Snapshot

        return Snapshot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
