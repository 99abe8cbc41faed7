"""The one table of commands: a name maps to a handler that gets a :class:`CommandContext`
and returns an exit status. Tool families register themselves from their own modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from simulator.kernel.kernel import Kernel
from simulator.kernel.process import Process

if TYPE_CHECKING:
    from simulator.shell.interpreter import Shell

STDOUT = 1
STDERR = 2


@attrs.define
class CommandContext:
    """What a command sees: its argv, stdin bytes, the host and the calling process."""

    argv: list[str]
    stdin: bytes
    host: Kernel
    proc: Process
    shell: Shell
    chunks: list[tuple[int, bytes]] = attrs.field(factory=list)

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
COMMANDS: dict[str, Handler] = {}


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler under one or more names."""

    def register(handler: Handler) -> Handler:
        for name in names:
            COMMANDS[name] = handler
        return handler

    return register
