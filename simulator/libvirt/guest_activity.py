"""What running guests do as the virtual clock moves, and how libvirt hears of it: a guest
asked to power off does so when its delay is up (QEMU's ``SHUTDOWN`` event,
``qemuProcessHandleShutdown``), and a guest reads and writes its disks, which the kernel
rechecks; a failure QEMU reports with ``werror=stop`` pauses the domain
(``qemuProcessHandleIOError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.calls_files import OpenFile
from simulator.kernel.inode import SELINUX_XATTR
from simulator.kernel.process import Process
from simulator.libvirt import qemu_process
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import DaemonCrashed
from simulator.system import libselinux

if TYPE_CHECKING:
    from simulator.libvirt.qemu_driver import Daemon


class GuestActivity:
    """The running guests' timers and the files their qemu holds open for disk I/O."""

    def __init__(self, driver: Daemon) -> None:
        self.driver = driver
        # The files each qemu holds open for its guest's disk I/O, by pid and target: qemu's
        # state, so it outlives a daemon restart (the new daemon reconnects to the same qemu).
        self.files: dict[int, dict[str, OpenFile]] = {}
        # Guest disk accesses last granted silently, by qemu pid and target: see guest_io.
        self.granted: dict[int, dict[str, tuple[object, ...]]] = {}

    # -- what the daemon tells it --------------------------------------------------------------

    def opened(self, pid: int, target: str, handle: OpenFile) -> None:
        """qemu opened a disk for the guest (at start, or a hot-plug)."""
        self.files.setdefault(pid, {})[target] = handle

    def closed(self, domain: Domain, target: str) -> None:
        """A disk was unplugged: qemu closes it."""
        self.files.get(domain.pid or -1, {}).pop(target, None)

    def reset(self) -> None:
        """A new daemon: it knows of no guest until it reconnects to them."""

    def started(self, domain: Domain) -> None:
        """A domain runs (started, or reconnected to)."""

    def shutdown_requested(self, domain: Domain) -> None:
        """The guest was asked to power off (``domain.shutdown_at`` is when)."""

    def resumed(self, domain: Domain) -> None:
        """The guest's vCPUs run again: QEMU retries the requests that failed at once."""
        self.guest_io(domain)

    def stopped(self, domain: Domain) -> None:
        """A domain's qemu is gone: its files are closed."""
        self.files.pop(domain.pid or -1, None)
        self.granted.pop(domain.pid or -1, None)

    # -- the clock -----------------------------------------------------------------------------

    def run(self) -> None:
        """The virtual clock moved: guests whose power-off is due stop. QEMU (run with
        ``-no-shutdown``) reports SHUTDOWN; ``qemuProcessHandleShutdown`` has qemu killed
        (``qemuProcessShutdownOrReboot``), and the monitor EOF runs ``qemuProcessStop``,
        which restores the labels. Then every running guest does its disk I/O."""
        driver = self.driver
        now = driver.host.clock.now
        for domain in list(driver.domains.values()):
            due = domain.shutdown_at is not None and domain.shutdown_at <= now
            if domain.active and due and not domain.paused:  # a paused guest runs no ACPI
                try:
                    qemu_process.stop(driver, domain, relabel=True, reason="shutdown")
                except DaemonCrashed:
                    return
        for domain in list(driver.domains.values()):
            self.guest_io(domain)

    def guest_io(self, domain: Domain) -> None:
        """A running guest reads (and writes) its disks as time passes. The kernel rechecks
        each access (``selinux_file_permission``); on a failure QEMU applies the disk's
        error policy (``werror``): ``stop`` pauses the domain, which libvirt records as
        paused for an I/O error (``qemuProcessHandleIOError``); ``report`` hands the error
        to the guest and ``ignore`` drops it, and the domain keeps running."""
        host = self.driver.host
        qemu = host.processes.get(domain.pid or -1)
        if domain.live is None or domain.paused or qemu is None:
            return
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
            except OSError:
                if disk.error_policy in ("stop", "enospace"):
                    # libvirt: qemuProcessHandleIOError (VIR_DOMAIN_PAUSED_IOERROR)
                    domain.disk_errors[disk.target] = "unspecified error"
                    domain.paused = True
                    domain.reason = "I/O error"
                    return

    def io_question(self, qemu: Process, handle: OpenFile) -> tuple[object, ...] | None:
        """What a guest's read or write of ``handle`` is decided on: qemu's context, the
        decision generation and the file's label."""
        host = self.driver.host
        fs = host.fs_at(handle.location)
        inode = fs.inodes.get(handle.location.ino)
        if inode is None:
            return None
        label = inode.xattrs.get(SELINUX_XATTR)
        generation = libselinux.decision_generation(host)
        return (qemu.context, generation, fs.fs_id, handle.location.ino, label)
