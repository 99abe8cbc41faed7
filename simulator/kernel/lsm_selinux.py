"""SELinux as the kernel's security module: it labels new inodes, reports labels, and
decides every access the kernel checks, through :func:`simulator.selinux.decision.decide`.

Like the kernel's AVC, a permission granted only because the mode or the domain is
permissive is remembered, so the same denial is logged once until the policy, a boolean or
the mode changes (``avc_ss_reset``).
"""

from __future__ import annotations

from typing import Any

from simulator.errors import ContextError
from simulator.kernel.audit import AvcRecord
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import SELINUX_XATTR, Inode, Kind
from simulator.kernel.process import Process
from simulator.kernel.security import ALLOWED, AccessRequest, CheckResult
from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import Decision, decide
from simulator.selinux.genfs import genfs_context, new_root_context
from simulator.selinux.labeling import new_object_context
from simulator.selinux.rules import TeRule
from simulator.selinux.state import SelinuxState

UNLABELED = "system_u:object_r:unlabeled_t:s0"


def _genfs_label(fs: Filesystem) -> str | None:
    """genfscon: filesystems without label xattrs report one context for every inode;
    a ``context=`` mount (an NFS client's, :mod:`simulator.kernel.nfs_client`) its own."""
    mount_context: str | None = getattr(fs, "mount_context", None)
    if mount_context is not None:
        return mount_context
    if fs.features.xattrs and not fs.features.genfs_labels:
        return None
    return genfs_context(fs.fstype)


class SelinuxLsm:
    name = "selinux"

    def __init__(self) -> None:
        self.selinux = SelinuxState()
        self.permissive_grants: set[tuple[str, str, str, str]] = set()
        self.last_decision: Decision | None = None

    # -- what the kernel asks -------------------------------------------------------------

    def check(self, request: AccessRequest) -> CheckResult:
        subject = SecurityContext.parse(request.process.context)
        target = self.object_context(request.fs, request.inode)
        if request.new_label is not None:
            target = self.context_of(request.new_label)
        decision = decide(self.selinux, subject, target, request.tclass, request.perms)
        if not decision.denied:
            return ALLOWED
        self.last_decision = decision
        key = (str(subject), str(target), request.tclass)
        audited = tuple(p for p in decision.audited if (*key, p) not in self.permissive_grants)
        if decision.permissive:
            self.permissive_grants.update((*key, p) for p in decision.denied)
        avc = None
        if audited:
            avc = AvcRecord(
                perms=audited,
                pid=request.process.pid,
                comm=request.process.comm,
                dev=request.fs.audit_dev,
                ino=request.inode.ino,
                scontext=str(subject),
                tcontext=str(target),
                tclass=request.tclass,
                permissive=decision.permissive,
                name=request.name,
                path=request.path,
            )
        return CheckResult(enforced=decision.enforced, avc=avc)

    def object_context(self, fs: Filesystem, inode: Inode) -> SecurityContext:
        """The inode's SID as a context: invalid or missing labels act as unlabeled_t."""
        raw = _genfs_label(fs)
        if raw is not None:
            return self.context_of(raw.encode())
        return self.context_of(inode.xattrs.get(SELINUX_XATTR, UNLABELED.encode()))

    def context_of(self, raw: bytes) -> SecurityContext:
        """A label as the policy sees it: anything invalid maps to unlabeled_t."""
        try:
            context = SecurityContext.parse(raw.rstrip(b"\0").decode())
        except (ContextError, UnicodeDecodeError):
            return SecurityContext.parse(UNLABELED)
        if not self.selinux.policy.valid_context(context):
            return SecurityContext.parse(UNLABELED)
        return context

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        del name
        subject = SecurityContext.parse(process.context)
        parent_context = self.context_of(parent.xattrs.get(SELINUX_XATTR, UNLABELED.encode()))
        context = new_object_context(
            self.selinux.policy, subject, parent_context, kind.selinux_class
        )
        return str(context).encode() + b"\0"

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        genfs = _genfs_label(fs)
        if genfs is not None:
            return genfs.encode() + b"\0"
        if SELINUX_XATTR not in inode.xattrs:
            return UNLABELED.encode() + b"\0"
        return None

    def valid_label(self, value: bytes) -> bool:
        try:
            context = SecurityContext.parse(value.decode())
        except (ContextError, UnicodeDecodeError):
            return False
        return self.selinux.policy.valid_context(context)

    def new_root_label(self, fstype: str) -> str | None:
        return new_root_context(fstype)

    # -- what administrators change (setenforce, setsebool, semodule) ------------------------

    def setenforce(self, enforcing: bool) -> None:
        self.selinux.enforcing = enforcing
        self.permissive_grants.clear()

    def set_boolean(self, name: str, value: bool) -> None:
        self.selinux.set_boolean(name, value)
        self.permissive_grants.clear()

    def load_module(self, name: str, rules: tuple[TeRule, ...]) -> None:
        self.selinux.load_module(name, rules)
        self.permissive_grants.clear()

    # -- snapshots ------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {
            "selinux": self.selinux.to_dict(),
            "permissive_grants": sorted(list(g) for g in self.permissive_grants),
        }

    def load_state(self, state: dict[str, Any]) -> None:
        self.selinux = SelinuxState.from_dict(state["selinux"])
        self.permissive_grants = {(a, b, c, d) for a, b, c, d in state["permissive_grants"]}
