"""lsns (util-linux 2.37, commands.md 7) and journalctl (the daemon's log, setroubleshoot)."""

from __future__ import annotations

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


@command("journalctl")
def journalctl(ctx: CommandContext) -> int:
    from simulator.shell.commands.setroubleshoot_tools import journal_lines, stamp

    args = ctx.args
    if args[:2] == ["-t", "setroubleshoot"]:
        ctx.out("".join(line + "\n" for line in journal_lines(ctx)))
        return 0
    if args[:2] in (["-u", "virtqemud"], ["-u", "libvirtd"]):
        daemon = ctx.machine.libvirt
        for when, level, text in daemon.log.messages:
            ctx.out(f"{stamp(when)} ol9-host virtqemud[{daemon.pid}]: {level} : {text}\n")
        return 0
    ctx.err("journalctl: only -t setroubleshoot and -u virtqemud are modelled\n")
    return 1
