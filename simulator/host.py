"""``simulator.Host()``: the default lab host of host.md, ready to use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.kernel.clock import BOOT_TIME, CLOCK_START
from simulator.kernel.default_host import DAEMON_PID, SHELL_PID, build_default_host
from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process

if TYPE_CHECKING:
    from simulator.shell.interpreter import Result, Shell


class Host(Kernel):
    """The default host (profile ``ol9``): files, devices, users, processes and SELinux."""

    def __init__(
        self, *, seed: int = 0, clock: int = CLOCK_START, boot_time: int = BOOT_TIME
    ) -> None:
        super().__init__(seed=seed, clock=clock, boot_time=boot_time)
        build_default_host(self)
        self._shell: Shell | None = None

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

            self._shell = Shell(self, self.shell)
        return self._shell

    def run(self, command_line: str) -> Result:
        """Run a command line as root in ``/root``; ``.output`` and ``.status`` say how it went."""
        return self.session.run(command_line)
