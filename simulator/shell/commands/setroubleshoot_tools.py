"""setroubleshoot's faces: the journal summary line and ``sealert -l ID`` (selinux-policy.md 5)."""

from __future__ import annotations

import contextlib
import re
import textwrap
import time

from simulator.errors import NotModelled
from simulator.kernel import errno_table as errno
from simulator.kernel.audit import AUDIT_ARCH_X86_64, AuditEvent, AvcRecord
from simulator.selinux.context import SecurityContext
from simulator.selinux.setroubleshoot import Alert, Denial, analyse, plugin_header
from simulator.shell.host_views import selinux_lsm
from simulator.shell.registry import CommandContext, command
from simulator.system.profile import HostProfile
from simulator.system.profiles import DEFAULT_PROFILE, get_profile

POLICY_RPM = "selinux-policy-targeted-38.1.23-1.el9.noarch"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KERNEL_VERSION = "#2 SMP Tue Apr 29 19:11:09 PDT 2025"  # uname -v of the lab host
VALUE_INDENT = 30
SETROUBLESHOOT_DELAY = 2  # the analysis lands in the journal a moment after the denial


def stamp(seconds: int) -> str:
    t = time.gmtime(seconds)
    return f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"


def _alerts(ctx: CommandContext) -> list[tuple[str, AuditEvent, AvcRecord, Alert]]:
    lsm = selinux_lsm(ctx.host)
    if lsm is None:
        return []
    out: list[tuple[str, AuditEvent, AvcRecord, Alert]] = []
    for event in ctx.host.audit.events:
        for avc in event.avcs:
            if avc.granted:  # avc_audit.py: only denials become alerts
                continue
            denial = Denial(
                scontext=SecurityContext.parse(avc.scontext),
                tcontext=SecurityContext.parse(avc.tcontext),
                tclass=avc.tclass,
                perms=avc.perms,
                source=avc.comm,
                source_path=event.syscall.exe if event.syscall else avc.comm,
                target_path=avc.path or avc.name,
                syscall=event.syscall.syscall if event.syscall else None,
            )
            local_id = f"{event.serial:08x}-5ec1-4ab0-9d1a-{len(out):012x}"
            out.append(
                (local_id, event, avc, analyse(denial, lsm.selinux, lsm.selinux.file_contexts))
            )
    return out


def journal_lines(ctx: CommandContext) -> list[str]:
    """Per denial, two entries (setroubleshoot server.py ``report_problem``): the syslog
    summary with its ``sealert -l`` hint, then ``systemd.journal.send(format_text())``.
    journalctl prints a multi-line message with every further line indented to the width of
    the prefix, empty lines included (systemd logs-show.c ``print_multiline``)."""
    lines: list[str] = []
    for i, (local_id, event, avc, alert) in enumerate(_alerts(ctx)):
        del avc
        host = ctx.machine.profile.hostname
        prefix = (
            f"{stamp(event.seconds + SETROUBLESHOOT_DELAY)} {host} setroubleshoot[{4900 + i}]: "
        )
        lines.append(
            f"{prefix}{alert.summary} For complete SELinux messages run: sealert -l {local_id}"
        )
        # The message's closing blank lines are not shown (the walkthrough's entry ends at
        # the last ``# semodule`` line).
        message = format_text(alert).rstrip("\n").splitlines()
        lines.append(prefix + message[0])
        lines += [" " * len(prefix) + line for line in message[1:]]
    return lines


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _full_date(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))


def format_text(alert: Alert) -> str:
    """signature.py ``format_text()``: the summary, then each plugin's title, If, Then, Do."""
    text = alert.summary
    for suggestion in alert.suggestions:
        text += "\n\n" + plugin_header(suggestion) + "\n"
        text += "\n" + suggestion.if_text
        text += "\nThen " + _lower_first(suggestion.then_text)
        text += "\nDo\n" + _lower_first(suggestion.do_text)
    return text + "\n\n"


def _two_columns(name: str, value: str) -> str:
    """util.py ``format_2_column_name_value``: the value at column 30, wrapped at 80."""
    indent = name[:29] + " " if len(name) >= VALUE_INDENT else name.ljust(VALUE_INDENT)
    if not value or value.isspace():
        return indent + value + "\n"
    wrapper = textwrap.TextWrapper(
        width=80, initial_indent=indent, subsequent_indent=" " * VALUE_INDENT
    )
    return wrapper.fill(value) + "\n"


def _audit_event_id(event: AuditEvent) -> str:
    """audit_data.py ``AuditEventID.__str__``: ``audit(%d.%d:%d)``, so the milliseconds
    lose their leading zeros (``.096`` in the log is ``.96`` here)."""
    return f"audit({event.seconds}.{event.millis}:{event.serial})"


FIELD_RE = re.compile(r"([^ \t]+)\s*=\s*([^ \t]+)")
HEX_KEYS = frozenset({"name", "path", "comm", "cmd", "exe", "cwd"})


