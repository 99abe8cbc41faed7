"""The campaign's checks: no hang, no exit 70, no Python text, and a failed command leaves the
host as the kernel or libvirt leaves it (issue 19).

``LEGITIMATE_PARTIAL_EFFECTS`` is the one list of changes a failed command may leave behind,
each with the reason a real host leaves it too. Anything else that changes is a finding.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import attrs

import simulator
from simulator.kernel.snapshot import dump_state

# The step bound: one input (a line, a file, a state) may take this long, then it hangs.
STEP_SECONDS = 20.0

# Text that only Python prints: exception names, reprs, interpreter messages.
PYTHON_TEXT = re.compile(
    r"Traceback|internal error in|\b[A-Z][A-Za-z]*(Error|Exception)\(|Exceeds the limit"
    r"|object has no attribute|invalid literal for int\(\)|can't concat|unsupported operand"
    r"|NoneType|maximum recursion depth|codec can't|surrogates not allowed|\bat 0x[0-9a-f]+>"
)

# How many inputs of each kind the campaign ran (the soak prints it).
COUNTS: Counter[str] = Counter()
_STARTED = time.monotonic()


def write_report(path: str) -> None:
    """The soak's record: time, counts per input kind, findings (rewritten as it goes)."""
    record = {
        "seconds": round(time.monotonic() - _STARTED),
        "inputs": sum(COUNTS.values()),
        "counts": dict(sorted(COUNTS.items())),
        "findings": {name: [count, FINDING_EXAMPLES[name]] for name, count in FINDINGS.items()},
    }
    Path(path).write_text(json.dumps(record, indent=1, sort_keys=True))


def count(kind: str) -> None:
    COUNTS[kind] += 1
    report = os.environ.get("SECLAB_FUZZ_REPORT")
    if report and sum(COUNTS.values()) % 500 == 0:
        write_report(report)


class Hang(Exception):
    """An input ran past :data:`STEP_SECONDS`."""


@contextlib.contextmanager
def step_bound(what: str, seconds: float = STEP_SECONDS) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer after {seconds} s: {what!r}")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_no_python_text(text: str, what: str) -> None:
    match = PYTHON_TEXT.search(text)
    assert match is None, f"Python text {match.group(0)!r} in the output of {what!r}:\n{text}"


# -- the host's state, as names a person can read ------------------------------------------------


def _paths(fs: dict[str, Any]) -> dict[int, str]:
    inodes = {inode["ino"]: inode for inode in fs["inodes"]}
    names = {fs["root_ino"]: "/"}
    stack = [fs["root_ino"]]
    while stack:
        ino = stack.pop()
        for name, child in sorted((inodes.get(ino, {}).get("entries") or {}).items()):
            if child not in names and child in inodes:
                names[child] = names[ino].rstrip("/") + "/" + name
                stack.append(child)
    return names


