"""lsns (util-linux 2.37, commands.md 7) and journalctl (the daemon's log, setroubleshoot)."""

from __future__ import annotations

from simulator.errors import NotModelled
from simulator.shell.accounts import user_names
from simulator.shell.registry import CommandContext, command

COLUMNS = (
    ("NS", 10, True),
    ("TYPE", 5, False),
    ("NPROCS", 5, True),
    ("PID", 5, True),
    ("USER", 0, False),
    ("COMMAND", 0, False),
)


@command("lsns")
def lsns(ctx: CommandContext) -> int:
    args = list(ctx.args)
    pid: int | None = None
    while args:
        arg = args.pop(0)
        if arg == "-t" and args:
            kind = args.pop(0)
            if kind != "mnt":
                ctx.err(f"lsns: unknown namespace type: {kind}\n")
                return 1
        elif arg == "-p" and args and args[0].isdigit():
            pid = int(args.pop(0))
        else:
            ctx.err(f"lsns: unrecognized option '{arg}'\nTry 'lsns --help' for more information.\n")
            return 1
    users = user_names(ctx)
    rows = []
    for ns_id in sorted(ctx.host.namespaces):
        members = sorted(p for p, proc in ctx.host.processes.items() if proc.ns_id == ns_id)
        wanted = None if pid is None else ctx.host.processes.get(pid)
        if not members or (pid is not None and (wanted is None or wanted.ns_id != ns_id)):
            continue
        first = ctx.host.processes[members[0]]
        rows.append(
            [
                str(ns_id),
                "mnt",
                str(len(members)),
                str(first.pid),
                users.get(first.uid, str(first.uid)),
                " ".join(first.argv),
            ]
        )
    if not rows:
        return 0
    widths = []
    for i, (header, hint, _) in enumerate(COLUMNS):
        width = max(len(r[i]) for r in rows)
        if width < len(header):
            width = len(header)
        elif hint >= 1 and width < hint and len(header) < hint:
            width = hint
        widths.append(width)
    for row in [[c[0] for c in COLUMNS], *rows]:
        cells = []
        for i, cell in enumerate(row):
            last = i == len(row) - 1
            right = COLUMNS[i][2]
            cells.append(
                cell if last else (cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
            )
        ctx.out(" ".join(cells) + "\n")
    return 0


def _libvirt_unit(ctx: CommandContext, args: list[str]) -> bool:
    """``-u NAME``: the libvirt daemon's unit, by its name, NAME.service or an alias."""
    service = ctx.machine.profile.service_for("libvirt")
    names = {service.name, service.unit, *service.aliases}
    return len(args) == 2 and args[0] == "-u" and args[1] in names


@command("journalctl")
def journalctl(ctx: CommandContext) -> int:
    """``journalctl -t setroubleshoot`` and ``-u virtqemud``; nothing else is modelled."""
    from simulator.shell.commands.setroubleshoot_tools import journal_lines, stamp

    args = ctx.args
    if args in (["-t", "setroubleshoot"], ["--identifier=setroubleshoot"]):
        lines = journal_lines(ctx)
    elif _libvirt_unit(ctx, args):
        daemon, profile = ctx.machine.libvirt, ctx.machine.profile
        name = profile.service_for("libvirt").name
        # virlog.h: VIR_LOG_DEFAULT is VIR_LOG_WARN, so with the default log_level VIR_INFO
        # and VIR_DEBUG messages never reach the journal.
        lines = [
            f"{stamp(when)} {profile.hostname} {name}[{daemon.pid}]: {level} : {text}"
            for when, level, text in daemon.log.messages
            if level not in ("info", "debug")
        ]
    else:
        shown = " ".join(["journalctl", *args])
        unit = ctx.machine.profile.service_for("libvirt").name
        raise NotModelled(f"{shown} (the lab has -t setroubleshoot and -u {unit})")
    # logs-show.c: a query that matches nothing prints "-- No entries --".
    ctx.out("".join(line + "\n" for line in lines) if lines else "-- No entries --\n")
    return 0
