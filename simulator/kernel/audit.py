"""The audit trail's records: AVC, SYSCALL and PROCTITLE records, grouped into events by
serial.

Raw text follows the kernel (``security/selinux/avc.c``, ``security/lsm_audit.c``,
``kernel/auditsc.c``): two spaces after ``avc:``, after ``denied`` and after ``for``; untrusted
strings (comm, name, path, proctitle) are quoted, or hex when they hold a space, a control
character or a double quote. Events reach the audit log (:mod:`simulator.kernel.audit_log`)
only while auditd is registered; otherwise the kernel prints them to its own log. This module
is loaded by the first event: a run without one does not make its classes.
"""

from __future__ import annotations

from typing import Any

import attrs

AUDIT_ARCH_X86_64 = "c000003e"
PROCTITLE_MAX = 128
RECORD_TYPE_NUMBERS = {"AVC": 1400, "SYSCALL": 1300, "PROCTITLE": 1327}


def untrusted(value: str | bytes) -> str:
    """``audit_log_untrustedstring()``: quoted, or upper-case hex if it needs escaping."""
    data = value.encode() if isinstance(value, str) else value
    if any(b < 0x21 or b > 0x7E or b == 0x22 for b in data):
        return data.hex().upper()
    return '"' + data.decode() + '"'


@attrs.frozen(repr=False)
class AvcRecord:
    perms: tuple[str, ...]
    pid: int
    comm: str
    dev: str
    ino: int
    scontext: str
    tcontext: str
    tclass: str
    permissive: bool
    name: str | None = None
    path: str | None = None
    granted: bool = False

    def body(self) -> str:
        where = ""
        if self.path is not None:
            where = f" path={untrusted(self.path)}"
        elif self.name is not None:
            where = f" name={untrusted(self.name)}"
        verdict = "granted" if self.granted else "denied"
        return (
            f"avc:  {verdict}  {{ {' '.join(self.perms)} }} for  pid={self.pid} "
            f"comm={untrusted(self.comm)}{where} dev={untrusted(self.dev)} ino={self.ino} "
            f"scontext={self.scontext} tcontext={self.tcontext} tclass={self.tclass} "
            f"permissive={int(self.permissive)}"
        )


@attrs.frozen(repr=False)
class SyscallRecord:
    syscall: str
    number: int
    success: bool
    exit: int
    args: tuple[int, int, int, int]
    ppid: int
    pid: int
    auid: int
    uid: int
    gid: int
    tty: str | None
    ses: int
    comm: str
    exe: str
    subj: str
    items: int = 0
    key: str | None = None

    def body(self) -> str:
        a0, a1, a2, a3 = (f"{a & 0xFFFFFFFFFFFFFFFF:x}" for a in self.args)
        ids = (
            f"uid={self.uid} gid={self.gid} euid={self.uid} suid={self.uid} fsuid={self.uid} "
            f"egid={self.gid} sgid={self.gid} fsgid={self.gid}"
        )
        return (
            f"arch={AUDIT_ARCH_X86_64} syscall={self.number} "
            f"success={'yes' if self.success else 'no'} exit={self.exit} "
            f"a0={a0} a1={a1} a2={a2} a3={a3} items={self.items} ppid={self.ppid} "
            f"pid={self.pid} auid={self.auid} {ids} tty={self.tty or '(none)'} ses={self.ses} "
            f"comm={untrusted(self.comm)} exe={untrusted(self.exe)} subj={self.subj} "
            f"key={'(null)' if self.key is None else untrusted(self.key)}"
        )


@attrs.frozen(repr=False)
class ProctitleRecord:
    argv: tuple[str, ...]

    def body(self) -> str:
        data = "\0".join(self.argv).encode()[:PROCTITLE_MAX]
        return f"proctitle={untrusted(data)}"


@attrs.frozen(repr=False)
class AuditEvent:
    serial: int
    seconds: int
    millis: int
    avcs: tuple[AvcRecord, ...]
    syscall: SyscallRecord | None = None
    proctitle: ProctitleRecord | None = None

    @property
    def stamp(self) -> str:
        return f"audit({self.seconds}.{self.millis:03d}:{self.serial})"

    def records(self) -> list[tuple[str, str]]:
        """(type, body) in the order the kernel emits them."""
        out = [("AVC", avc.body()) for avc in self.avcs]
        if self.syscall is not None:
            out.append(("SYSCALL", self.syscall.body()))
        if self.proctitle is not None:
            out.append(("PROCTITLE", self.proctitle.body()))
        return out

    def raw_lines(self) -> list[str]:
        """As ``/var/log/audit/audit.log`` and ``ausearch --raw`` show them."""
        return [f"type={kind} msg={self.stamp}: {body}" for kind, body in self.records()]

    def kernel_lines(self) -> list[str]:
        """As the kernel prints them when no audit daemon listens."""
        return [
            f"audit: type={RECORD_TYPE_NUMBERS[kind]} {self.stamp}: {body}"
            for kind, body in self.records()
        ]


def event_from_dict(data: dict[str, Any]) -> AuditEvent:
    syscall = data["syscall"]
    proctitle = data["proctitle"]
    return AuditEvent(
        serial=data["serial"],
        seconds=data["seconds"],
        millis=data["millis"],
        avcs=tuple(AvcRecord(**{**a, "perms": tuple(a["perms"])}) for a in data["avcs"]),
        syscall=None
        if syscall is None
        else SyscallRecord(**{**syscall, "args": tuple(syscall["args"])}),
        proctitle=None if proctitle is None else ProctitleRecord(tuple(proctitle["argv"])),
    )
