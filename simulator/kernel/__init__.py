"""The simulated kernel: inodes, xattrs, mounts, namespaces, processes, clock, faults."""

from simulator.kernel.calls_files import OpenFile, StatResult
from simulator.kernel.inode import DeviceNumber, ImageInfo, Inode, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.mounts import Location
from simulator.kernel.process import Credentials, Process
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
