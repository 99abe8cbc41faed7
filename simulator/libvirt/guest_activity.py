"""What running guests do as the virtual clock moves, and how libvirt hears of it: a guest
asked to power off does so when its delay is up (QEMU's ``SHUTDOWN`` event,
``qemuProcessHandleShutdown``), and a guest reads and writes its disks, which the kernel
rechecks; a failure QEMU reports with ``werror=stop`` pauses the domain
(``qemuProcessHandleIOError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.calls_files import OpenFile
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import SELINUX_XATTR
from simulator.kernel.process import Process
from simulator.libvirt import qemu_process
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import DaemonCrashed
from simulator.system import libselinux

if TYPE_CHECKING:
    from simulator.libvirt.qemu_driver import Daemon


class GuestActivity:
    """The running guests' timers and the files their qemu holds open for disk I/O.

    A clock tick costs what the guests have to do, not how many guests run: only guests
    asked to power off are looked at for it, and only guests whose disk accesses may be
    decided anew do their I/O. Every other guest's last access was granted silently under
    the same decisions and labels, so asking again would change nothing. A guest is looked
    at again when it starts, resumes or has a disk plugged, when the decisions change
    (policy, booleans, mode: every guest), or when the kernel reports one of its open files
    relabelled (``relabels``). The guests a tick looks at are taken in the domain list's
    order, as a walk over every domain would take them, so audit records come out in the
    same order."""

    def __init__(self, driver: Daemon) -> None:
        self.driver = driver
        # The files each qemu holds open for its guest's disk I/O, by pid and target: qemu's
        # state, so it outlives a daemon restart (the new daemon reconnects to the same qemu).
        self.files: dict[int, dict[str, OpenFile]] = {}
        # QEMU's io-status of each disk that failed with ``werror=stop`` (query-block's
        # "io-status": "failed"), by qemu pid and target; ``cont`` resets it.
        self.io_status: dict[int, dict[str, str]] = {}
        # Guest disk accesses last granted silently, by qemu pid and target: see guest_io.
        self.granted: dict[int, dict[str, tuple[object, ...]]] = {}
        # Which (qemu pid, target) hold each (filesystem, inode) open, and the reverse, noted
        # at the open: the mount a handle came through goes away with qemu.
        self.holders: dict[tuple[int, int], set[tuple[int, str]]] = {}
        self.held: dict[tuple[int, str], tuple[int, int]] = {}
        # The guests to look at on the next tick, and those asked to power off, by name.
        self.pending_io: dict[str, Domain] = {}
        self.pending_shutdown: dict[str, Domain] = {}
        self.generation_seen: object = None
        self.relabels_seen = driver.host.relabels

    # -- what the daemon tells it --------------------------------------------------------------

    def reset(self) -> None:
        """A new daemon: it knows of no guest until it reconnects to them."""
        self.pending_io.clear()
        self.pending_shutdown.clear()

    def opened(self, domain: Domain, target: str, handle: OpenFile) -> None:
        """qemu opened a disk for the guest (at start, or a hot-plug)."""
        pid = domain.pid
        assert pid is not None
        self.files.setdefault(pid, {})[target] = handle
        key = (self.driver.host.fs_at(handle.location).fs_id, handle.location.ino)
        self._forget_holder(pid, target)
        self.held[(pid, target)] = key
        self.holders.setdefault(key, set()).add((pid, target))
        self.pending_io[domain.name] = domain

    def closed(self, domain: Domain, target: str) -> None:
        """A disk was unplugged: qemu closes it."""
        pid = domain.pid or -1
        self.files.get(pid, {}).pop(target, None)
        self.io_status.get(pid, {}).pop(target, None)
        self._forget_holder(pid, target)
        self.pending_io[domain.name] = domain

    def started(self, domain: Domain) -> None:
        """A domain runs (started, or reconnected to)."""
        self.pending_io[domain.name] = domain

    def shutdown_requested(self, domain: Domain) -> None:
        """The guest was asked to power off (``domain.shutdown_at`` is when)."""
        self.pending_shutdown[domain.name] = domain

    def resumed(self, domain: Domain) -> None:
        """The guest's vCPUs run again: QEMU retries the requests that failed at once."""
        self.io_status.pop(domain.pid or -1, None)  # qemu: qmp_cont -> blk_iostatus_reset
        self.pending_io[domain.name] = domain
        if self.guest_io(domain):
            self.pending_io.pop(domain.name, None)

    def stopped(self, domain: Domain) -> None:
        """A domain's qemu is gone: its files are closed."""
        pid = domain.pid or -1
        for target in self.files.pop(pid, {}):
            self._forget_holder(pid, target)
        self.granted.pop(pid, None)
        self.io_status.pop(pid, None)

    def disk_errors(self, domain: Domain) -> list[tuple[str, str]]:
        """(target, error) of each disk whose io-status is not ok, in the definition's
        order, as QEMU reports them now (a restarted daemon asks the same qemu)."""
        # libvirt: qemuDomainGetDiskErrors (qemuMonitorGetBlockInfo, io_status)
        status = self.io_status.get(domain.pid or -1, {})
        if domain.live is None or not status:
            return []
        return [(d.target, status[d.target]) for d in domain.live.disks if d.target in status]

    def _forget_holder(self, pid: int, target: str) -> None:
        key = self.held.pop((pid, target), None)
        if key is None:
            return
        holders = self.holders.get(key)
        if holders is not None:
            holders.discard((pid, target))
            if not holders:
                del self.holders[key]

    # -- the clock -----------------------------------------------------------------------------

    def run(self) -> None:
        """The virtual clock moved: guests whose power-off is due stop. QEMU (run with
        ``-no-shutdown``) reports SHUTDOWN; ``qemuProcessHandleShutdown`` has qemu killed
        (``qemuProcessShutdownOrReboot``), and the monitor EOF runs ``qemuProcessStop``,
        which restores the labels. Then the running guests do their disk I/O."""
        driver = self.driver
        now = driver.host.clock.now
        for domain in self._in_list_order(self.pending_shutdown):
            if domain.shutdown_at is None:
                del self.pending_shutdown[domain.name]  # stopped some other way
            elif domain.active and domain.shutdown_at <= now and not domain.paused:
                # (a paused guest runs no ACPI: it powers off once resumed)
                del self.pending_shutdown[domain.name]
                try:
                    qemu_process.stop(driver, domain, relabel=True, reason="shutdown")
                except DaemonCrashed:
                    return
        self._notice_changes()
        for domain in self._in_list_order(self.pending_io):
            if self.guest_io(domain):
                del self.pending_io[domain.name]

    def _in_list_order(self, pending: dict[str, Domain]) -> list[Domain]:
        """The pending guests still in the domain list, in its order; the others dropped."""
        domains = self.driver.domains
        for name in [n for n, d in pending.items() if domains.get(n) is not d]:
            del pending[name]
        return sorted(pending.values(), key=lambda d: domains.order(d.name))

    def _notice_changes(self) -> None:
        """Guests whose accesses may be decided anew: all of them when the decisions
        changed, else those holding a file the kernel reports relabelled."""
        host = self.driver.host
        generation = libselinux.decision_generation(host)
        relabels, seen = host.relabels, self.relabels_seen
        self.relabels_seen = relabels
        recent = host.relabeled
        if generation != self.generation_seen or relabels - seen > len(recent):
            self.generation_seen = generation
            for domain in self.driver.domains.values():
                if domain.active:
                    self.pending_io[domain.name] = domain
            return
        by_pid = self.driver.by_pid
        for key in list(recent)[len(recent) - (relabels - seen) :] if relabels != seen else ():
            for pid, _target in self.holders.get(key, ()):
                holder = by_pid.get(pid)
                if holder is not None:
                    self.pending_io[holder.name] = holder

    def guest_io(self, domain: Domain) -> bool:
        """A running guest reads (and writes) its disks as time passes. The kernel rechecks
        each access (``selinux_file_permission``); on a failure QEMU applies the disk's
        error policy (``werror``): ``stop`` pauses the domain, which libvirt records as
        paused for an I/O error (``qemuProcessHandleIOError``); ``report`` hands the error
        to the guest and ``ignore`` drops it, and the domain keeps running.

        True when every access was granted silently and is known to stay so until the
        decisions or a label change (the guest need not be looked at before then)."""
        host = self.driver.host
        qemu = host.processes.get(domain.pid or -1)
        if domain.live is None or domain.paused or qemu is None:
            return domain.live is None
        settled = True
        for disk in domain.live.disks:
            handle = self.files.get(qemu.pid, {}).get(disk.target)
            if handle is None:
                continue
            # An access granted silently stays granted while neither the decisions (policy,
            # booleans, mode) nor the file's label change: asking again would change nothing.
            key = self.io_question(qemu, handle)
            granted = self.granted.setdefault(qemu.pid, {})
            if key is not None and granted.get(disk.target) == key:
                continue
            events = len(host.audit.events)
            try:
                host.file_io(qemu, handle, write=False)
                if handle.writable:
                    host.file_io(qemu, handle, write=True)
                if key is not None and len(host.audit.events) == events:
                    granted[disk.target] = key
                else:
                    settled = False
            except OSError:
                if disk.error_policy in ("stop", "enospace"):
                    # libvirt: qemuProcessHandleIOError (VIR_DOMAIN_PAUSED_IOERROR)
                    # qemu: blk_error_action -> blk_iostatus_set_err ("failed": libvirt's
                    # VIR_DOMAIN_DISK_ERROR_UNSPEC)
                    self.io_status.setdefault(qemu.pid, {})[disk.target] = "unspecified error"
                    domain.paused = True
                    domain.reason = "I/O error"
                    qemu_process.write_status(self.driver, domain)  # qemuDomainSaveStatus
                    return False
                settled = False
        return settled

    def io_question(self, qemu: Process, handle: OpenFile) -> tuple[object, ...] | None:
        """What a guest's read or write of ``handle`` is decided on: qemu's context, the
        decision generation and the file's label; None (ask every time) for a file another
        host can relabel (an NFS client's view of the server's inodes)."""
        host = self.driver.host
        fs = host.fs_at(handle.location)
        inode = fs.inodes.get(handle.location.ino)
        if inode is None or type(fs) is not Filesystem:
            return None
        label = inode.xattrs.get(SELINUX_XATTR)
        generation = libselinux.decision_generation(host)
        return (qemu.context, generation, fs.fs_id, handle.location.ino, label)
