"""``simulator.Host()``: the default lab host of host.md, ready to use.

A host *has* a kernel (:attr:`Host.kernel`), the installed system's userspace state
(:attr:`Host.userspace`) and, once asked for, a libvirt daemon (:attr:`Host.libvirt`); it
is built from a profile (:mod:`simulator.system.profiles`). Attributes it does not have
itself are the kernel's, so ``host.open(proc, path)`` and ``host.processes`` keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.errors import SnapshotError
from simulator.kernel.clock import BOOT_TIME, CLOCK_START
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.kernel.snapshot import Snapshot, dump_state
from simulator.system.boot import check_bootable, reboot_kernel
from simulator.system.install import install, start_service
from simulator.system.profile import HostProfile, Service
from simulator.system.profiles import DEFAULT_PROFILE, get_profile
from simulator.system.userspace import Userspace

if TYPE_CHECKING:
    from simulator.libvirt.daemon import Daemon
    from simulator.network import Network
    from simulator.shell.interpreter import Result, Shell


class Host:
    """The default host (profile ``ol9``): files, devices, users, processes and SELinux."""

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
        self.network: Network | None = None  # the scenario's other hosts, for ``ssh``

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the host does not have: those are the kernel's.
        if name == "kernel" or name.startswith("__"):
            raise AttributeError(name)  # not built yet (copy, pickle) or not the kernel's
        return getattr(self.kernel, name)

    # -- saved states ---------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The whole host (kernel and userspace) as an immutable, comparable value."""
        state = dump_state(self.kernel)
        self.userspace.dump_into(state)
        return Snapshot.of(state)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Host:
        """A host in a saved state (``lab state --json``); its daemon reconnects on first use."""
        data = snapshot.data()
        try:
            userspace = Userspace.take_from(data)
        except (AttributeError, TypeError, ValueError) as error:
            raise SnapshotError(f"state is incomplete or malformed: {error!r}") from None
        host = cls.__new__(cls)
        host.profile = get_profile(DEFAULT_PROFILE)
        host.kernel = Kernel.from_snapshot(Snapshot.of(data))
        host.userspace = userspace
        host._shell = None
        host._daemon = None
        host.network = None
        return host

    @classmethod
    def from_json(cls, text: str) -> Host:
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
            import simulator.shell.commands  # noqa: F401 - registers the commands
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
        from simulator.libvirt.daemon import Daemon

        if self._daemon is None:
            self._daemon = Daemon(self.kernel, self._libvirt_service.boot_pid, self.userspace)
            if self._daemon.process is not None:
                self._daemon.boot()
        if self._daemon.process is None:
            self.start_service(self._libvirt_service.name)
        return self._daemon

    def start_service(self, name: str) -> None:
        """systemd starts the unit ``name``: its process, and for libvirt's daemon its state
        from qemu.conf, the definitions and the status files (``qemuStateInitialize``)."""
        from simulator.libvirt.daemon import Daemon

        service = self.profile.service(name)
        if service is None:
            raise KeyError(name)
        proc = start_service(self.kernel, service)
        if service.role == "libvirt":
            if self._daemon is None:
                self._daemon = Daemon(self.kernel, proc.pid, self.userspace)
            self._daemon.pid = proc.pid
            self._daemon.boot()

    def restart_libvirt(self) -> None:
        """``systemctl restart`` of the libvirt daemon: a new process that re-reads qemu.conf."""
        daemon = self.libvirt
        if daemon.process is not None:
            self.kernel.exit(daemon.pid)
        self.libvirt  # noqa: B018 - starts the new process

    def add_step_fault(self, name: str) -> None:
        """``lab fault add step NAME``: the daemon dies when it next reaches ``name``."""
        from simulator.libvirt.daemon import STEPS
        from simulator.libvirt.virerror import ErrorCode, LibvirtError

        if name not in STEPS:
            raise LibvirtError(ErrorCode.INVALID_ARG, f"unknown step '{name}'")
        self.userspace.crash_steps.append(name)

    def reboot(self) -> None:
        """Every process ends without libvirt's cleanup; tmpfs is empty again; SELinux comes up
        in the configured mode; the services start in the profile's order."""
        config = check_bootable(self.kernel, self.profile)
        reboot_kernel(self.kernel, self.profile, config, self.userspace.persistent_booleans)
        self._daemon = None
        for service in self.profile.services:
            self.start_service(service.name)

    def run(self, command_line: str) -> Result:
        """Run a command line as root in ``/root``; ``.output`` and ``.status`` say how it went."""
        return self.session.run(command_line)
