"""SELinux as the kernel's security module: it labels new inodes, reports labels, and
decides every access the kernel checks, through :func:`simulator.selinux.decision.decide`.

Like the kernel's AVC, decisions are cached per (source context, target context, class)
until the policy, a boolean or the mode changes (``avc_ss_reset``); a cached denial audits
again each time, and a permission granted only because the mode or the domain is permissive
is remembered, so the same permissive denial is logged once.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from simulator.errors import ContextError
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import SELINUX_CLASS_BY_KIND_VALUE, SELINUX_XATTR, Inode, Kind
from simulator.kernel.process import Process
from simulator.kernel.security import ALLOWED, AccessRequest, CheckResult
from simulator.selinux.context import SecurityContext, parse_context
from simulator.selinux.decision import Decision, decide
from simulator.selinux.genfs import genfs_context, new_root_context
from simulator.selinux.labeling import new_object_context
from simulator.selinux.rules import TeRule
from simulator.selinux.state import SelinuxState

UNLABELED = "system_u:object_r:unlabeled_t:s0"


def _genfs_label(fs: Filesystem) -> str | None:
    """genfscon: filesystems without label xattrs report one context for every inode;
    a ``context=`` mount (an NFS client's, :mod:`simulator.kernel.nfs_client`) its own."""
    features = fs.features
    if features.xattrs and not features.genfs_labels:
        return None  # labels in xattrs (a context= mount is NFS, which has genfs labels)
    mount_context: str | None = getattr(fs, "mount_context", None)
    if mount_context is not None:
        return mount_context
    if fs.features.xattrs and not fs.features.genfs_labels:
        return None
    return genfs_context(fs.fstype)


UNLABELED_RAW = UNLABELED.encode()
NEW_LABELS_KEPT = 4096  # remembered labels (SelinuxState.new_labels, .contexts)


_GRANTED = object()  # a cached decision that grants every requested permission


class _Denial(NamedTuple):
    """A cached decision that denies something, with what its AVC records print."""

    decision: Decision
    scontext: str
    tcontext: str
    denied: tuple[str, ...]
    audited: tuple[str, ...]


def _target_key(fs: Filesystem, inode: Inode, new_label: bytes | None) -> bytes | str:
    """What the target's SID is derived from: the new label, the filesystem's one label,
    or the inode's ``security.selinux``."""
    if new_label is not None:
        return new_label
    fixed = _genfs_label(fs)
    if fixed is not None:
        return fixed
    return inode.xattrs.get(SELINUX_XATTR, UNLABELED_RAW)


class SelinuxLsm:
    name = "selinux"

    def __init__(self) -> None:
        self.selinux = SelinuxState()
        self.decisions = self.selinux  # SecurityModule.decisions: kept with self.selinux
        self.permissive_grants: set[tuple[str, str, str, str]] = set()
        self.last_decision: Decision | None = None
        # valid_label's answers, for the policy they were given under (they depend on its
        # users, roles and types only): a relabel asks again for the same few labels.
        self.valid_labels: dict[bytes, bool] = {}
        self.valid_labels_policy: object = None

    @property
    def generation(self) -> int:
        """Bumped at every AVC flush (policy load, boolean, mode) and state load."""
        return self.selinux.generation

    # -- what the kernel asks -------------------------------------------------------------

    def check(self, request: AccessRequest) -> CheckResult:
        key = (
            request.process.context,
            _target_key(request.fs, request.inode, request.new_label),
            request.tclass,
            request.perms,
        )
        vectors = self.selinux.access_vectors
        entry = vectors.get(key)
        if entry is None:
            entry = self._compute(
                request.process,
                request.fs,
                request.inode,
                request.tclass,
                request.perms,
                request.new_label,
            )
            vectors.put(key, entry)
        if entry is _GRANTED:
            return ALLOWED
        assert isinstance(entry, _Denial)
        # A cached denial still audits, as the kernel's does (``avc_audit`` after the lookup).
        decision = entry.decision
        self.last_decision = decision
        grant_key = (entry.scontext, entry.tcontext, request.tclass)
        audited = tuple(p for p in entry.audited if (*grant_key, p) not in self.permissive_grants)
        if decision.permissive:
            self.permissive_grants.update((*grant_key, p) for p in entry.denied)
        avc = None
        if audited:
            from simulator.kernel.audit import AvcRecord  # loaded by the first audited check

            avc = AvcRecord(
                perms=audited,
                pid=request.process.pid,
                comm=request.process.comm,
                dev=request.fs.audit_dev,
                ino=request.inode.ino,
                scontext=entry.scontext,
                tcontext=entry.tcontext,
                tclass=request.tclass,
                permissive=decision.permissive,
                name=request.name,
                path=request.path,
            )
        return CheckResult(enforced=decision.enforced, avc=avc)

    def allows(
        self,
        process: Process,
        fs: Filesystem,
        inode: Inode,
        tclass: str,
        perms: tuple[str, ...],
        new_label: bytes | None,
    ) -> bool:
        """``avc_has_perm_noaudit``: the cached decision, computed on a miss (as the
        kernel's ``avc_compute_av`` fills the cache before ``avc_audit`` looks at it), is a
        grant of every permission. False leaves the auditing to :meth:`check`."""
        target: bytes | str | None = new_label
        if target is None:  # _target_key, inlined: this runs for every check
            features = fs.features
            if features.xattrs and not features.genfs_labels:
                target = inode.xattrs.get(SELINUX_XATTR, UNLABELED_RAW)
            else:
                target = _genfs_label(fs)
                if target is None:
                    target = inode.xattrs.get(SELINUX_XATTR, UNLABELED_RAW)
        key = (process.context, target, tclass, perms)
        vectors = self.selinux.access_vectors
        entry = vectors.young.get(key)  # AccessVectorCache.get, its common case inlined
        if entry is None:
            # AccessVectorCache.get's other case in line: an old entry hit comes back young
            entry = vectors.old.pop(key, None)
            if entry is None:
                entry = self._compute(process, fs, inode, tclass, perms, new_label)
            vectors.put(key, entry)
        return entry is _GRANTED

    def _compute(
        self,
        process: Process,
        fs: Filesystem,
        inode: Inode,
        tclass: str,
        perms: tuple[str, ...],
        new_label: bytes | None,
    ) -> _Denial | object:
        """``avc_compute_av``: ask the security server, on a cache miss."""
        subject = parse_context(process.context)
        if new_label is not None:
            target = self.context_of(new_label)
        else:
            features = fs.features
            if features.xattrs and not features.genfs_labels:  # object_context, in line
                target = self.context_of(inode.xattrs.get(SELINUX_XATTR, UNLABELED_RAW))
            else:
                target = self.object_context(fs, inode)
        # The decision depends on the contexts only through their types and the relations
        # of their levels the MCS constraints test (context_struct_compute_av): every
        # constraint expression (decision.evaluate) is a function of "h1 dom h2" and
        # "l2 eq h2".
        high = target.range.high  # target.high, without the property
        low = target.range.low
        subject_high = subject.range.high
        grant_key = (
            subject.type,
            target.type,
            tclass,
            perms,
            # subject.range.high.dominates(high), in line
            subject_high.sensitivity >= high.sensitivity
            and subject_high.categories >= high.categories,
            low is high or low == high,  # a single level is one object (MlsRange.single)
        )
        grants = self.selinux.grant_cache
        if grant_key in grants:
            return _GRANTED
        decision = decide(self.selinux, subject, target, tclass, perms)
        denied = decision.denied
        if not denied:
            grants[grant_key] = True
            return _GRANTED
        return _Denial(decision, str(subject), str(target), denied, decision.audited)

    def object_context(self, fs: Filesystem, inode: Inode) -> SecurityContext:
        """The inode's SID as a context: invalid or missing labels act as unlabeled_t."""
        raw = _genfs_label(fs)
        if raw is not None:
            return self.context_of(raw.encode())
        return self.context_of(inode.xattrs.get(SELINUX_XATTR, UNLABELED_RAW))

    def context_of(self, raw: bytes) -> SecurityContext:
        """A label as the policy sees it: anything invalid maps to unlabeled_t."""
        contexts = self.selinux.contexts
        context = contexts.get(raw)
        if context is None:
            context = self._context_of(raw)
            if len(contexts) >= NEW_LABELS_KEPT:
                contexts.clear()  # bounded: every domain's images have a label of their own
            contexts[raw] = context
        return context

    def _context_of(self, raw: bytes) -> SecurityContext:
        try:
            context = parse_context(raw.rstrip(b"\0").decode())
        except (ContextError, UnicodeDecodeError):
            return parse_context(UNLABELED)
        if not self.selinux.policy.valid_context(context):
            return parse_context(UNLABELED)
        return context

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        del name
        parent_label = parent.xattrs.get(SELINUX_XATTR, UNLABELED_RAW)
        tclass = SELINUX_CLASS_BY_KIND_VALUE[kind._value_]  # kind.selinux_class
        key = (process.context, parent_label, tclass)
        labels = self.selinux.new_labels
        label = labels.get(key)
        if label is None:
            subject = parse_context(process.context)
            parent_context = self.context_of(parent_label)
            context = new_object_context(self.selinux.policy, subject, parent_context, tclass)
            label = str(context).encode() + b"\0"
            if len(labels) >= NEW_LABELS_KEPT:
                labels.clear()  # bounded: every domain's process has a context of its own
            labels[key] = label
        return label

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        features = fs.features
        if not features.xattrs or features.genfs_labels:  # _genfs_label's first test
            genfs = _genfs_label(fs)
            if genfs is not None:
                return genfs.encode() + b"\0"
        if SELINUX_XATTR not in inode.xattrs:
            return UNLABELED.encode() + b"\0"
        return None

    def valid_label(self, value: bytes) -> bool:
        policy = self.selinux.policy
        if self.valid_labels_policy is not policy:
            self.valid_labels, self.valid_labels_policy = {}, policy
        valid = self.valid_labels.get(value)
        if valid is None:
            valid = self._valid_label(value)
            if len(self.valid_labels) >= NEW_LABELS_KEPT:
                self.valid_labels.clear()  # bounded: every domain's images have their own
            self.valid_labels[value] = valid
        return valid

    def _valid_label(self, value: bytes) -> bool:
        """``security_context_to_sid()``'s verdict on a label."""
        try:
            context = parse_context(value.decode())
        except (ContextError, UnicodeDecodeError):
            return False
        return self.selinux.policy.valid_context(context)

    def new_root_label(self, fstype: str) -> str | None:
        return new_root_context(fstype)

    # -- what administrators change (setenforce, setsebool, semodule) ------------------------

    def setenforce(self, enforcing: bool) -> None:
        self.selinux.set_enforcing(enforcing)
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
        loaded = SelinuxState.from_dict(state["selinux"])
        loaded.generation += self.selinux.generation + 1  # never an earlier generation again
        self.selinux = loaded
        self.decisions = loaded
        self.permissive_grants = {(a, b, c, d) for a, b, c, d in state["permissive_grants"]}
