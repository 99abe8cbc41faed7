"""Boot and reboot, driven by the profile's tables (no path or pid of their own).

A reboot ends every process the boot does not bring back, empties every tmpfs the profile
mounts (``/run``, ``/dev/shm``), recreates the runtime directories, loads SELinux in the
mode ``/etc/selinux/config`` names (a ``setenforce`` does not survive it), and starts the
services in the table's order. What the lab cannot boot it refuses before changing
anything: ``SELINUX=disabled`` (and back, with the relabel ``/.autorelabel`` asks for),
another policy type, or a filesystem mounted by hand on a tmpfs the boot empties.
"""

from __future__ import annotations

from collections.abc import Mapping

from simulator.errors import NotModelled
from simulator.kernel.inode import Inode, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.mounts import Location
from simulator.system.install import host_builder, make_runtime_dirs
from simulator.system.profile import HostProfile
from simulator.system.selinux_config import (
    AUTORELABEL_PATH,
    CONFIG_PATH,
    SelinuxConfig,
    parse_config,
)

POLICY_TYPE = "targeted"  # the one policy the lab has


def _find(kernel: Kernel, profile: HostProfile, path: str) -> Inode | None:
    """The inode at ``path`` in the host namespace, as the boot reads it (no permission
    checks, symlinks not followed)."""
    loc = kernel.ns_root(profile.host_ns_id)
    for part in (p for p in path.split("/") if p):
        ino = kernel.inode_at(loc).child(part)
        if ino is None:
            return None
        loc = kernel.cross_mounts(Location(loc.mount_id, ino))
    return kernel.inode_at(loc)


def read_selinux_config(kernel: Kernel, profile: HostProfile) -> SelinuxConfig:
    inode = _find(kernel, profile, CONFIG_PATH)
    if inode is None or inode.kind is not Kind.REGULAR:
        return SelinuxConfig(None, None)
    return parse_config(inode.data.decode(errors="replace"))


def check_bootable(kernel: Kernel, profile: HostProfile) -> SelinuxConfig:
    """The SELinux configuration the next boot applies; NotModelled if the lab cannot boot."""
    config = read_selinux_config(kernel, profile)
    if config.mode in (None, "disabled"):
        # libselinux: no valid SELINUX= line leaves SELinux disabled at boot.
        raise NotModelled(f"booting with SELinux disabled ({CONFIG_PATH} SELINUX=)")
    if config.policy_type not in (None, POLICY_TYPE):
        raise NotModelled(f"policy type {config.policy_type!r} ({CONFIG_PATH} SELINUXTYPE=)")
    if _find(kernel, profile, AUTORELABEL_PATH) is not None:
        raise NotModelled(f"the relabel at boot that {AUTORELABEL_PATH} asks for")
    # Namespaces of processes that end at the reboot go with them; the boot's own stay.
    kept = {kernel.process(entry.pid).ns_id for entry in profile.processes}
    tmpfs = _tmpfs_ids(kernel, profile)
    for mount in (m for m in kernel.mounts.values() if m.ns_id in kept):
        parent = None if mount.parent_id is None else kernel.mounts[mount.parent_id]
        on_tmpfs = parent is not None and parent.fs_id in tmpfs
        inside_tmpfs = mount.fs_id in tmpfs and mount.root_ino != kernel.fs_at(mount.root).root_ino
        if on_tmpfs or inside_tmpfs:
            raise NotModelled("a reboot with a filesystem mounted by hand on a tmpfs")
    return config


def _tmpfs_ids(kernel: Kernel, profile: HostProfile) -> list[int]:
    builder = host_builder(kernel, profile)
    return [
        kernel.fs_at(builder.lookup(m.path)).fs_id for m in profile.mounts if m.fstype == "tmpfs"
    ]


def empty_tmpfs(kernel: Kernel, profile: HostProfile) -> None:
    """Every tmpfs the profile mounts comes back empty, numbering its inodes afresh."""
    builder = host_builder(kernel, profile)
    for spec in profile.mounts:
        if spec.fstype != "tmpfs":
            continue
        fs = kernel.fs_at(builder.lookup(spec.path))
        root = fs.root
        fs.inodes = {root.ino: root}
        root.entries = {}
        fs.names_changed()
        root.nlink = 2
        root.mtime = root.ctime = root.atime = kernel.clock.boot_time
        fs.next_ino = spec.first_ino


def reboot_kernel(
    kernel: Kernel,
    profile: HostProfile,
    config: SelinuxConfig,
    persistent_booleans: Mapping[str, bool],
) -> None:
    """Everything of a reboot up to the services: processes, clock, tmpfs, SELinux mode and
    booleans (the policy's defaults, as the store's ``setsebool -P`` settings change them)."""
    boot_pids = {entry.pid for entry in profile.processes}
    for pid in sorted(kernel.processes):
        if pid not in boot_pids:
            kernel.exit(pid)
    kernel.clock.reboot()
    empty_tmpfs(kernel, profile)
    make_runtime_dirs(kernel, profile)
    lsm = kernel.security
    if isinstance(lsm, SelinuxLsm):
        lsm.setenforce(config.mode == "enforcing")
        for name, boolean in sorted(lsm.selinux.policy.booleans.items()):
            value = persistent_booleans.get(name, boolean.default)
            if lsm.selinux.booleans.get(name) != value:
                lsm.set_boolean(name, value)
    for entry in profile.processes:
        kernel.process(entry.pid).cwd = entry.cwd
