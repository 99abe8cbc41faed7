"""ausearch and aureport (audit 3.x; formats: selinux-policy.md 4.2 to 4.5)."""

from __future__ import annotations

import calendar
import re
import stat
import time

from simulator.errors import NotModelled
from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.audit import AuditEvent
from simulator.shell.accounts import group_names, user_names
from simulator.shell.registry import CommandContext, command

AUDIT_LOG = "/var/log/audit/audit.log"
OPEN_FLAGS = (
    (open_flags.O_CREAT, "O_CREAT"),
    (open_flags.O_EXCL, "O_EXCL"),
    (open_flags.O_NOCTTY, "O_NOCTTY"),
    (open_flags.O_TRUNC, "O_TRUNC"),
    (open_flags.O_APPEND, "O_APPEND"),
    (open_flags.O_NONBLOCK, "O_NONBLOCK"),
    (open_flags.O_DIRECT, "O_DIRECT"),
    (open_flags.O_DIRECTORY, "O_DIRECTORY"),
    (open_flags.O_NOFOLLOW, "O_NOFOLLOW"),
    (open_flags.O_CLOEXEC, "O_CLOEXEC"),
)
UNSET = 4294967295


def _open_flags(value: int) -> str:
    names = [("O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE")[value & 3]]
    names += [name for bit, name in OPEN_FLAGS if value & bit]
    return "|".join(names)


def _ctime(seconds: int) -> str:
    t = time.gmtime(seconds)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return (
        f"{days[t.tm_wday]} {months[t.tm_mon - 1]} {t.tm_mday:2d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} {t.tm_year}"
    )


def _interpreted_stamp(event: AuditEvent) -> str:
    t = time.gmtime(event.seconds)
    return (
        f"audit({t.tm_mon:02d}/{t.tm_mday:02d}/{t.tm_year} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{event.millis:03d}:{event.serial})"
    )


def _unquote(value: str) -> str:
    if value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    try:
        return bytes.fromhex(value).decode(errors="replace")
    except ValueError:
        return value


def _interpret(ctx: CommandContext, event: AuditEvent) -> list[str]:
    users, groups = user_names(ctx), group_names(ctx)

    def uid(value: int) -> str:
        return "unset" if value == UNSET else users.get(value, f"unknown({value})")

    def gid(value: int) -> str:
        return groups.get(value, f"unknown({value})")

    stamp = _interpreted_stamp(event)
    lines = []
    if event.proctitle is not None:
        title = " ".join(event.proctitle.argv)[:128]
        lines.append(f"type=PROCTITLE msg={stamp} : proctitle={title} ")
    if event.syscall is not None:
        s = event.syscall
        exit_text = (
            f"{errno.errorcode(-s.exit) or s.exit}({errno.strerror(-s.exit)})"
            if s.exit < 0
            else str(s.exit)
        )
        a0 = "AT_FDCWD" if s.args[0] == 0xFFFFFF9C else f"0x{s.args[0]:x}"
        a2 = _open_flags(s.args[2]) if s.syscall == "openat" else f"0x{s.args[2]:x}"
        fields = [
            "arch=x86_64",
            f"syscall={s.syscall}",
            f"success={'yes' if s.success else 'no'}",
            f"exit={exit_text}",
            f"a0={a0}",
            f"a1=0x{s.args[1]:x}",
            f"a2={a2}",
            f"a3=0x{s.args[3]:x}",
            f"items={s.items}",
            f"ppid={s.ppid}",
            f"pid={s.pid}",
            f"auid={uid(s.auid)}",
            f"uid={uid(s.uid)}",
            f"gid={gid(s.gid)}",
            f"euid={uid(s.uid)}",
            f"suid={uid(s.uid)}",
            f"fsuid={uid(s.uid)}",
            f"egid={gid(s.gid)}",
            f"sgid={gid(s.gid)}",
            f"fsgid={gid(s.gid)}",
            f"tty={s.tty or '(none)'}",
            f"ses={'unset' if s.ses == UNSET else s.ses}",
            f"comm={s.comm}",
            f"exe={s.exe}",
            f"subj={s.subj}",
            f"key={'(null)' if s.key is None else s.key}",
        ]
        lines.append(f"type=SYSCALL msg={stamp} : " + " ".join(fields) + " ")
    for avc in reversed(event.avcs):
        where = ""
        if avc.path is not None:
            where = f" path={avc.path}"
        elif avc.name is not None:
            where = f" name={avc.name}"
        verdict = "granted" if avc.granted else "denied"
        lines.append(
            f"type=AVC msg={stamp} : avc:  {verdict}  {{ {' '.join(avc.perms)} }} for  "
            f'pid={avc.pid} comm={avc.comm}{where} dev="{avc.dev}" ino={avc.ino} '
            f"scontext={avc.scontext} tcontext={avc.tcontext} tclass={avc.tclass} "
            f"permissive={int(avc.permissive)} "
        )
    return lines


