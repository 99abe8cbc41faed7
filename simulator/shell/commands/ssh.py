"""ssh: run a command as root on another host of the scenario (``ssh kvm2 virsh list``).

OpenSSH joins the words after the destination with spaces and the remote user's shell runs
them (``bash -c``, in root's home); its standard output, standard error and exit status
are ssh's. What ssh itself reports goes through OpenSSH's log.c, which ends every line on
standard error with ``\\r\\n``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from simulator.errors import NotModelled
from simulator.shell.registry import STDERR, CommandContext, command

if TYPE_CHECKING:
    from simulator.shell.interpreter import Shell

# ssh.c: cleanup_exit(255) on every error of ssh's own.
SSH_ERROR = 255


class _Peer(Protocol):
    @property
    def session(self) -> Shell: ...


class _Network(Protocol):
    def resolve(self, name: str) -> _Peer | None: ...

    def sync_clocks(self) -> None: ...


def _network(ctx: CommandContext) -> _Network | None:
    return getattr(ctx.shell.machine, "network", None)


@command("ssh")
def ssh(ctx: CommandContext) -> int:
    args = ctx.args
    if not args:
        raise NotModelled("ssh without a destination (its usage text)")
    if args[0].startswith("-"):
        raise NotModelled(f"ssh option {args[0]} (the lab has: ssh HOST [COMMAND...])")
    destination = args[0]
    user, _, name = destination.rpartition("@")
    if user not in ("", "root"):
        raise NotModelled(f"ssh as {user} (the lab logs in as root)")
    if destination.startswith("ssh://") or ":" in name:
        raise NotModelled(f"ssh destination {destination}")
    network = _network(ctx)
    peer = network.resolve(name) if network is not None else None
    if peer is None:
        # ssh.c resolve_host: getaddrinfo's EAI_NONAME, as glibc's gai_strerror words it.
        ctx.err(f"ssh: Could not resolve hostname {name}: Name or service not known\r\n")
        return SSH_ERROR
    if len(args) == 1:
        raise NotModelled("an interactive ssh session (give the command: ssh HOST COMMAND)")
    assert network is not None
    line = " ".join(args[1:])
    if "\n" in line:
        raise NotModelled("a remote command of several lines (bash -c's line numbers)")
    return _remote(ctx, peer, network, line)


def _remote(ctx: CommandContext, peer: _Peer, network: _Network, line: str) -> int:
    """``bash -c LINE`` in root's home on the peer; its login shell's cwd is left as it was."""
    from simulator.shell.interpreter import Shell

    login = peer.session
    proc = login.proc
    saved_cwd = proc.cwd
    remote = Shell(login.host, proc, login.machine)
    remote.interactive = False
    proc.cwd = remote.vars["HOME"]
    remote.vars["PWD"] = proc.cwd
    try:
        result = remote.run(line)
    finally:
        proc.cwd = saved_cwd
    ctx.chunks.extend((stream, _as_bash_c(stream, data)) for stream, data in result.chunks)
    # The peer's clock moved on with the command; so does everyone's (one virtual clock).
    network.sync_clocks()
    return result.status


def _as_bash_c(stream: int, data: bytes) -> bytes:
    """The lab's login shell words its messages as ``-bash: ...``; ``bash -c`` (not
    interactive) says where: ``bash: line 1: ...``, ``bash: -c: line 1: syntax error``."""
    if stream != STDERR or not data.startswith(b"-bash: "):
        return data
    rest = data[len(b"-bash: ") :]
    where = b"-c: line 1: " if rest.startswith(b"syntax error") else b"line 1: "
    return b"bash: " + where + rest
