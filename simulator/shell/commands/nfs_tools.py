"""exportfs and the nfs-server unit, on the hosts of a network (scenario.toml ``hosts``).

On a single host there is no NFS server: ``exportfs`` is not modelled there and
``systemctl`` reports the unit as it reports any other it does not know.
"""

from __future__ import annotations

from typing import Protocol

from simulator.errors import NotModelled
from simulator.shell.registry import CommandContext, command

NFS_UNITS = ("nfs-server", "nfs")  # nfs.service is an alias of nfs-server.service


class _Export(Protocol):
    def verbose_line(self) -> str: ...


class _Server(Protocol):
    running: bool

    @property
    def table(self) -> tuple[_Export, ...]: ...


class _NfsService(Protocol):
    @property
    def servers(self) -> dict[str, _Server]: ...

    def exportfs(self, hostname: str) -> None: ...


def _nfs(ctx: CommandContext) -> tuple[_NfsService, str] | None:
    machine = ctx.shell.machine
    network = getattr(machine, "network", None)
    if machine is None or network is None:
        return None
    service: _NfsService = network.nfs
    return service, machine.profile.hostname


def nfs_server_unit(ctx: CommandContext, verb: str, unit: str) -> int | None:
    """``systemctl start|stop|restart nfs-server`` on a host of a network; None otherwise.
    nfs-server.service runs ``exportfs -r`` before starting nfsd (ExecStartPre)."""
    found = _nfs(ctx) if unit in NFS_UNITS else None
    if found is None:
        return None
    service, hostname = found
    if verb == "status":
        raise NotModelled("systemctl status nfs-server")
    server = service.servers[hostname]
    if verb in ("start", "restart"):
        service.exportfs(hostname)
        server.running = True
    else:
        server.running = False
    return 0


@command("exportfs")
def exportfs(ctx: CommandContext) -> int:
    """``exportfs -r`` (re-read /etc/exports), ``exportfs -v`` and ``exportfs`` (the table)."""
    found = _nfs(ctx)
    if found is None:
        raise NotModelled("exportfs on a single host (declare hosts in scenario.toml)")
    service, hostname = found
    args = ctx.args
    if args == ["-r"] or args == ["-ra"] or args == ["-ar"]:
        service.exportfs(hostname)
        return 0
    if args not in ([], ["-v"]):
        raise NotModelled(f"exportfs {' '.join(args)} (the lab has -r, -ra and -v)")
    for export in service.servers[hostname].table:
        line = export.verbose_line()
        if not args:  # without -v: the path and the client only
            line = line.split("(", 1)[0].replace("<world>", "<world>") + "\n"
        ctx.out(line)
    return 0