DAY = 86400
# ausearch-time.c timetab, and "boot" (the kernel's boot time; audit 3.0.x ausearch-options)
TIME_KEYWORDS = frozenset(
    {
        "now",
        "recent",
        "boot",
        "today",
        "yesterday",
        "this-week",
        "week-ago",
        "this-month",
        "this-year",
    }
)
CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _midnight(seconds: int) -> int:
    return seconds - seconds % DAY  # the lab's clock is UTC


def _keyword_date(ctx: CommandContext, keyword: str) -> int:
    """Midnight of the day a keyword names (set_tm_today, set_tm_this_week, ...)."""
    now = ctx.host.clock.now
    t = time.gmtime(now)
    if keyword == "yesterday":
        return _midnight(now - DAY)
    if keyword == "this-week":  # back to Sunday (tm_wday 0)
        return _midnight(now - ((t.tm_wday + 1) % 7) * DAY)
    if keyword == "week-ago":
        return _midnight(now - 7 * DAY)
    if keyword == "this-month":
        return calendar.timegm((t.tm_year, t.tm_mon, 1, 0, 0, 0))
    if keyword == "this-year":
        return calendar.timegm((t.tm_year, 1, 1, 0, 0, 0))
    return _midnight(now)  # today


def _clock(text: str) -> int | None:
    """Seconds into the day of a time word, None when strptime "%X" refuses it; a word of
    five characters or fewer gets ":00" (ausearch_time_start). Odd shapes: not modelled."""
    match = CLOCK.fullmatch(text)
    if match is None or (len(text) > 5) != (match.group(3) is not None):
        if re.fullmatch(r"[0-9:]+", text):
            raise NotModelled(f"ausearch time {text!r}")
        return None
    hour, minute, second = (int(g or 0) for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        if second > 59 and hour <= 23 and minute <= 59:
            raise NotModelled(f"ausearch time {text!r} (a leap second)")
        return None
    return hour * 3600 + minute * 60 + second


def _date(text: str) -> int | None:
    """Midnight of an MM/DD/YYYY date (strptime "%x" in en_US), None when refused."""
    match = DATE.fullmatch(text)
    if match is None:
        if re.fullmatch(r"[0-9/]+", text):
            raise NotModelled(f"ausearch date {text!r}")
        return None
    month, day, year = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return calendar.timegm((year, month, day, 0, 0, 0))  # mktime normalises 02/31


def time_bound(ctx: CommandContext, end: bool, da: str | None, ti: str | None) -> int | str:
    """ausearch_time_start/ausearch_time_end (ausearch-time.c): the bound, or the error
    ausearch prints. da is a date or keyword, ti a time of day; either may be missing."""
    now = ctx.host.clock.now
    which = "end" if end else "start"
    if da is None:
        date = _midnight(now)
    elif da in TIME_KEYWORDS:
        if da in ("now", "recent"):  # goto set_it: the time is the keyword's own
            return now - (600 if da == "recent" else 0)
        if da == "boot":
            if end:
                raise NotModelled("ausearch -te boot")
            return ctx.host.clock.boot_time
        if end and da == "today":  # "Special case today": now
            return now
        date = _keyword_date(ctx, da)
    else:
        parsed = _date(da)
        if parsed is None:
            return f"Invalid {which} date ({da}). Month, Day, and Year are required.\n"
        date = parsed
    if ti is None:
        # the start of the day; an end without a time takes the current time of day
        clock = now % DAY if end else 0
    else:
        parsed = _clock(ti)
        if parsed is None:
            return f"Invalid {which} time ({ti}). Hour, Minute, and Second are required.\n"
        clock = parsed
    year = time.gmtime(date).tm_year
    if year < 2004:  # d.tm_year < 104
        return f"Error - year is {year}\n"
    return date + clock


RECORD_TYPES = frozenset({"AVC", "USER_AVC", "SYSCALL", "PROCTITLE", "CWD", "PATH", "ALL"})
VALUE_OPTIONS = {
    "-m": "types",
    "--message": "types",
    "-c": "comm",
    "--comm": "comm",
    "-x": "exe",
    "--executable": "exe",
    "-p": "pid",
    "--pid": "pid",
    "-ts": "start",
    "--start": "start",
    "-te": "end",
    "--end": "end",
    "-sv": "success",
    "--success": "success",
    "-if": "file",
    "--input": "file",
    "-k": "key",
    "--key": "key",
    "-ui": "uid",
    "--uid-all": "uid",
    "-se": "context",
    "--context": "context",
    "-su": "subject",
    "--subject": "subject",
    "-o": "object",
    "--object": "object",
    "-f": "file_name",
    "--file": "file_name",
}


def log_events(
    ctx: CommandContext, path: str, tool: str, *, user_file: bool = False
) -> list[AuditEvent] | None:
    """The events an audit log file holds, read as the caller; None (after the tool's
    error) when it cannot be read. Lines the lab did not write are not modelled.

    A file named with -if is stat()ed first, a failure reported by perror("stat"), and a
    directory means its audit.log and rotated logs (ausearch.c main, process_logs); then
    fopen, a failure "Error opening FILE (strerror)" (process_file)."""
    if user_file:
        try:
            mode = ctx.host.stat(ctx.proc, path).st_mode
        except OSError as error:
            ctx.err(f"stat: {error.strerror}\n")
            return None
        if stat.S_ISDIR(mode):
            raise NotModelled(f"{tool} -if on a directory (its rotated logs)")
    try:
        text = ctx.host.read_file(ctx.proc, path).decode(errors="replace")
    except OSError as error:
        ctx.err(f"Error opening {path} ({error.strerror})\n")
        return None
    groups: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = re.search(r"msg=(audit\([0-9]+\.[0-9]+:[0-9]+\)):", line)
        if match is None:
            raise NotModelled(f"{tool} on a log line the lab did not write: {line[:60]!r}")
        groups.setdefault(match.group(1), []).append(line)
    known = {event.stamp: event for event in ctx.host.audit.events}
    out = []
    for stamp, lines in groups.items():
        event = known.get(stamp)
        if event is None or event.raw_lines() != lines:
            raise NotModelled(f"{tool} on records the lab did not write ({stamp})")
        out.append(event)
    return out


@command("ausearch")
def ausearch(ctx: CommandContext) -> int:
    # ausearch-options.c check_params: the first bad option ends the parse (retval = -1) and
    # ausearch exits 1.
    args = list(ctx.args)
    if not args:
        # check_params: count < 2 prints usage() and fails
        raise NotModelled("ausearch without options (its usage text)")
    values: dict[str, str] = {}
    report = "default"
    error: str | None = None
    pid: int | None = None
    uid: int | None = None
    bounds: dict[str, int] = {}
    while args and error is None:  # while (c < count && retval == 0)
        arg = args.pop(0)
        # optarg is the next word unless it starts with '-'
        optarg = args[0] if args and not args[0].startswith("-") else None
        if arg in VALUE_OPTIONS:
            name = VALUE_OPTIONS[arg]
            if optarg is None:
                if name == "types":
                    # followed by libaudit's table of type names, which differs by version
                    raise NotModelled(f"ausearch {arg} without a type")
                if name in ("start", "end"):
                    error = f"{arg} requires either date and/or time\n"
                else:
                    error = f"Argument is required for {arg}\n"
                continue
            value = values[name] = args.pop(0)
            if name in ("start", "end"):
                # S_TIME_START/S_TIME_END: a second word not starting with '-' is the date or
                # the time (the one holding ':' is the time); one word is a keyword, a date
                # (no ':') or a time of today
                words: tuple[str | None, str | None]
                if args and not args[0].startswith("-"):
                    other = args.pop(0)
                    words = (other, value) if ":" in value else (value, other)
                elif value == "checkpoint":
                    raise NotModelled(f"ausearch {arg} checkpoint")
                elif value in TIME_KEYWORDS or ":" not in value:
                    words = (value, None)
                else:
                    words = (None, value)
                bound = time_bound(ctx, name == "end", *words)
                if isinstance(bound, str):
                    error = bound
                else:
                    bounds[name] = bound
            if name == "uid":
                # S_ALL_UID: a number (strtoul) matches uid, euid or auid (user_match, "or");
                # a name is looked up in /etc/passwd and matched as text
                if not value[0].isdigit():
                    raise NotModelled(f"ausearch {arg} by user name")
                uid = int(re.match(r"[0-9]+", value).group())  # type: ignore[union-attr]
            elif name == "pid":
                # S_PID: isdigit(optarg[0]), then strtol, which stops at the first non-digit
                digits = re.match(r"[0-9]+", value)
                if digits is None:
                    error = f"Process id must be a numeric value, was {value}\n"
                else:
                    pid = int(digits.group())
            elif name == "success":
                # S_OSUCCESS: "yes" or "no" anywhere in the value; exactly "yes" is success
                if "yes" in value or "no" in value:
                    values["success"] = "yes" if value == "yes" else "no"
                else:
                    error = "Success must be 'yes' or 'no'.\n"
        elif arg in ("-i", "--interpret", "-r", "--raw"):
            # S_INTERP/S_RAW: a second output format is an error, not the last one winning;
            # a word after the option (not starting with '-') is one more
            raw = arg in ("-r", "--raw")
            shown = "--raw" if raw else arg
            if report == "default":
                report = "raw" if raw else "interpret"
            else:
                error = f"Conflicting output format {shown}\n"
            if optarg is not None:
                error = (error or "") + f"Argument is NOT required for {shown}\n"
        else:
            raise NotModelled(f"ausearch {arg}")
    success = values.get("success")
    types = [t.upper() for t in values["types"].split(",")] if "types" in values else None
    if types is not None and not set(types) <= RECORD_TYPES:
        raise NotModelled(f"ausearch -m {values['types']}")
    if error is not None:
        ctx.err(error)
        return 1
    start, end = bounds.get("start"), bounds.get("end")
    # Without -if, ausearch reads auditd's log (auditd.conf log_file), as the caller.
    read = log_events(ctx, values.get("file", AUDIT_LOG), "ausearch", user_file="file" in values)
    if read is None:
        return 1
    source = read
    matches = []
    for event in source:
        kinds = [kind for kind, _ in event.records()]
        if types is not None and "ALL" not in types and not any(k in types for k in kinds):
            continue
        comms = [a.comm for a in event.avcs] + ([event.syscall.comm] if event.syscall else [])
        if "comm" in values and not any(values["comm"] in c for c in comms):
            continue
        if "exe" in values and (event.syscall is None or values["exe"] not in event.syscall.exe):
            continue
        # -k: strmatch (a substring) on the SYSCALL record's key, which ausearch keeps as
        # written, "(null)" too (recorded: -k null matches key=(null))
        if "key" in values and (
            event.syscall is None
            or values["key"] not in ("(null)" if event.syscall.key is None else event.syscall.key)
        ):
            continue
        # -se/-su/-o: strmatch on the event's subject contexts (each AVC's scontext and the
        # SYSCALL's subj) and object contexts (tcontext); -se is either (ausearch-match.c
        # context_match). With -su, context_match returns before it looks at -o: -o counts
        # only alone (audit 3.0.x; 3.1.2 made the two an "and")
        subjects = [a.scontext for a in event.avcs] + (
            [event.syscall.subj] if event.syscall else []
        )
        objects = [a.tcontext for a in event.avcs]
        if "context" in values and not any(values["context"] in c for c in subjects + objects):
            continue
        if "subject" in values and not any(values["subject"] in c for c in subjects):
            continue
        if (
            "object" in values
            and "subject" not in values
            and not any(values["object"] in c for c in objects)
        ):
            continue
        # -f: the file names the event holds, here each AVC's name= or path=
        # (ausearch-parse.c parse_avc adds them to s.filename), matched as a substring
        names = [n for a in event.avcs for n in (a.name, a.path) if n is not None]
        if "file_name" in values and not any(values["file_name"] in n for n in names):
            continue
        if uid is not None and (
            event.syscall is None or uid not in (event.syscall.uid, event.syscall.auid)
        ):
            continue
        pids = [a.pid for a in event.avcs] + ([event.syscall.pid] if event.syscall else [])
        if pid is not None and pid not in pids:
            continue
        if success is not None and (
            event.syscall is None or event.syscall.success != (success == "yes")
        ):
            continue
        if start is not None and event.seconds < start:
            continue
        if end is not None and event.seconds > end:
            continue
        matches.append(event)
    if not matches:
        if report != "raw":
            ctx.err("<no matches>\n")
        return 1
    for event in matches:
        if report == "raw":
            ctx.out("".join(line + "\n" for line in event.raw_lines()))
        elif report == "interpret":
            ctx.out("----\n" + "".join(line + "\n" for line in _interpret(ctx, event)))
        else:
            ctx.out(f"----\ntime->{_ctime(event.seconds)}\n")
            ctx.out("".join(line + "\n" for line in reversed(event.raw_lines())))
    return 0


AUREPORT_RULE = "=" * 63


EXE_RULE = "=" * 36
# report option -> (title, rule, column heading): aureport-output.c print_title_detailed
REPORTS = {
    "-a": (
        "AVC Report",
        AUREPORT_RULE,
        "date time comm subj syscall class permission obj result event",
    ),
    "-x": ("Executable Report", EXE_RULE, "date time exe term host auid event"),
}
REPORT_OPTIONS = {"-a": "-a", "--avc": "-a", "-x": "-x", "--executable": "-x"}


def _report_lines(
    event: AuditEvent, report: str, interpret: bool, users: dict[int, str]
) -> list[str]:
    """One event's items in a detailed report (print_per_event_item), without numbers."""
    date = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(event.seconds))  # "%x %T"
    syscall = event.syscall
    if report == "-x":
        if syscall is None:
            return []
        # the auid as a signed int (unset, 4294967295, is -1); -i: its name (aulookup_uid)
        auid = syscall.auid - (1 << 32) if syscall.auid >= 1 << 31 else syscall.auid
        shown = str(auid)
        if interpret:
            shown = "unset" if syscall.auid == UNSET else users.get(auid, f"unknown({auid})")
        return [f"{date} {syscall.exe} {syscall.tty or '(none)'} ? {shown} {event.serial}"]
    comm = syscall.comm if syscall else (event.avcs[0].comm if event.avcs else "?")
    # -i: the syscall by name (aulookup_syscall)
    number: int | str = 0
    if syscall is not None:
        number = syscall.syscall if interpret else syscall.number
    return [
        f"{date} {comm} {record.scontext} {number} {record.tclass} "
        f"{' '.join(record.perms)} {record.tcontext} "
        f"{'granted' if record.granted else 'denied'} {event.serial}"
        for record in event.avcs
    ]