def _fields_text(kind: str, body: str, event: AuditEvent) -> str:
    """audit_data.py ``set_fields_from_text``: quotes dropped, arch, syscall and exit
    translated to names, hex-encoded names decoded."""
    out = []
    for match in FIELD_RE.finditer(body):
        key, raw = match.group(1), match.group(2)
        value = raw.strip('"')
        if key == "arch" and value == AUDIT_ARCH_X86_64:
            value = "x86_64"
        elif key == "syscall" and event.syscall is not None and kind == "SYSCALL":
            value = event.syscall.syscall
        elif key == "exit" and value.lstrip("-").isdigit():
            value = errno.errorcode(abs(int(value))) or value
        elif key in HEX_KEYS and not raw.startswith('"'):
            with contextlib.suppress(ValueError):
                value = bytes.fromhex(value).decode()
        out.append(f"{key}={value}")
    return " ".join(out)


def _profile(ctx: CommandContext) -> HostProfile:
    """The host's profile (its name is ``ol9-host``, or its name among a scenario's
    ``hosts``); a shell on a bare kernel runs on the default profile."""
    machine = ctx.shell.machine
    return machine.profile if machine is not None else get_profile(DEFAULT_PROFILE)


def format_details(
    local_id: str,
    event: AuditEvent,
    avc: AvcRecord,
    alert: Alert,
    profile: HostProfile,
    host: str | None = None,
) -> str:
    """signature.py ``format_details()``: Additional Information, then the event's records
    as setroubleshootd keeps them (avc_audit.py ``feed`` keeps AVC and SYSCALL, not
    PROCTITLE), then the hash. ``audit2allow`` is never appended: the code tests
    ``os.path.exist`` (sic), which raises, and the ``except`` skips it."""
    del alert
    hostname = profile.hostname
    host = hostname if host is None else host
    target = avc.path or avc.name or "Unknown"
    rows = [
        ("Source Context", avc.scontext),
        ("Target Context", avc.tcontext),
        ("Target Objects", f"{target} [ {avc.tclass} ]"),
        ("Source", avc.comm),
        ("Source Path", event.syscall.exe if event.syscall else avc.comm),
        ("Port", "<Unknown>"),
        ("Host", host),
        ("Source RPM Packages", ""),
        ("Target RPM Packages", ""),
        ("SELinux Policy RPM", POLICY_RPM),
        ("Local Policy RPM", POLICY_RPM),
        ("Selinux Enabled", "True"),
        ("Policy Type", "targeted"),
        ("Enforcing Mode", "Permissive" if avc.permissive else "Enforcing"),
        ("Host Name", hostname),
        ("Platform", f"Linux {hostname} {profile.kernel_release} {KERNEL_VERSION} x86_64 x86_64"),
        ("Alert Count", "1"),
        ("First Seen", _full_date(event.seconds)),
        ("Last Seen", _full_date(event.seconds)),
        ("Local ID", local_id),
    ]
    text = "Additional Information:\n" + "".join(_two_columns(n, v) for n, v in rows)
    text += "\nRaw Audit Messages"
    event_id = _audit_event_id(event)
    for kind, body in event.records():
        if kind == "AVC":
            text += f"\ntype=AVC msg={event_id}: {body}\n\n"
        elif kind == "SYSCALL":
            text += f"\ntype={kind} msg={event_id}: {_fields_text(kind, body, event)}\n"
    source_type = SecurityContext.parse(avc.scontext).type
    target_type = SecurityContext.parse(avc.tcontext).type
    text += f"\nHash: {avc.comm},{source_type},{target_type},{avc.tclass}," + ",".join(avc.perms)
    return text + "\n"


def report(
    local_id: str,
    event: AuditEvent,
    avc: AvcRecord,
    alert: Alert,
    profile: HostProfile,
    host: str | None = None,
) -> str:
    """What sealert prints of one alert: ``print format_text()``, ``print format_details()``;
    ``host`` is the signature's host (the profile's hostname unless given)."""
    details = format_details(local_id, event, avc, alert, profile, host)
    return format_text(alert) + "\n" + details + "\n"


@command("sealert")
def sealert(ctx: CommandContext) -> int:
    args = ctx.args
    if len(args) == 2 and args[0] in ("-l", "--lookupid"):
        wanted = args[1]
        found = [a for a in _alerts(ctx) if a[0] == wanted or wanted == "*"]
        if not found:
            ctx.out("Error\n")
            ctx.err(f"query_alerts error (1003): id ({wanted}) not found\n")
            return 3
        profile = _profile(ctx)
        ctx.out("".join(report(*alert, profile=profile) for alert in found))
        return 0
    if len(args) == 2 and args[0] in ("-a", "--analyze"):
        return _analyze(ctx, args[1])
    raise NotModelled("sealert " + " ".join(args) + " (the lab has -l ID and -a FILE)")


def _analyze(ctx: CommandContext, path: str) -> int:
    """sealert ``ScanLogfile.output_results``: the count, then each alert after a rule."""
    try:
        ctx.host.read_file(ctx.proc, path)
    except OSError as error:
        ctx.out(f"[Errno {error.errno}] {error.strerror}: '{path}'\n")
        return 3
    from simulator.shell.commands.audit_tools import log_events

    events = log_events(ctx, path, "sealert -a")
    if events is None:
        return 3
    serials = {event.serial for event in events}
    alerts = [a for a in _alerts(ctx) if a[1].serial in serials]
    ctx.out(f"\nfound {len(alerts)} alerts in {path}\n")
    for alert in alerts:
        # A log file's records carry no node=, so the signature's host is unknown.
        text = report(*alert, profile=_profile(ctx), host="<Unknown>")
        ctx.out("-" * 80 + "\n\n" + text)
    return 0