def flat_state(host: simulator.Host) -> dict[str, Any]:
    """Every fact of the host under a readable key (``file:dm-0:/etc/passwd:mode``)."""
    state = dump_state(host)
    out: dict[str, Any] = {}

    def put(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                put(f"{prefix}:{key}", item)
        else:
            out[prefix] = json.dumps(value, sort_keys=True)

    for fs in state.pop("filesystems"):
        names = _paths(fs)
        for inode in fs.pop("inodes"):
            name = names.get(inode["ino"], f"#{inode['ino']}")
            put(f"file:{fs['audit_dev']}:{name}", inode)
        put(f"fs:{fs['fs_id']}", fs)
    for key, id_field in (("mounts", "mount_id"), ("namespaces", "ns_id"), ("processes", "pid")):
        for item in state.pop(key):
            put(f"{key}:{item[id_field]}", item)
    put("host", state)
    daemon = host._daemon  # the daemon's memory is state too
    if daemon is not None:
        for name, domain in daemon.domains.items():
            put(f"domain:{name}", {"active": domain.active, "pid": domain.pid, "id": domain.id})
        put("mcs", {"reserved": sorted(daemon.mcs.reserved)})
    return out


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# -- the one list of legitimate partial effects -------------------------------------------------


@attrs.frozen
class PartialEffect:
    name: str
    why: str
    keys: tuple[str, ...]  # fnmatch patterns over flat_state keys
    applies: Callable[[str], bool] = lambda line: True


# Tools that act on each operand in turn and go on after an error.
MULTI_OPERAND = frozenset(
    {"rm", "rmdir", "mkdir", "touch", "chmod", "chown", "chgrp", "chcon", "ln", "cp", "mv"}
    | {"restorecon", "setfattr", "cat"}
)


def _several_steps(line: str) -> bool:
    words = line.split()
    if any(w in (";", "&&", "||", "|") for w in words):
        return True
    operands = [w for w in words[1:] if not w.startswith("-")]
    return bool(words) and words[0] in MULTI_OPERAND and len(operands) > 1


LEGITIMATE_PARTIAL_EFFECTS = (
    PartialEffect(
        "clock tick",
        "host.md 'Identity, clock, randomness': every typed command line moves the virtual "
        "clock on by one second, whatever its outcome.",
        ("host:clock:now",),
    ),
    PartialEffect(
        "audit records",
        "the kernel audits denied and failed system calls (AVC, SYSCALL success=no): a failed "
        "command leaves its records in the audit log, as auditd keeps them on a host (and "
        "auditd appends them to /var/log/audit/audit.log, simulator/system/auditd.py).",
        ("host:audit*", "host:counters:audit_events", "file:*:/var/log/audit/audit.log:*"),
    ),
    PartialEffect(
        "file descriptors and access times",
        "a failed command may have opened and read files first: the shell's fd counter moves "
        "and atime is updated, as the kernel does for any read.",
        ("processes:*:next_fd", "file:*:atime"),
    ),
    PartialEffect(
        "kernel counters and randomness",
        "a real kernel never hands out a pid, namespace id, mount id, device minor or inode "
        "number twice in a row, and libvirt's MCS draw consumed its random numbers: a failed "
        "'virsh start' that forked qemu and mounted its /dev before failing consumed them on a "
        "host too (libvirt: qemuProcessLaunch, then qemuProcessStop).",
        (
            "host:counters:next_*",
            "host:anon_minor:*",
            "host:random",
            "fs:*:next_ino",
        ),
    ),
    PartialEffect(
        "the domain's log",
        "libvirt opens /var/log/libvirt/qemu/NAME.log and writes qemu's command line before "
        "qemu runs; qemu's own error lines go there too, and the log stays after a failed "
        "start (qemuProcessLaunch: qemuDomainLogContextNew).",
        ("host:counters:qemu_log_lines", "file:dm-0:/var/log/libvirt/qemu/*"),
        lambda line: "virsh" in line,
    ),
    PartialEffect(
        "read-only and shareable disks keep their labels",
        "a failed start runs qemuProcessStop, whose restore skips read-only and shared images "
        "(virSecuritySELinuxRestoreImageLabelInt, virSecurityDACRestoreImageLabelInt: other "
        "domains may still use them), so the label and owner libvirt gave them stay; remembered "
        "trusted.libvirt.* xattrs are still checked (they are not in this list).",
        ("file:*:uid", "file:*:gid", "file:*:xattrs:security.selinux"),
        lambda line: re.match(r"virsh (start|create)\b", line) is not None,
    ),
    PartialEffect(
        "directory times",
        "creating and removing an entry updates the directory's mtime and ctime (POSIX), so a "
        "status file or /dev node that libvirt created and removed again leaves new times.",
        ("file:*:mtime", "file:*:ctime"),
    ),
    PartialEffect(
        "redirection target",
        "bash opens a redirection's file before the command runs (bash: do_redirections), so "
        "'cmd > FILE' creates or truncates FILE even when cmd fails.",
        ("file:*",),
        lambda line: ">" in line,
    ),
    PartialEffect(
        "earlier operands",
        "coreutils tools act on each operand in turn and go on after an error (rm, mkdir, "
        "chmod, chown, chcon, touch, ln): a failure at one operand keeps what the earlier ones "
        "did; likewise every command before the last one of a list (';', '&&', '||').",
        ("*",),
        lambda line: _several_steps(line),
    ),
)


def unexplained_changes(line: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    effects = [e for e in LEGITIMATE_PARTIAL_EFFECTS if e.applies(line)]
    return [
        key
        for key in changed_keys(before, after)
        if not any(fnmatch.fnmatchcase(key, pattern) for e in effects for pattern in e.keys)
    ]


# -- open findings in other engineers' parts of issue 19 -----------------------------------------


@attrs.frozen
class OpenFinding:
    """A defect the campaign found that another item of issue 19 fixes: counted, not failed.

    Delete the entry when its fix lands; the campaign then guards the fix."""

    name: str
    line: str  # regex the command line matches
    output: str = ""  # regex the output matches
    keys: tuple[str, ...] = ("*",)  # fnmatch patterns every unexplained change matches


# Defects of other items found by the campaign, counted instead of failing while their fix
# was pending. Items 2, 3 and 6 (a failed start keeping its MCS pair, virsh create's
# KeyError) were fixed by the libvirt round-2 work, so the campaign now guards them.
OPEN_FINDINGS: tuple[OpenFinding, ...] = ()
FINDINGS: Counter[str] = Counter()
FINDING_EXAMPLES: dict[str, str] = {}


def _open_finding(line: str, output: str, keys: list[str]) -> bool:
    for finding in OPEN_FINDINGS:
        if (
            re.search(finding.line, line)
            and re.search(finding.output, output)
            and all(any(fnmatch.fnmatchcase(k, p) for p in finding.keys) for k in keys)
        ):
            FINDINGS[finding.name] += 1
            FINDING_EXAMPLES.setdefault(finding.name, f"{line!r}: {output.strip()[:200]!r}")
            return True
    return False


# The soak records new problems and goes on (SECLAB_FUZZ_RECORD=1); CI fails on the first.
RECORD = os.environ.get("SECLAB_FUZZ_RECORD") == "1"


def problem(signature: str, detail: str) -> None:
    """A new finding: fail, or (soak) count it under ``signature`` and go on."""
    if not RECORD:
        raise AssertionError(detail)
    FINDINGS["new: " + signature] += 1
    FINDING_EXAMPLES.setdefault("new: " + signature, detail[:400])


def check_line(host: simulator.Host, line: str, kind: str) -> int:
    """Run one command line with every check of the campaign; returns its status."""
    count(kind)
    command = line.split()[0] if line.split() else ""
    if "virsh" in line:
        host.libvirt  # noqa: B018 - socket activation starts the daemon before virsh talks to it
    before = flat_state(host)
    try:
        with step_bound(line):
            result = host.run(line)
    except Hang as error:
        problem(f"hang in {command}", str(error))
        return -1
    if result.status == 70:
        if not _open_finding(line, result.output, []):
            problem(f"exit 70 from {command}", f"exit 70 from {line!r}: {result.output}")
        return result.status
    match = PYTHON_TEXT.search(result.output)
    if match:
        problem(
            f"Python text {match.group(0)!r} from {command}",
            f"Python text {match.group(0)!r} in the output of {line!r}:\n{result.output}",
        )
    if result.status != 0:
        unexplained = unexplained_changes(line, before, flat_state(host))
        if unexplained and not _open_finding(line, result.output, unexplained):
            problem(
                f"failed {command} changed {unexplained[0].split(':')[0]}",
                f"{line!r} failed (status {result.status}: {result.output.strip()!r}) but "
                f"changed {unexplained[:12]}",
            )
    return result.status
