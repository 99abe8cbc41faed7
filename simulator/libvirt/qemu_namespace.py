"""Per-domain mount namespaces (``src/qemu/qemu_namespace.c``): a private ``/dev`` tmpfs
holding copies of the device nodes the domain uses, everything else shared with the host.
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel.calls_files import StatResult
from simulator.kernel.inode import SELINUX_XATTR, Kind
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.libvirt.domain_status import STATUS
from simulator.libvirt.domain_xml import Disk, DomainDef
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.storage import disk_chain
from simulator.libvirt.virerror import system_error

if TYPE_CHECKING:
    from simulator.libvirt.qemu_driver import Daemon

DEV_SUBMOUNTS = ("/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/hugepages")
MAX_HOPS = 40


def unshare_dev(kernel: Kernel, child: Process, preserved: str, dev_label: str | None) -> None:
    """``qemuDomainUnshareNamespace``: a new mount namespace with a fresh tmpfs ``/dev``.

    The submounts of ``/dev`` are moved into the new tmpfs, the old ``/dev`` is detached,
    and the tmpfs is moved onto ``/dev`` (``qemuDomainSetupDev``).
    """
    kernel.unshare_mount_namespace(child)
    try:
        kernel.mkdir(child, preserved, 0o755)
    except OSError as error:
        if error.errno != errno.EEXIST:
            raise system_error(error.errno or 0, f"Failed to create {preserved}") from None
    kernel.mount(child, "devfs", preserved, "tmpfs", ("mode=755", "size=65536"))
    if dev_label is not None:
        kernel.setfilecon(child, preserved, dev_label)
    for submount in DEV_SUBMOUNTS:
        inside = preserved + submount[len("/dev") :]
        kernel.mkdir(child, inside, 0o755)
        try:
            kernel.move_mount(child, submount, inside)
        except OSError:
            kernel.rmdir(child, inside)
    kernel.umount(child, "/dev")
    kernel.move_mount(child, preserved, "/dev")
    kernel.rmdir(child, preserved)


@attrs.frozen(repr=False, eq=False)
class MknodItem:
    """``qemuNamespaceMknodItem``: a ``/dev`` path as the daemon found it on the host."""

    path: str
    st: StatResult
    target: str | None  # a symlink's target, made absolute against the link's directory
    label: bytes | None  # lgetfilecon_raw (None: ENODATA or no xattr support)


def prepare_items(kernel: Kernel, host_view: Process, paths: list[str]) -> list[MknodItem]:
    """``qemuNamespacePrepareOneItem`` for each path: every hop of a symlink chain is looked
    at (``qemuNamespaceMknodItemInit``: ``lstat``, ``readlink``, ``lgetfilecon_raw``); the
    ones under ``/dev`` (not under its submounts) are kept, once each."""
    items: dict[str, MknodItem] = {}
    for start in paths:
        path = start
        for _ in range(MAX_HOPS):
            item = _item(kernel, host_view, path)
            if item is None:
                break  # ENOENT: nothing to make (qemuNamespaceMknodItemInit returns -2)
            if path.startswith("/dev/") and not path.startswith(DEV_SUBMOUNTS):
                items.setdefault(path, item)
            if item.target is None:
                break
            path = item.target
    return list(items.values())


def _item(kernel: Kernel, host_view: Process, path: str) -> MknodItem | None:
    # libvirt: qemuNamespaceMknodItemInit
    try:
        st = kernel.lstat(host_view, path)
    except OSError as error:
        if error.errno == errno.ENOENT:
            return None
        raise system_error(error.errno or 0, f"Unable to access {path}") from None
    target = None
    if st.kind is Kind.SYMLINK:
        target = kernel.readlink(host_view, path)
        if not target.startswith("/"):
            # the link's directory (up to its last "/") and the target, not normalised:
            # /dev/zvol/pool/vm -> ../../zd0 is /dev/zvol/pool/../../zd0
            target = path[: path.rfind("/") + 1] + target
    try:
        label: bytes | None = kernel.getxattr(host_view, path, SELINUX_XATTR, follow=False)
    except OSError as error:
        if error.errno not in (errno.EOPNOTSUPP, errno.ENODATA):
            raise system_error(
                error.errno or 0, f"Unable to get SELinux label from {path}"
            ) from None
        label = None
    return MknodItem(path, st, target, label)


def mknod_paths(kernel: Kernel, child: Process, items: list[MknodItem]) -> None:
    """``qemuNamespaceMknodHelper``, in the domain's namespace: each node made as the host
    has it (owner, mode, SELinux label; never libvirt's xattrs).

    ``qemuNamespaceMknodOne`` skips only the ``mknod``/``symlink`` of a node that already
    exists with the right major:minor (or target); ``lchown``, ``chmod`` and
    ``lsetfilecon_raw`` with the host node's values run every time. So a node left labelled
    by a detach whose restore failed is put back to the host's label, while any
    ``trusted.libvirt.security.*`` xattrs it kept stay on it.
    """
    for item in items:
        path, st = item.path, item.st
        if not (st.kind is Kind.SYMLINK or st.kind.is_device):
            continue  # regular files and directories in /dev would be bind-mounted
        # virFileExists (what decides whether the helper reports the node as new)
        try:  # noqa: SIM105 - a with-statement costs three calls per node
            kernel.access(child, path, 0)
        except OSError:
            pass
        _make_parents(kernel, child, path)
        if item.target is not None:
            _make_symlink(kernel, child, path, item.target)
        else:
            _make_node(kernel, child, path, st)
        try:
            kernel.chown(child, path, st.st_uid, st.st_gid, follow=False)
        except OSError as error:
            raise system_error(error.errno or 0, f"Failed to chown device {path}") from None
        if st.kind is not Kind.SYMLINK:  # "Symlinks don't have mode"
            try:
                kernel.chmod(child, path, st.mode)
            except OSError as error:
                raise system_error(
                    error.errno or 0, f"Failed to set permissions for device {path}"
                ) from None
        if item.label is None:
            continue
        try:
            kernel.setxattr(child, path, SELINUX_XATTR, item.label, follow=False)
        except OSError as error:
            if error.errno != errno.EOPNOTSUPP:
                raise system_error(
                    error.errno or 0, f"Unable to set SELinux label on {path}"
                ) from None


def _make_symlink(kernel: Kernel, child: Process, path: str, target: str) -> None:
    """The symlink part of ``qemuNamespaceMknodOne``: kept when it already points right."""
    try:
        if kernel.readlink(child, path) == target:
            return
        kernel.unlink(child, path)
    except OSError:
        pass
    try:
        kernel.symlink(child, target, path)
    except OSError as error:
        raise system_error(
            error.errno or 0, f"Unable to create symlink {path} (pointing to {target})"
        ) from None


def _make_node(kernel: Kernel, child: Process, path: str, st: StatResult) -> None:
    """The device part of ``qemuNamespaceMknodOne``: a node with the same major:minor is
    kept ("Skipping dev ... which exists and has correct MAJ:MIN")."""
    try:
        if kernel.lstat(child, path).st_rdev == st.st_rdev:
            return
        kernel.unlink(child, path)
    except OSError:
        pass
    try:
        kernel.mknod(child, path, st.kind, st.mode, st.st_rdev)
    except OSError as error:
        raise system_error(error.errno or 0, f"Unable to create device {path}") from None


def _make_parents(kernel: Kernel, child: Process, path: str) -> None:
    """``virFileMakeParentPath``: every directory above ``path``, top down."""
    for directory in _parents(path):
        try:
            kernel.mkdir(child, directory, 0o755)
        except OSError as error:
            if error.errno != errno.EEXIST:
                raise system_error(error.errno or 0, f"Unable to create {directory}") from None


@functools.lru_cache(maxsize=1024)
def _parents(path: str) -> tuple[str, ...]:
    """The directories above ``path``, top down (``/dev/dri/card0``: ``/dev``, ``/dev/dri``):
    the same few device paths are made for every domain started."""
    parts = [p for p in posixpath.dirname(path).split("/") if p]
    return tuple("/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1))


def build_namespace(driver: Daemon, qemu: Process, live: DomainDef) -> HostAccess:
    """In the forked child: a private ``/dev`` holding the nodes of qemu.conf's
    ``cgroup_device_acl``, of every disk chain and of the character devices. Returns the
    daemon's access from inside the new namespace."""
    # libvirt: qemuDomainUnshareNamespace + qemuDomainBuildNamespace
    # (qemuNamespacePrepareDisk, qemuNamespacePrepareChardev, qemuNamespaceMknodPaths)
    host = driver.host
    selinux = live.seclabel("selinux")
    imagelabel = selinux.imagelabel if selinux is not None else None
    preserved = f"{STATUS}/{driver.next_id}-{live.name}.dev"
    unshare_dev(host, qemu, preserved, imagelabel)
    host_view = driver.ops().actor
    paths = list(driver.config.cgroup_device_acl)
    for disk in live.disks:
        paths.extend(s.path for s in disk_chain(driver.ops(), disk) if s.path)
    paths.extend(c.path for c in live.chardevs if c.path and c.mode != "bind")
    mknod_paths(host, qemu, prepare_items(host, host_view, paths))
    return driver.ops(qemu.ns_id)


def setup_disk(driver: Daemon, ops: HostAccess, disk: Disk) -> None:
    """A hot-plugged disk's ``/dev`` nodes, made in the running domain's namespace."""
    # libvirt: qemuDomainNamespaceSetupDisk -> qemuNamespaceMknodPaths
    host_view = driver.ops().actor
    paths = [s.path for s in disk_chain(driver.ops(), disk) if s.path]
    mknod_paths(driver.host, ops.actor, prepare_items(driver.host, host_view, paths))