@command("aureport")
def aureport(ctx: CommandContext) -> int:
    """Detailed reports ``-a``/``--avc`` and ``-x``/``--executable`` (audit 3.x
    aureport-output.c: print_title_detailed and print_per_event_item); the input is the log
    file, as aureport reads it."""
    args = list(ctx.args)
    path = AUDIT_LOG
    user_file = interpret = False
    report: str | None = None
    while args:
        arg = args.pop(0)
        if arg in REPORT_OPTIONS and report in (None, REPORT_OPTIONS[arg]):
            report = REPORT_OPTIONS[arg]
        elif arg in ("-i", "--interpret"):
            interpret = True
        elif arg in ("-if", "--input") and args:
            path = args.pop(0)
            user_file = True
        else:
            raise NotModelled(f"aureport {arg}")
    if report is None:
        raise NotModelled("aureport without -a or -x (the summary reports)")
    # two different reports: usage() and "Error - only one report can be specified" (not
    # modelled above: the usage text changes between versions)
    title, rule, heading = REPORTS[report]
    # aureport.c main: print_title() comes before the log is opened, so a log that cannot
    # be read still gets the report's title
    ctx.out(f"\n{title}\n{rule}\n# {heading}\n{rule}\n")
    events = log_events(ctx, path, "aureport", user_file=user_file)
    if events is None:
        return 1
    users = user_names(ctx) if interpret else {}
    lines = [line for event in events for line in _report_lines(event, report, interpret, users)]
    if not lines:
        # main: nothing found in a detailed report is exit status 1
        ctx.out("<no events of interest were found>\n\n")
        return 1
    ctx.out("".join(f"{item}. {line}\n" for item, line in enumerate(lines, 1)))
    return 0
