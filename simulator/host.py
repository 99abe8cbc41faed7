"""``simulator.Host()``: the default lab host of host.md, ready to use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import InvalidArgument, SnapshotError
from simulator.kernel.clock import BOOT_TIME, CLOCK_START, REBOOT_SECONDS
from simulator.kernel.default_host import DAEMON_PID, SHELL_PID, build_default_host
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process
from simulator.kernel.snapshot import Snapshot

if TYPE_CHECKING:
    from simulator.libvirt.daemon import Daemon
    from simulator.shell.interpreter import Result, Shell


class Host(Kernel):
    """The default host (profile ``ol9``): files, devices, users, processes and SELinux."""

    def __init__(
        self, *, seed: int = 0, clock: int = CLOCK_START, boot_time: int = BOOT_TIME
    ) -> None:
        super().__init__(seed=seed, clock=clock, boot_time=boot_time)
        build_default_host(self)
        self._shell: Shell | None = None
        self._daemon: Daemon | None = None

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Host:
        """A host in a saved state (``lab state --json``); its daemon reconnects on first use."""
        host = super().from_snapshot(snapshot)
        assert isinstance(host, Host)
        for pid, what in ((1, "init"), (SHELL_PID, "the login shell")):
            if pid not in host.processes:
                raise SnapshotError(f"saved state: processes: no pid {pid} ({what})")
        host._shell = None
        host._daemon = None
        return host

    @classmethod
    def from_json(cls, text: str) -> Host:
        return cls.from_snapshot(Snapshot.parse(text))

    @property
    def shell(self) -> Process:
        """The root login shell (pid 2000) that typed commands run in."""
        return self.process(SHELL_PID)

    @property
    def daemon(self) -> Process:
        return self.process(DAEMON_PID)

    @property
    def session(self) -> Shell:
        """The interactive shell session typed commands run in."""
        if self._shell is None:
            import simulator.shell.commands  # noqa: F401 - registers the commands
            from simulator.shell.interpreter import Shell

            self._shell = Shell(self, self.shell, self)
        return self._shell

    @property
    def libvirt(self) -> Daemon:
        """virtqemud: started on first use (socket activation), restarted when it died."""
        from simulator.libvirt.daemon import DAEMON_ARGV, DAEMON_CONTEXT, Daemon

        if self._daemon is None:
            self._daemon = Daemon(self, DAEMON_PID)
            if self._daemon.process is not None:
                self._daemon.boot()
        if self._daemon.process is None:
            proc = self.spawn(
                comm="virtqemud",
                argv=DAEMON_ARGV,
                exe="/usr/sbin/virtqemud",
                uid=0,
                gid=0,
                groups=(0,),
                context=DAEMON_CONTEXT,
                ppid=1,
            )
            self._daemon.pid = proc.pid
            self._daemon.boot()
        return self._daemon

    def restart_libvirt(self) -> None:
        """``systemctl restart virtqemud``: a new process that re-reads qemu.conf."""
        daemon = self.libvirt
        if daemon.process is not None:
            self.exit(daemon.pid)
        self.libvirt  # noqa: B018 - starts the new process

    def reboot(self) -> None:
        """Every process ends without libvirt's cleanup; /run is empty again; services start."""
        self.clock.check_advance(REBOOT_SECONDS)  # refused before anything stops
        keep = {1, 62, SHELL_PID}
        for pid in sorted(self.processes):
            if pid not in keep:
                self.exit(pid)
        self.clock.reboot()
        for name in self.listdir(self.shell, "/run/libvirt/qemu"):
            path = f"/run/libvirt/qemu/{name}"
            if self.lstat(self.shell, path).kind.value != "directory":
                self.unlink(self.shell, path)
        auditd = self.spawn(
            comm="auditd",
            argv=("/sbin/auditd",),
            exe="/usr/sbin/auditd",
            uid=0,
            gid=0,
            groups=(0,),
            context="system_u:system_r:auditd_t:s0",
            ppid=1,
        )
        self.audit.daemon_pid = auditd.pid
        self._daemon = None
        self.chdir(self.shell, "/root")
        self.libvirt  # noqa: B018 - virtqemud starts at boot

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
