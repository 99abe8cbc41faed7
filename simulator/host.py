"""``simulator.Host()``: the default lab host of host.md, ready to use.

A host *has* a kernel (:attr:`Host.kernel`), the installed system's userspace state
(:attr:`Host.userspace`) and, once asked for, a libvirt daemon (:attr:`Host.libvirt`); it
is built from a profile (:mod:`simulator.system.profiles`). Attributes it does not have
itself are the kernel's, so ``host.open(proc, path)`` and ``host.processes`` keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import InvalidArgument, SeclabError, SnapshotError
from simulator.kernel.clock import BOOT_TIME, CLOCK_START, REBOOT_SECONDS
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.system.boot import check_bootable, reboot_kernel
from simulator.system.install import install, start_service
from simulator.system.profile import HostProfile, Service
from simulator.system.profiles import DEFAULT_PROFILE, get_profile
from simulator.system.userspace import Userspace

if TYPE_CHECKING:
    from simulator.kernel.snapshot import Snapshot
    from simulator.libvirt.qemu_driver import Daemon
    from simulator.network import Network
    from simulator.shell.interpreter import Result, Shell


class Host:
    """A lab host built from a profile (``ol9`` by default, or ``ol8``): files, devices,
    users, processes and SELinux."""

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: int = CLOCK_START,
        boot_time: int = BOOT_TIME,
        profile: str | HostProfile = DEFAULT_PROFILE,
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.kernel = Kernel(seed=seed, clock=clock, boot_time=boot_time)
        self.userspace = Userspace()
        install(self.kernel, self.profile)
        self._shell: Shell | None = None
        self._daemon: Daemon | None = None
        # Guests' answer to the ACPI power button, by domain name: seconds until they power
        # off, or None for a guest that ignores it (scenario.toml ``[guests.NAME]``).
        self.guest_shutdown_delays: dict[str, int | None] = {}
        self.network: Network | None = None  # the scenario's other hosts, for ``ssh``

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the host does not have: those are the kernel's.
        if name == "kernel" or name.startswith("__"):
            raise AttributeError(name)  # not built yet (copy, pickle) or not the kernel's
        return getattr(self.kernel, name)

    # -- saved states ---------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The whole host (kernel and userspace) as an immutable, comparable value."""
        from simulator.kernel.snapshot import Snapshot, dump_state  # only saving loads it

        state = dump_state(self.kernel)
        self.userspace.dump_into(state)
        if self.profile.name != DEFAULT_PROFILE:  # the default's states keep their old keys
            state["profile"] = self.profile.name
        return Snapshot.of(state)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Host:
        """A host in a saved state (``lab state --json``); its daemon reconnects on first use."""
        from simulator.kernel.snapshot import Snapshot

        data = snapshot.data()
        try:
            userspace = Userspace.take_from(data)
        except (AttributeError, TypeError, ValueError) as error:
            raise SnapshotError(f"saved state: {error}") from None
        try:
            profile = get_profile(str(data.pop("profile", DEFAULT_PROFILE)))
        except SeclabError as error:  # a profile the lab does not have
            raise SnapshotError(f"saved state: {error}") from None
        host = cls.__new__(cls)
        host.profile = profile
        host.kernel = Kernel.from_snapshot(Snapshot.of(data))
        host.userspace = userspace
        for pid, what in ((1, "init"), (host.profile.login.pid, "the login shell")):
            if pid not in host.kernel.processes:
                raise SnapshotError(f"saved state: processes: no pid {pid} ({what})")
        host._shell = None
        host._daemon = None
        host.guest_shutdown_delays = {}
        host.network = None
        return host

    @classmethod
    def from_json(cls, text: str) -> Host:
        from simulator.kernel.snapshot import Snapshot

        return cls.from_snapshot(Snapshot.parse(text))

    # -- the processes a user reaches -----------------------------------------------------------

    @property
    def shell(self) -> Process:
        """The root login shell (pid 2000) that typed commands run in."""
        return self.kernel.process(self.profile.login.pid)

    @property
    def daemon(self) -> Process:
        """The libvirt daemon's process (as the host was found, until the daemon restarts)."""
        pid = self._daemon.pid if self._daemon is not None else self._libvirt_service.boot_pid
        return self.kernel.process(pid)

    @property
    def session(self) -> Shell:
        """The interactive shell session typed commands run in."""
        if self._shell is None:
            from simulator.shell.interpreter import Shell

            self._shell = Shell(self.kernel, self.shell, self)
        return self._shell

    # -- services -------------------------------------------------------------------------------

    @property
    def _libvirt_service(self) -> Service:
        return self.profile.service_for("libvirt")

    @property
    def libvirt(self) -> Daemon:
        """The libvirt daemon: started on first use (socket activation), restarted when it died."""

        if self._daemon is None:
            self._daemon = self._new_daemon(self._libvirt_service.boot_pid)
            if self._daemon.process is not None:
                self._daemon.boot()
        if self._daemon.process is None:
            self.start_service(self._libvirt_service.name)
        return self._daemon

    def _new_daemon(self, pid: int) -> Daemon:
        from simulator.libvirt.qemu_driver import Daemon

        daemon = Daemon(self.kernel, pid, self.userspace)
        daemon.machine_type = self.profile.machine_type
        daemon.shutdown_delays = self.guest_shutdown_delays
        if self._tick not in self.kernel.clock.listeners:
            self.kernel.clock.listeners.append(self._tick)
        return daemon

    def start_service(self, name: str) -> None:
        """systemd starts the unit ``name``: its process, and for libvirt's daemon its state
        from qemu.conf, the definitions and the status files (``qemuStateInitialize``)."""

        service = self.profile.service(name)
        if service is None:
            raise KeyError(name)
        proc = start_service(self.kernel, service)
        if service.role == "libvirt":
            if self._daemon is None:
                self._daemon = self._new_daemon(proc.pid)
            self._daemon.pid = proc.pid
            self._daemon.boot()

    def _tick(self) -> None:
        """The clock moved: the daemon's timers (a guest powering off) run."""
        if self._daemon is not None and self._daemon.process is not None:
            self._daemon.run_timers()

    def restart_libvirt(self) -> None:
        """``systemctl restart`` of the libvirt daemon: a new process that re-reads qemu.conf."""
        daemon = self.libvirt
        if daemon.process is not None:
            self.kernel.exit(daemon.pid)
        self.libvirt  # noqa: B018 - starts the new process

    def add_step_fault(self, name: str) -> None:
        """``lab fault add step NAME``: the daemon dies when it next reaches ``name``."""
        from simulator.libvirt.qemu_driver import STEPS
        from simulator.libvirt.virerror import ErrorCode, LibvirtError

        if name not in STEPS:
            raise LibvirtError(ErrorCode.INVALID_ARG, f"unknown step '{name}'")
        self.userspace.crash_steps.append(name)

    def reboot(self) -> None:
        """Every process ends without libvirt's cleanup; tmpfs is empty again; SELinux comes up
        in the configured mode; the services start in the profile's order."""
        self.kernel.clock.check_advance(REBOOT_SECONDS)  # refused before anything stops
        config = check_bootable(self.kernel, self.profile)
        reboot_kernel(self.kernel, self.profile, config, self.userspace.persistent_booleans)
        self._daemon = None
        for service in self.profile.services:
            self.start_service(service.name)

    def run(self, command_line: str) -> Result:
        """Run a command line as root in ``/root``; ``.output`` and ``.status`` say how it went.

        The line is what a terminal would send: text that encodes as UTF-8 (a lone surrogate
        has no bytes, so it is an :class:`InvalidArgument`, not a half-run line)."""
        try:
            command_line.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidArgument(
                f"{command_line!r} is not valid text (a lone surrogate)"
            ) from None
        return self.session.run(command_line)
