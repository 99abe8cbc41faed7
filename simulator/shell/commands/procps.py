"""ps (procps-ng 3.3.17: ``ps/parser.c``, ``ps/sortformat.c``, ``ps/output.c``, ``ps/display.c``).

What the lab models of a process beyond the kernel's table (``Process``):

* CPU time: qemu-kvm's vCPU thread runs the guest, so qemu accrues one CPU second per virtual
  second since it started (``QEMU_CPU_PER_SECOND``); every other process has used none. TIME,
  C and %CPU are computed from that, as procps computes them from utime+stime.
* State flags (STAT) and memory (VSZ, RSS) come from ``PROGRAMS``, a table per executable
  (RHEL 9 values of an idle host); the process running ``ps`` is ``R+``.
* ``ps`` lists itself with the pid the next process would get: commands run inside the
  login shell and do not take pids from the counter.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from simulator.errors import NotModelled
from simulator.kernel.process import Process
from simulator.shell.accounts import lookup_user, user_names
from simulator.shell.registry import CommandContext, command
from simulator.system.profiles import DEFAULT_PROFILE, get_profile

# commands.md 6.1: max(3, digits(pid_max - 1)); the profile knows pid_max (4194304 on RHEL 9)
PID_WIDTH = get_profile(DEFAULT_PROFILE).ps_pid_width
QEMU_CPU_PER_SECOND = 1
MEM_TOTAL_KB = 16_126_412  # /proc/meminfo MemTotal of the lab host (16 GiB)
USER_ERROR = (
    "error: user name does not exist\n\nUsage:\n ps [options]\n\n"
    " Try 'ps --help <simple|list|output|threads|misc|all>'\n"
    "  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\n"
    "For more details see ps(1).\n"
)


@attrs.frozen(repr=False, eq=False)
class Program:
    """What ``/proc/PID/stat`` and ``statm`` would say of an idle instance of a program."""

    state: str  # STAT without the foreground flag: state, '<', 's', 'l'
    vsz: int  # kB
    rss: int  # kB


PROGRAMS: dict[str, Program] = {
    "/usr/lib/systemd/systemd": Program("Ss", 174_780, 17_836),
    "/usr/sbin/auditd": Program("S<sl", 92_120, 4_352),
    "/usr/sbin/virtqemud": Program("Ssl", 1_437_876, 42_592),
    "/usr/sbin/libvirtd": Program("Ssl", 0, 0),  # EL8 (profile ps_memory False: VSZ/RSS refused)
    "/usr/libexec/qemu-kvm": Program("Sl", 5_396_084, 1_109_532),
    "/usr/bin/bash": Program("Ss", 224_820, 5_632),
    "/usr/bin/ps": Program("R+", 225_652, 3_516),
    "": Program("S", 0, 0),  # kernel threads
}
OTHER_PROGRAM = Program("S", 0, 0)


def cpu_seconds(proc: Process, now: int) -> int:
    """The lab's CPU-time model: qemu's vCPU runs the guest, everything else is idle."""
    return max(0, now - proc.start_time) * QEMU_CPU_PER_SECOND if proc.comm == "qemu-kvm" else 0


@attrs.frozen(repr=False, eq=False)
class Column:
    """One ``format_array`` entry: header, width, justification, and how to print it."""

    header: str
    width: int
    align: str  # "right", "left", "user" (left if text, right if a number), "unlimited"
    cell: Callable[[Row], str]
    sort: Callable[[Row], tuple[int, str]] | None = None


@attrs.frozen(repr=False, eq=False)
class Row:
    """A process as ``ps`` reads it, with the values it derives."""

    proc: Process
    user: str
    now: int
    boot: int
    is_ps: bool = False
    forest: str = ""
    bsd_args: bool = False

    @property
    def program(self) -> Program:
        return PROGRAMS.get(self.proc.exe, OTHER_PROGRAM)

    @property
    def elapsed(self) -> int:
        return max(0, self.now - self.proc.start_time)

    @property
    def cpu_seconds(self) -> int:
        return cpu_seconds(self.proc, self.now)

    @property
    def kernel_thread(self) -> bool:
        return self.proc.exe == "" and not self.is_ps


def _time(row: Row) -> str:
    """``pr_time``: ``[dd-]hh:mm:ss`` of CPU time."""
    t = row.cpu_seconds
    days, t = divmod(t, 86400)
    text = f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"
    return f"{days}-{text}" if days else text


def _bsdtime(row: Row) -> str:
    """``pr_bsdtime``: ``%3u:%02u`` minutes and seconds."""
    return f"{row.cpu_seconds // 60:3d}:{row.cpu_seconds % 60:02d}"


def _etime(row: Row) -> str:
    """``pr_etime``: ``[[dd-]hh:]mm:ss`` since the process started."""
    t = row.elapsed
    ss, t = t % 60, t // 60
    mm, t = t % 60, t // 60
    hh, dd = t % 24, t // 24
    text = f"{mm:02d}:{ss:02d}"
    if dd or hh:
        text = f"{hh:02d}:{text}"
    return f"{dd}-{text}" if dd else text


def _stime(row: Row) -> str:
    """``pr_stime``: HH:MM today, ``%b%d`` this year, else the year (the host runs in UTC)."""
    ours, theirs = time.gmtime(row.now), time.gmtime(row.proc.start_time)
    if ours.tm_year != theirs.tm_year:
        return time.strftime("%Y", theirs)
    if ours.tm_yday != theirs.tm_yday:
        return time.strftime("%b%d", theirs)
    return time.strftime("%H:%M", theirs)


def _pcpu(row: Row) -> str:
    """``pr_pcpu``: per-mille of the process's life spent on a CPU, as ``##.#``."""
    seconds = row.elapsed
    pcpu = row.cpu_seconds * 1000 // seconds if seconds else 0
    return str(pcpu // 10) if pcpu > 999 else f"{pcpu // 10}.{pcpu % 10}"


def _c(row: Row) -> str:
    seconds = row.elapsed
    pcpu = row.cpu_seconds * 100 // seconds if seconds else 0
    return f"{min(pcpu, 99):2d}"


def _pmem(row: Row) -> str:
    pmem = min(999, row.program.rss * 1000 // MEM_TOTAL_KB)
    return f"{pmem // 10:2d}.{pmem % 10}"


def _tty(row: Row) -> str:
    tty = row.proc.tty
    return tty.replace("pts", "pts/", 1) if tty else "?"


def _stat(row: Row) -> str:
    """``pr_stat``: the state letter, then ``<``, ``s``, ``l`` and ``+`` for the foreground."""
    return "R+" if row.is_ps else row.program.state


def _args(row: Row) -> str:
    """``pr_args``: the command line, or ``[comm]`` for a kernel thread (ESC_BRACKETS)."""
    text = f"[{row.proc.comm}]" if row.kernel_thread else " ".join(row.proc.argv)
    return row.forest + text


def _comm(row: Row) -> str:
    return row.forest + row.proc.comm


def _cmd_f(row: Row) -> str:
    return _args(row)


def _int_key(value: Callable[[Row], int]) -> Callable[[Row], tuple[int, str]]:
    return lambda row: (value(row), "")


def _str_key(value: Callable[[Row], str]) -> Callable[[Row], tuple[int, str]]:
    return lambda row: (0, value(row))


_PID = Column("PID", PID_WIDTH, "right", lambda r: str(r.proc.pid), _int_key(lambda r: r.proc.pid))
_PPID = Column(
    "PPID", PID_WIDTH, "right", lambda r: str(r.proc.ppid), _int_key(lambda r: r.proc.ppid)
)
_USER = Column("USER", 8, "user", lambda r: r.user, _str_key(lambda r: r.user))
_UID_HACK = Column("UID", 8, "user", lambda r: r.user, _str_key(lambda r: r.user))
_UID = Column("UID", 5, "right", lambda r: str(r.proc.uid), _int_key(lambda r: r.proc.uid))
_CMD_SORT = _str_key(lambda r: r.proc.comm)  # sr_cmd compares the short name
_COMM = Column("COMMAND", 15, "unlimited", _comm, _CMD_SORT)
_ARGS = Column("COMMAND", 27, "unlimited", _args, _CMD_SORT)
_LABEL = Column("LABEL", 31, "left", lambda r: r.proc.context)
_TTY = Column("TT", 8, "left", _tty, _str_key(_tty))
_TNAME = Column("TTY", 8, "left", _tty, _str_key(_tty))
_START = _int_key(lambda r: r.proc.start_time)

# procps 3.3.17 ``format_array``: the specifiers the lab models.
FORMATS: dict[str, Column] = {
    "pid": _PID,
    "tgid": _PID,
    "ppid": _PPID,
    "user": _USER,
    "euser": Column("EUSER", 8, "user", lambda r: r.user, _str_key(lambda r: r.user)),
    "uname": _USER,
    "uid_hack": _UID_HACK,
    "uid": _UID,
    "euid": Column("EUID", 5, "right", lambda r: str(r.proc.uid), _int_key(lambda r: r.proc.uid)),
    "comm": _COMM,
    "ucomm": _COMM,
    "ucmd": Column("CMD", 15, "unlimited", _comm, _CMD_SORT),
    "args": _ARGS,
    "command": _ARGS,
    "cmd": Column("CMD", 27, "unlimited", _args, _CMD_SORT),
    "label": _LABEL,
    "context": Column("CONTEXT", 31, "left", lambda r: r.proc.context),
    "etime": Column("ELAPSED", 11, "right", _etime),
    "etimes": Column("ELAPSED", 7, "right", lambda r: str(r.elapsed)),
    "time": Column("TIME", 8, "right", _time),
    "cputime": Column("TIME", 8, "right", _time),
    "bsdtime": Column("TIME", 6, "right", _bsdtime),
    "stime": Column("STIME", 5, "right", _stime, _START),
    "start_time": Column("START", 5, "right", _stime, _START),
    "tty": _TTY,
    "tt": _TTY,
    "tname": _TNAME,
    "stat": Column("STAT", 4, "left", _stat),
    "c": Column("C", 2, "right", _c),
    "pcpu": Column("%CPU", 4, "right", _pcpu),
    "%cpu": Column("%CPU", 4, "right", _pcpu),
    "pmem": Column("%MEM", 4, "right", _pmem),
    "%mem": Column("%MEM", 4, "right", _pmem),
    "vsz": Column("VSZ", 6, "right", lambda r: str(r.program.vsz)),
    "rss": Column("RSS", 5, "right", lambda r: str(r.program.rss)),
}
# sortformat.c: the SysV default, -f, BSD default and BSD u lists.
SYSV_DEFAULT = ("pid", "tname", "time", "ucmd")
SYSV_FULL = ("uid_hack", "pid", "ppid", "c", "stime", "tname", "time", "cmd")
BSD_DEFAULT = ("pid", "tname", "stat", "bsdtime", "args")
BSD_USER = (
    "user",
    "pid",
    "pcpu",
    "pmem",
    "vsz",
    "rss",
    "tname",
    "stat",
    "start_time",
    "bsdtime",
    "args",
)
BSD_LETTERS = frozenset("auxfZ")


def layout(cells: list[tuple[str, Column]]) -> str:
    """``show_one_proc``: commands.md 6.2's correct/actual spacing; no trailing blanks."""
    correct = actual = 0
    dospace = 0
    out = []
    for i, (text, column) in enumerate(cells):
        last = i == len(cells) - 1
        if column.align == "unlimited" and not last:
            text = text[: column.width]
        right = column.align == "right" or (column.align == "user" and text.isdigit())
        leftpad = max(0, column.width - len(text)) if right else 0
        space = correct - actual + leftpad
        if space < 1:
            space = dospace
        out.append(" " * space + text)
        actual += space + len(text)
        correct += column.width + 1
        dospace = 1
    return "".join(out) + "\n"


@attrs.define(repr=False, eq=False)
class Request:
    """What the options asked for (parser.c's globals)."""

    everyone: bool = False
    bsd: set[str] = attrs.field(factory=set)
    full: bool = False
    label: bool = False
    forest: bool = False
    formats: list[tuple[str, str | None]] = attrs.field(factory=list)
    sort: list[tuple[str, bool]] = attrs.field(factory=list)
    pids: list[int] | None = None
    euids: list[int] | None = None
    ruids: list[int] | None = None
    commands: list[str] | None = None
    pure_unix: bool = True  # parser.c not_pure_unix: only POSIX flags were given
    header_with_comma: bool = False

    @property
    def impure_header(self) -> bool:
        return self.header_with_comma and not self.pure_unix


class _UnknownUser(Exception):
    pass


def _list(value: str, option: str) -> list[str]:
    items = value.replace("\t", ",").replace(" ", ",").split(",")
    if not value or any(not item for item in items):
        raise NotModelled(f"ps {option} with an improper list '{value}'")
    return items


def _users(ctx: CommandContext, value: str, option: str) -> list[int]:
    out = []
    for item in _list(value, option):
        uid = int(item) if item.isdigit() else lookup_user(ctx, item)
        if uid is None:
            raise _UnknownUser
        out.append(uid)
    return out


def _format_list(value: str) -> list[tuple[str, str | None]]:
    """``-o``: comma-separated specifiers; ``spec=HEADER`` takes the rest of the argument."""
    if not value.strip(" ,\t"):
        raise NotModelled(f"ps -o with an empty format '{value}'")
    out: list[tuple[str, str | None]] = []
    rest = value
    while rest:
        name, comma, after = rest.partition(",")
        if "=" in name:
            key, _, header = rest.partition("=")
            out.append((key, header))
            break
        out.append((name, None))
        rest = after
        if comma and not after:
            raise NotModelled(f"ps -o with an empty specifier in '{value}'")
    for key, _ in out:
        if key not in FORMATS:
            raise NotModelled(f"ps format specifier '{key}'")
    return out


def _sort_list(value: str) -> list[tuple[str, bool]]:
    out = []
    for item in _list(value, "--sort"):
        descending = item.startswith("-")
        key = item.lstrip("+-")
        column = FORMATS.get(key)
        if column is None or column.sort is None:
            raise NotModelled(f"ps sort key '{key}'")
        out.append((key, descending))
    return out


OPTION_ARGS = {"-o", "-p", "-u", "-U", "-C", "--sort", "--format", "--pid", "--user", "--User"}


def parse(ctx: CommandContext) -> Request:
    req = Request()
    args = list(ctx.args)
    while args:
        arg = args.pop(0)
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg.startswith("--") or not arg.startswith("-"):
            req.pure_unix = False
        if name in OPTION_ARGS and arg.startswith("--"):
            if not eq:
                if not args:
                    raise NotModelled(f"ps {name} without its argument")
                inline = args.pop(0)
            _take(ctx, req, name, inline)
        elif arg == "--forest":
            req.forest = True
        elif arg.startswith("-") and len(arg) > 1 and not arg.startswith("--"):
            _short(ctx, req, arg, args)
        elif arg and not arg.startswith("-") and set(arg) <= BSD_LETTERS:
            req.bsd |= set(arg)
        else:
            raise NotModelled(f"ps {arg}")
    return req


def _short(ctx: CommandContext, req: Request, arg: str, args: list[str]) -> None:
    """parse_sysv_option: flags, and list options that take the rest or the next word."""
    for i, letter in enumerate(arg[1:], start=2):
        if letter not in "aAdefgGlnoptuU":
            req.pure_unix = False
        if letter in "opuUC":
            value = arg[i:]
            if not value:
                if not args:
                    raise NotModelled(f"ps -{letter} without its argument")
                value = args.pop(0)
            _take(ctx, req, "-" + letter, value)
            return
        if letter in "eA":
            req.everyone = True
        elif letter == "f":
            req.full = True
        elif letter == "Z":
            req.label = True
        else:
            raise NotModelled(f"ps -{letter}")


def _take(ctx: CommandContext, req: Request, name: str, value: str) -> None:
    if name in ("-o", "--format"):
        req.formats += _format_list(value)
        req.header_with_comma |= "," in value.partition("=")[2]
    elif name == "--sort":
        req.sort += _sort_list(value)
    elif name in ("-p", "--pid"):
        items = _list(value, name)
        if not all(item.isdigit() and 0 < int(item) <= 0x7FFFFFFF for item in items):
            raise NotModelled(f"ps {name} with '{value}'")
        req.pids = (req.pids or []) + [int(item) for item in items]
    elif name in ("-u", "--user"):
        req.euids = (req.euids or []) + _users(ctx, value, name)
    elif name in ("-U", "--User"):
        req.ruids = (req.ruids or []) + _users(ctx, value, name)
    else:
        req.commands = (req.commands or []) + [c[:15] for c in _list(value, name)]


# procps ``ps/sortformat.c`` ``do_one_spec``: a CF_PIDMAX column is
# ``max(get_pid_digits(), strlen(head))`` wide, the digits of the profile's pid_max - 1.
PIDMAX_FORMATS = frozenset({"pid", "tgid", "ppid"})
MEMORY_FORMATS = frozenset({"pmem", "%mem", "vsz", "rss"})  # PROGRAMS' figures


def _columns(req: Request, pid_width: int = PID_WIDTH) -> list[tuple[str, Column]]:
    """sortformat.c: an explicit -o list wins; then -f; BSD ``u``; BSD; the SysV default."""
    if req.impure_header:
        # format_parse(): after a non-POSIX option ("broken" off) a header ends at the next
        # comma; the lab models only the POSIX reading (the header takes the rest).
        raise NotModelled("ps -o spec=HEADER,... together with non-POSIX options")
    if req.formats and (req.full or req.label or req.bsd & {"u", "Z"}):
        # process_sf_options(): "Conflicting format options." / "Can't use output
        # modifiers with user-defined output" (their wording in 3.3.17 is not modelled)
        raise NotModelled("ps -o together with -f, -Z, u or Z")
    if req.formats:
        names: list[tuple[str, str | None]] = list(req.formats)
    elif req.full:
        names = [(n, None) for n in SYSV_FULL]
    elif "u" in req.bsd:
        names = [(n, None) for n in BSD_USER]
    elif req.bsd - {"Z"}:
        names = [(n, None) for n in BSD_DEFAULT]
    else:
        names = [(n, None) for n in SYSV_DEFAULT]
    if (req.label or "Z" in req.bsd) and not req.formats:
        names.insert(0, ("label", None))
    out = []
    for key, header in names:
        column = FORMATS[key]
        if key in PIDMAX_FORMATS:
            column = attrs.evolve(column, width=max(pid_width, len(column.header)))
        if header is not None:
            column = attrs.evolve(column, header=header, width=max(column.width, len(header)))
        out.append((key, column))
    return out


def _selected(req: Request, ctx: CommandContext, proc: Process) -> bool:
    """parser.c/select.c: any list matches (a union); otherwise the defaults."""
    lists = [
        (req.pids, proc.pid),
        (req.euids, proc.uid),
        (req.ruids, proc.uid),
        (req.commands, proc.comm),
    ]
    if req.everyone or {"a", "x"} <= req.bsd:
        return True
    if any(wanted is not None and value in wanted for wanted, value in lists):
        return True
    if any(wanted is not None for wanted, _ in lists):
        return False
    me = ctx.proc.uid
    if "a" in req.bsd:
        return proc.tty is not None
    if "x" in req.bsd:
        return proc.uid == me
    return proc.uid == me and proc.tty == ctx.proc.tty


def _forest(rows: list[Row]) -> list[Row]:
    """display.c ``show_tree``: children under their parent, `` \\_ `` and `` |  `` prefixes."""
    pids = {row.proc.pid for row in rows}
    children: dict[int, list[Row]] = {}
    roots = []
    for row in rows:
        if row.proc.ppid in pids and row.proc.ppid != row.proc.pid:
            children.setdefault(row.proc.ppid, []).append(row)
        else:
            roots.append(row)
    out: list[Row] = []
    pending = [(root, "") for root in reversed(roots)]
    while pending:  # depth-first without recursion; each row is visited once
        row, prefix = pending.pop()
        out.append(attrs.evolve(row, forest=_forest_text(prefix)))
        kids = children.get(row.proc.pid, [])
        base = prefix[:-1] + (" " if prefix.endswith("L") else "|") if prefix else ""
        for i in reversed(range(len(kids))):
            pending.append((kids[i], base + ("+" if i < len(kids) - 1 else "L")))
    return out


def _forest_text(prefix: str) -> str:
    return "".join({" ": "    ", "L": " \\_ ", "+": " \\_ ", "|": " |  "}[c] for c in prefix)


@command("ps")
def ps(ctx: CommandContext) -> int:
    try:
        req = parse(ctx)
    except _UnknownUser:
        ctx.err(USER_ERROR)
        return 1
    if "f" in req.bsd:
        req.forest = True
    names = user_names(ctx)
    now, boot = ctx.host.clock.now, ctx.host.clock.boot_time
    itself = Process(
        pid=ctx.host.counters.next_pid,
        ppid=ctx.proc.pid,
        comm="ps",
        argv=tuple(ctx.argv),
        exe="/usr/bin/ps",
        uid=ctx.proc.uid,
        gid=ctx.proc.gid,
        groups=ctx.proc.groups,
        context=ctx.proc.context,
        ns_id=ctx.proc.ns_id,
        tty=ctx.proc.tty,
        start_time=now,
    )
    procs = [ctx.host.processes[p] for p in sorted(ctx.host.processes)] + [itself]
    if itself.pid >= ctx.machine.profile.pid_max:
        # The kernel's counter does not wrap at pid_max (kernel/pid.c alloc_pid would).
        raise NotModelled(f"pids past pid_max ({ctx.machine.profile.pid_max})")
    rows = [
        Row(
            proc,
            names.get(proc.uid, str(proc.uid)),
            now,
            boot,
            is_ps=proc is itself,
        )
        for proc in procs
        if _selected(req, ctx, proc)
    ]
    profile = ctx.machine.profile
    columns = _columns(req, profile.ps_pid_width)
    if not profile.ps_memory and any(key in MEMORY_FORMATS for key, _ in columns):
        raise NotModelled(f"ps memory columns (VSZ, RSS, %MEM) on {profile.name}")
    for key, descending in reversed(req.sort):  # the first key is the most significant
        sort_key = FORMATS[key].sort
        assert sort_key is not None
        rows.sort(key=sort_key, reverse=descending)
    if req.forest:
        rows = _forest(rows)
    if any(column.header for _, column in columns):
        ctx.out(layout([(column.header, column) for _, column in columns]))
    for row in rows:
        user = row.user
        cells = []
        for _, column in columns:
            text = column.cell(row)
            if column.align == "user" and text == user and len(user) > column.width:
                text = str(row.proc.uid)  # do_pr_name: a name that does not fit is a number
            cells.append((text, column))
        ctx.out(layout(cells))
    return 0 if rows else 1
