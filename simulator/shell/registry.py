"""The one table of commands: a name maps to a handler that gets a :class:`CommandContext`
and returns an exit status. Tool families register themselves from their own modules."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

import attrs

if TYPE_CHECKING:  # types only: a session loads libvirt's model when virsh first runs
    from simulator.kernel.kernel import Kernel
    from simulator.kernel.process import Process
    from simulator.kernel.snapshot import Snapshot
    from simulator.libvirt.qemu_driver import Daemon
    from simulator.shell.interpreter import Shell
    from simulator.system.profile import HostProfile
    from simulator.system.userspace import Userspace


class Machine(Protocol):
    """The host's services that commands reach beyond system calls: the libvirt daemon
    (socket-activated), service restarts and reboot. :class:`simulator.Host` provides them."""

    @property
    def libvirt(self) -> Daemon: ...

    def restart_libvirt(self) -> None: ...

    def reboot(self) -> None: ...

    @property
    def userspace(self) -> Userspace: ...

    def add_step_fault(self, name: str) -> None: ...

    def snapshot(self) -> Snapshot: ...

    @property
    def profile(self) -> HostProfile: ...

    def start_service(self, name: str) -> None: ...


STDOUT = 1
STDERR = 2


class Input:
    """A command's standard input: what ``read`` takes a line of, the rest for whoever reads."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read_all(self) -> bytes:
        data = self.data[self.pos :]
        self.pos = len(self.data)
        return data

    def read_line(self) -> bytes | None:
        """One line with its newline; None at the end of the input."""
        if self.pos >= len(self.data):
            return None
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        line = self.data[self.pos : end]
        self.pos = end
        return line


@attrs.define(repr=False, eq=False)
class CommandContext:
    """What a command sees: its argv, stdin, the host and the calling process."""

    argv: list[str]
    input: Input
    host: Kernel
    proc: Process
    shell: Shell
    chunks: list[tuple[int, bytes]] = attrs.field(factory=list)
    _stdin: bytes | None = attrs.field(default=None, init=False)

    @property
    def machine(self) -> Machine:
        machine = self.shell.machine
        if machine is None:
            raise NotImplementedError("this shell runs on a bare kernel, without services")
        return machine

    @property
    def stdin(self) -> bytes:
        """All of standard input (a command that reads it reads it to the end)."""
        if self._stdin is None:
            self._stdin = self.input.read_all()
        return self._stdin

    @property
    def name(self) -> str:
        return self.argv[0]

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    def out(self, data: str | bytes) -> None:
        self._write(STDOUT, data)

    def err(self, data: str | bytes) -> None:
        self._write(STDERR, data)

    def _write(self, stream: int, data: str | bytes) -> None:
        raw = data.encode() if isinstance(data, str) else data
        if raw:
            self.chunks.append((stream, raw))


Handler = Callable[[CommandContext], int]


class CommandTable(Mapping[str, Handler]):
    """Command name -> handler. Every name of a tool family is known from the start (the
    table of :mod:`simulator.shell.commands`); the family's module is imported the first
    time one of its names is looked up, so a session only loads the tools it runs.

    The table only makes a lookup cheap, never decides it: a name it does not list (a
    command not found, or one a new module registers before the table names it) loads
    every family once and is answered from what they register."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._modules: dict[str, str] | None = None  # name -> module that registers it
        self._all_loaded = False

    def _index(self) -> dict[str, str]:
        if self._modules is None:
            from simulator.shell.commands import FAMILIES

            package = FAMILIES_PACKAGE
            self._modules = {
                name: f"{package}.{module}" for module, names in FAMILIES.items() for name in names
            }
        return self._modules

    def _load_all(self) -> None:
        if not self._all_loaded:
            self._all_loaded = True
            from simulator.shell.commands import load_all

            load_all()

    def register(self, name: str, handler: Handler) -> None:
        self._handlers[name] = handler

    def registered(self, name: str) -> bool:
        """Whether a module has registered ``name`` already (loads nothing)."""
        return name in self._handlers

    def __getitem__(self, name: str) -> Handler:
        handler = self._handlers.get(name)
        if handler is None:
            module = self._index().get(name)
            if module is not None:
                importlib.import_module(module)
                handler = self._handlers.get(name)
            if handler is None:
                self._load_all()
                handler = self._handlers.get(name)
        if handler is None:
            raise KeyError(name)
        return handler

    def __contains__(self, name: object) -> bool:
        if name in self._handlers or name in self._index():
            return True
        self._load_all()
        return name in self._handlers

    def __iter__(self) -> Iterator[str]:
        self._load_all()
        return iter(list(self._handlers))

    def __len__(self) -> int:
        self._load_all()
        return len(self._handlers)


FAMILIES_PACKAGE = "simulator.shell.commands"
COMMANDS = CommandTable()


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            COMMANDS.register(name, handler)
        return handler

    return register
