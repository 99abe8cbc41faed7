"""virtqemud, under the name of the lab's first layout: the daemon is
:class:`simulator.libvirt.qemu_driver.Daemon`; starting and stopping qemu is
:mod:`~simulator.libvirt.qemu_process`, hot-plug :mod:`~simulator.libvirt.qemu_hotplug`, the
status file :mod:`~simulator.libvirt.domain_status`. These names stay for old imports.
"""

from simulator.libvirt.qemu_driver import (
    CONFIG_PATH,
    DAEMON_ARGV,
    DAEMON_CONTEXT,
    DEFAULT_SHUTDOWN_DELAY,
    DEFINITIONS,
    STATUS,
    STEPS,
    Daemon,
    DaemonCrashed,
    Domain,
    StorageRefusal,
)

__all__ = [
    "CONFIG_PATH",
    "DAEMON_ARGV",
    "DAEMON_CONTEXT",
    "DEFAULT_SHUTDOWN_DELAY",
    "DEFINITIONS",
    "STATUS",
    "STEPS",
    "Daemon",
    "DaemonCrashed",
    "Domain",
    "StorageRefusal",
]
