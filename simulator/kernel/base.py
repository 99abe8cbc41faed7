"""The kernel's state and its path walk; system calls live in the ``calls_*`` modules.

Path resolution follows ``fs/namei.c``: each directory on the way must grant search (DAC,
then the security module), ``..`` climbs out of mounts, mounts are crossed on the way down,
and symlinks are followed up to 40 times before ``ELOOP``. ``/proc/PID/root`` is a "magic
link" into that process's mount namespace, as on Linux.
"""

from __future__ import annotations

import functools
import random
import types
import zlib
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, NamedTuple, ParamSpec, TypeVar

from simulator.errors import InvalidArgument
from simulator.kernel import errno_table as errno
from simulator.kernel import syscall_entries
from simulator.kernel.audit_log import FIRST_AUDIT_SERIAL, AuditLog
from simulator.kernel.clock import BOOT_TIME, CLOCK_START, Clock, Counters, seeded_random
from simulator.kernel.dac import MAY_EXEC, MAY_READ, MAY_WRITE, dac_allows, effective_credentials
from simulator.kernel.errno_util import os_error
from simulator.kernel.faults import Fault, FaultRegistry
from simulator.kernel.filesystem import ROOT_INO_BY_TYPE, Filesystem, features_for
from simulator.kernel.inode import (
    SELINUX_CLASS_BY_KIND_VALUE,
    SELINUX_XATTR,
    DeviceNumber,
    Inode,
    Kind,
)
from simulator.kernel.mounts import Location, Mount, MountNamespace
from simulator.kernel.process import Credentials, Process, credentials_of
from simulator.kernel.security import (
    AccessRequest,
    Generational,
    NoSecurity,
    SecurityModule,
    Syscall,
)

if TYPE_CHECKING:
    from simulator.kernel.audit import AuditEvent, AvcRecord, SyscallRecord

MAX_SYMLINK_HOPS = 40
SEARCH_GRANTS = 256  # contexts whose silently granted directory searches a walk remembers
WALK_CACHE_SIZE = 4096  # cached path walks kept (all namespaces) before the cache starts afresh
EXITS_REMEMBERED = 256  # the last pids to exit, for watchers that notice deaths
RELABELS_REMEMBERED = 256  # the last inodes relabelled, for watchers of open files


PATH_MAX = 4096  # linux/limits.h, the terminating NUL included (fs/namei.c getname)
NAME_MAX = 255  # linux/limits.h; xfs, tmpfs and procfs refuse longer names with ENAMETOOLONG


def check_text(text: str) -> None:
    """A string a system call takes (a path, a name, a label) is a C string of UTF-8: no NUL
    (C strings end there) and no lone surrogate (no bytes to pass). Refused up front, loudly,
    before any Python text can reach a user."""
    if "\0" in text:
        raise InvalidArgument(f"{text!r} contains a NUL byte (C strings end there)")
    if text.isascii():
        return  # no surrogate in ASCII
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArgument(f"{text!r} is not valid text (a lone surrogate)") from None


def check_path(path: str) -> None:
    """``getname`` and lookup limits: PATH_MAX for the whole, NAME_MAX for each name."""
    check_text(path)
    raw = path.encode("utf-8")
    if len(raw) <= NAME_MAX:
        return  # no name in it can be too long
    if len(raw) >= PATH_MAX:
        raise os_error(errno.ENAMETOOLONG, path)
    if any(len(name) > NAME_MAX for name in raw.split(b"/")):
        raise os_error(errno.ENAMETOOLONG, path)


AUDIT_MILLIS_STEP = 137  # host.md: the n-th audit event has milliseconds (n * 137) % 1000

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound="KernelBase")
K2 = TypeVar("K2")


def syscall_entry(
    call: Callable[Concatenate[K, Process, P], R],
) -> Callable[Concatenate[K, Process, P], R]:
    """Give a system call an audit context: the AVCs its checks raise become one event,
    with a SYSCALL record saying how the call ended (``kernel/auditsc.c``).

    Every text argument is checked first (:func:`check_text`). The wrapper is written for
    ``call``'s own parameters (as attrs writes ``__init__``), so that a call costs no
    packing of ``*args``/``**kwargs`` and no loop over them: it runs on every system call.
    Its source is checked in, compiled, in :mod:`simulator.kernel.syscall_entries` (made by
    ``python -m simulator.kernel.syscall_entries_gen``), so that importing the kernel
    compiles nothing; a wrapper whose source is not there as written here (a call whose
    parameters changed since) is compiled here, and a test says the module is out of date.
    """
    qualname = call.__qualname__
    source, defaults = entry_source(call)  # type: ignore[arg-type]
    ENTRY_SOURCES[qualname] = source
    factory = syscall_entries.FACTORIES.get(qualname)
    if factory is None or syscall_entries.SOURCES.get(qualname) != source_digest(source):
        namespace: dict[str, object] = {}
        exec(compile(source, f"<syscall_entry {qualname}>", "exec"), namespace)  # noqa: S102
        compiled = namespace["_factory"]
        assert callable(compiled)
        factory = compiled
    entry = factory(call, check_text, *defaults)
    functools.update_wrapper(entry, call)
    return entry  # type: ignore[no-any-return]


def source_digest(source: str) -> str:
    """What :mod:`simulator.kernel.syscall_entries` records of a wrapper's source."""
    return f"{zlib.crc32(source.encode()):08x}"


# The wrapper source of every call made a system call, by qualified name: what
# :mod:`simulator.kernel.syscall_entries` must hold.
ENTRY_SOURCES: dict[str, str] = {}
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08  # inspect.CO_VARARGS, inspect.CO_VARKEYWORDS


def entry_source(call: types.FunctionType) -> tuple[str, tuple[object, ...]]:
    """The source of ``call``'s wrapper factory, and the default values it takes.

    Read from the code object rather than ``inspect.signature``: it runs at import for
    every system call."""
    code = call.__code__
    if code.co_posonlyargcount or code.co_flags & (_CO_VARARGS | _CO_VARKEYWORDS):
        raise TypeError(f"syscall_entry cannot wrap {call.__qualname__}: *args, **kwargs or /")
    count = code.co_argcount
    names = code.co_varnames[: count + code.co_kwonlyargcount]
    positional_defaults = call.__defaults__ or ()
    keyword_defaults = call.__kwdefaults__ or {}
    annotations = call.__annotations__
    first_default = count - len(positional_defaults)
    signature, passed = ["self", "proc", "/"], ["self", "proc"]
    checks: list[str] = []
    params: list[str] = []
    defaults: list[object] = []
    for index, name in enumerate(names[2:], start=2):
        if name in _ENTRY_LOCALS:
            raise TypeError(f"syscall_entry cannot wrap {call.__qualname__}({name})")
        keyword = index >= count
        if keyword and "*" not in signature:
            signature.append("*")
        default = ""
        if keyword and name in keyword_defaults:
            defaults.append(keyword_defaults[name])
        elif not keyword and index >= first_default:
            defaults.append(positional_defaults[index - first_default])
        if len(defaults) > len(params):
            params.append(f"_entry_default{len(params)}")
            default = f"={params[-1]}"
        signature.append(name + default)
        passed.append(f"{name}={name}" if keyword else name)
        annotation = annotations.get(name)
        if annotation == "str":  # text, typed so: no isinstance to ask first
            checks.append(_ENTRY_CHECK_STR.format(name=name))
        elif annotation not in _NEVER_TEXT:
            checks.append(_ENTRY_CHECK.format(name=name))
    source = _ENTRY_SOURCE.format(
        name=call.__name__,
        factory_params="".join(f"    {param},\n" for param in params),
        signature="".join(f"        {part},\n" for part in signature),
        arguments=", ".join(passed),
        checks="".join(checks),
    )
    return source, tuple(defaults)


_ENTRY_LOCALS = frozenset({"self", "proc", "pending", "result", "error"})
# Parameter annotations that never hold text: the wrapper does not look at those.
_NEVER_TEXT = frozenset({"int", "bool", "bytes"})
# check_text's common case (ASCII, no NUL) inlined, per parameter that may hold text.
_ENTRY_CHECK = """\
        if isinstance({name}, str) and ("\\0" in {name} or not {name}.isascii()):
            _entry_check_text({name})
"""
_ENTRY_CHECK_STR = """\
        if "\\0" in {name} or not {name}.isascii():
            _entry_check_text({name})
"""
_ENTRY_SOURCE = """\
def _factory(
    _entry_call,
    _entry_check_text,
{factory_params}):
    def {name}(
{signature}    ):
        if self.audit_pending is not None:
            return _entry_call({arguments})
{checks}\
        pending = []
        self.audit_pending = pending
        try:
            result = _entry_call({arguments})
        except OSError as error:
            if pending:
                self.audit_exit(proc, success=False, exit_code=-(error.errno or 0))
            else:
                self.audit_pending = None
            raise
        except BaseException:
            self.audit_pending = None
            raise
        if pending:
            self.audit_exit(proc, success=True, exit_code=int(getattr(result, "fd", 0)))
        else:
            self.audit_pending = None  # nothing to audit: no event
        return result

    return {name}
"""


# What a cached walk is filed under in its namespace's cache: path, and the caller's uid,
# gid, groups and SELinux context.
_WalkKey = tuple[str, int, int, tuple[int, ...], str]


class Resolved(NamedTuple):
    """The outcome of a path walk.

    ``location`` is None when only the last component is missing (a create can go on in
    ``parent`` under ``name``). ``path`` is the absolute path walked, inside the namespace
    the walk ended in. A frozen value, a tuple underneath: every walk the cache misses
    makes one, and a tuple is made in a fraction of a frozen attrs class's time.
    """

    location: Location | None
    parent: Location | None
    name: str | None
    path: str


# A cached walk: the answer, and what it depends on (the namespace's mount tops, the
# security module's decisions and their generation, each filesystem passed and its
# generation, and ``follow`` when the last name was a symlink).
_WalkEntry = tuple[
    Resolved,
    dict[tuple[int, int], Mount],
    Generational,
    int,
    tuple[tuple[Filesystem, int], ...],
    bool | None,
]
_NO_CREDENTIALS = Credentials(-1, -1)  # never checked: a walk sets its own before any check
# What the walk cache of a namespace with no cached walks reads as (never written).
_NO_WALKS: dict[_WalkKey, _WalkEntry] = {}


class KernelBase:
    """State shared by every system call: filesystems, mounts, processes, clock, faults."""

    # Tests switch the walk cache off to show it changes nothing but the time taken.
    walk_cache_enabled = True

    def __init__(
        self, *, seed: int = 0, clock: int = CLOCK_START, boot_time: int = BOOT_TIME
    ) -> None:
        self.seed = seed
        self.clock = Clock(clock, boot_time)
        self.counters = Counters()
        self.random: random.Random = seeded_random(seed)
        self.filesystems: dict[int, Filesystem] = {}
        self.mounts: dict[int, Mount] = {}
        self.namespaces: dict[int, MountNamespace] = {}
        self.processes: dict[int, Process] = {}
        self.faults = FaultRegistry()
        self.security: SecurityModule = NoSecurity()
        self.audit = AuditLog()
        self.audit_pending: list[tuple[Syscall, AvcRecord]] | None = None
        self.proc_fs_id: int | None = None
        # Mount bookkeeping kept as state, so nothing scans every mount of every namespace:
        # how many mounts show each filesystem and pin each (filesystem, root inode), and
        # per namespace the top mount on each mountpoint (built on first use, dropped
        # whenever that namespace's mounts change).
        self.fs_mount_count: dict[int, int] = {}
        self.root_pins: dict[tuple[int, int], int] = {}
        self.mount_tops: dict[int, dict[tuple[int, int], Mount]] = {}
        # How many processes have ended, and every pid an AVC named: watchers (the daemon)
        # compare the count to notice deaths without scanning, and keep what they know
        # about a dead pid only while an audit record can still ask about it.
        self.exits = 0
        self.exited_pids: deque[int] = deque(maxlen=EXITS_REMEMBERED)
        self.audited_pids: set[int] = set()
        # The pids in each mount namespace (task->nsproxy->mnt_ns, kept as state): a namespace
        # is released, or a mount found busy, without looking at every process.
        self.ns_users: dict[int, set[int]] = {}
        # How many times a file's SELinux label was set, and the last (filesystem, inode)
        # pairs, as fsnotify's IN_ATTRIB reports them: a watcher of open files compares the
        # count to know which of them to recheck, without looking at every file it holds.
        self.relabels = 0
        self.relabeled: deque[tuple[int, int]] = deque(maxlen=RELABELS_REMEMBERED)
        # Anonymous device minors for filesystems mounted after boot (host.md: NFS is 0:53).
        self.next_anon_minor: dict[str, int] = {"nfs": 53, "tmpfs": 100}
        # Path walks the security module granted silently, with what they depend on, per
        # mount namespace: a namespace's walks depend on its mount tops, so they go when
        # its mount table changes or the namespace is released (namespace ids are never
        # reused; kept, they would only keep the dead namespace's filesystems alive).
        # ``walks_cached`` counts them all, for the bound.
        self.walk_cache: dict[int, dict[_WalkKey, _WalkEntry]] = {}
        self.walks_cached = 0
        # The directory labels each SELinux context may search, as the security module
        # granted it silently (its AVC's answer for ``dir search``, which depends on the
        # context, the label and the module's decisions only, on a filesystem labelled by
        # xattrs): a walk asks the module again only for a label it has not granted yet.
        # Kept for one generation of one module's decisions (a policy load, boolean,
        # setenforce or state load starts it afresh), bounded by contexts held.
        self._search_grants: tuple[Generational, int, dict[str, set[bytes | None]]] = (
            self.security.decisions,
            -1,
            {},
        )

    # -- lookups --------------------------------------------------------------------------

    def process(self, pid: int) -> Process:
        try:
            return self.processes[pid]
        except KeyError:
            raise os_error(errno.ESRCH) from None

    def fs_at(self, loc: Location) -> Filesystem:
        return self.filesystems[self.mounts[loc.mount_id].fs_id]

    def inode_at(self, loc: Location) -> Inode:
        return self.fs_at(loc).inodes[loc.ino]

    def ns_root(self, ns_id: int) -> Location:
        return self.mounts[self.namespaces[ns_id].root_mount_id].root

    def credentials_on(self, proc: Process, fs: Filesystem) -> Credentials:
        cred = credentials_of(proc)
        if fs.features.root_squash:  # effective_credentials, its common case inlined
            return effective_credentials(cred, fs)
        return cred

    # -- building blocks for the host builder and mount() ----------------------------------

    def new_filesystem(
        self,
        fstype: str,
        source: str,
        *,
        dev: DeviceNumber,
        audit_dev: str,
        first_ino: int,
        root_owner: tuple[int, int] = (0, 0),
        root_mode: int = 0o755,
        root_label: str | None = None,
        root_ino: int | None = None,
    ) -> Filesystem:
        fs = Filesystem(
            fs_id=self.counters.fs_id(),
            fstype=fstype,
            source=source,
            dev=dev,
            audit_dev=audit_dev,
            features=features_for(fstype),
            next_ino=first_ino,
        )
        if root_ino is None:
            root_ino = ROOT_INO_BY_TYPE.get(fstype, 1)
        root = fs.allocate(Kind.DIRECTORY, *root_owner, root_mode, self.clock.now, ino=root_ino)
        root.nlink = 2
        root.parent = root.ino
        if root_label is not None:
            set_label(root, root_label)
        fs.root_ino = root.ino
        self.filesystems[fs.fs_id] = fs
        return fs

    def new_namespace(self, fs: Filesystem, *, ns_id: int | None = None) -> MountNamespace:
        """A namespace whose root mount is ``fs``'s root."""
        ns = MountNamespace(self.counters.ns_id() if ns_id is None else ns_id)
        self.namespaces[ns.ns_id] = ns
        mount = Mount(self.counters.mount_id(), ns.ns_id, fs.fs_id, fs.root_ino)
        self.add_mount(mount)
        return ns

    def attach(
        self, at: Location, fs: Filesystem, root_ino: int, options: tuple[str, ...] = ()
    ) -> Mount:
        """Mount ``fs`` (from ``root_ino``) on the directory at ``at``, in ``at``'s namespace."""
        parent = self.mounts[at.mount_id]
        mount = Mount(
            self.counters.mount_id(), parent.ns_id, fs.fs_id, root_ino, at.mount_id, at.ino, options
        )
        self.add_mount(mount)
        return mount

    def anon_dev(self, fstype: str) -> DeviceNumber:
        minor = self.next_anon_minor.get(fstype, self.next_anon_minor["tmpfs"])
        key = fstype if fstype in self.next_anon_minor else "tmpfs"
        self.next_anon_minor[key] = minor + 1
        return DeviceNumber(0, minor)

    # -- the mount table and its reference counts -------------------------------------------

    def add_mount(self, mount: Mount) -> None:
        """A new mount, last in its namespace's table."""
        self.mounts[mount.mount_id] = mount
        self.namespaces[mount.ns_id].mount_ids.append(mount.mount_id)
        tops = self.mount_tops.get(mount.ns_id)
        self._count_mount(mount, 1)
        if tops is not None and mount.parent_id is not None and mount.mountpoint_ino is not None:
            # Last in the table, the new mount is the top on its mountpoint (_tops_of): the
            # namespace's tops are those it had and this one, not a scan of the table again.
            tops = dict(tops)
            tops[mount.parent_id, mount.mountpoint_ino] = mount
            self.mount_tops[mount.ns_id] = tops

    def drop_mount(self, mount_id: int) -> Mount:
        """A mount leaves the mount table (``umount``, or its namespace goes)."""
        mount = self.mounts.pop(mount_id)
        ns = self.namespaces.get(mount.ns_id)
        if ns is not None and mount_id in ns.mount_ids:
            ns.mount_ids.remove(mount_id)
        self._count_mount(mount, -1)
        return mount

    def mounts_moved(self, ns_id: int) -> None:
        """A mount of ``ns_id`` hangs somewhere else now (``mount --move``)."""
        self.mount_tops.pop(ns_id, None)
        self._forget_walks_in(ns_id)

    def _count_mount(self, mount: Mount, step: int) -> None:
        self.mount_tops.pop(mount.ns_id, None)
        self._forget_walks_in(mount.ns_id)
        _bump(self.fs_mount_count, mount.fs_id, step)
        _bump(self.root_pins, (mount.fs_id, mount.root_ino), step)

    def recount_mounts(self) -> None:
        """Derive the mount bookkeeping from the mount table (after a snapshot is loaded)."""
        self.fs_mount_count, self.root_pins, self.mount_tops = {}, {}, {}
        self.forget_walks()
        for mount in self.mounts.values():
            _bump(self.fs_mount_count, mount.fs_id, 1)
            _bump(self.root_pins, (mount.fs_id, mount.root_ino), 1)

    def free_if_unused(self, fs_id: int, ino: int) -> None:
        """An inode goes when no name and no mount holds it (a bind mount pins its root)."""
        fs = self.filesystems[fs_id]
        inode = fs.inodes.get(ino)
        if inode is None or inode.nlink > 0 or ino == fs.root_ino:
            return
        if (fs_id, ino) in self.root_pins:
            return
        del fs.inodes[ino]

    def forget_unused_filesystem(self, fs_id: int) -> None:
        """A filesystem nothing mounts is gone, except an NFS export: the server keeps it."""
        if self.filesystems[fs_id].fstype == "nfs":
            return
        if fs_id not in self.fs_mount_count:
            del self.filesystems[fs_id]

    def recount_namespace_users(self) -> None:
        """Derive the pids of each namespace from the process table (after a snapshot)."""
        self.ns_users = {}
        for proc in self.processes.values():
            self.ns_users.setdefault(proc.ns_id, set()).add(proc.pid)

    def move_to_namespace(self, proc: Process, ns_id: int) -> None:
        """``proc`` now lives in mount namespace ``ns_id`` (unshare, setns)."""
        if self.processes.get(proc.pid) is proc:
            users = self.ns_users.get(proc.ns_id)
            if users is not None:
                users.discard(proc.pid)
                if not users:
                    del self.ns_users[proc.ns_id]
            self.ns_users.setdefault(ns_id, set()).add(proc.pid)
        proc.ns_id = ns_id

    def release_namespace(self, ns_id: int) -> None:
        """Drop a namespace no process uses any more, and filesystems only it mounted."""
        if self.ns_users.get(ns_id):
            return
        ns = self.namespaces.pop(ns_id)
        self.mount_tops.pop(ns_id, None)
        self._forget_walks_in(ns_id)
        mounts, filesystems = self.mounts, self.filesystems
        fs_mount_count, root_pins = self.fs_mount_count, self.root_pins
        for mount_id in ns.mount_ids:
            # drop_mount(), free_if_unused() and forget_unused_filesystem() with their
            # common cases in line (a namespace has tens of mounts): the namespace's tops
            # and walks are gone already, and a mount's root is mostly its filesystem's.
            mount = mounts.pop(mount_id)
            fs_id, root_ino = mount.fs_id, mount.root_ino
            count = fs_mount_count.get(fs_id, 0) - 1
            if count > 0:
                fs_mount_count[fs_id] = count
            else:
                fs_mount_count.pop(fs_id, None)
            pin = (fs_id, root_ino)
            count = root_pins.get(pin, 0) - 1
            if count > 0:
                root_pins[pin] = count
            else:
                root_pins.pop(pin, None)
            fs = filesystems.get(fs_id)
            if fs is not None:
                if root_ino != fs.root_ino:
                    self.free_if_unused(fs_id, root_ino)
                if fs.fstype != "nfs" and fs_id not in fs_mount_count:
                    del filesystems[fs_id]

    # -- mounts ---------------------------------------------------------------------------

    def mounted_on(self, loc: Location) -> Mount | None:
        """The top mount stacked on ``loc`` in its namespace, if any."""
        return self._tops_at(loc).get((loc.mount_id, loc.ino))

    def _tops_at(self, loc: Location) -> dict[tuple[int, int], Mount]:
        return self._tops_of_mount(loc.mount_id)

    def _tops_of_mount(self, mount_id: int) -> dict[tuple[int, int], Mount]:
        """The mount tops of the namespace ``mount_id`` is in."""
        ns_id = self.mounts[mount_id].ns_id
        tops = self.mount_tops.get(ns_id)
        if tops is None:
            tops = self.mount_tops[ns_id] = self._tops_of(ns_id)
        return tops

    def _tops_of(self, ns_id: int) -> dict[tuple[int, int], Mount]:
        """Mountpoint -> the mount on top of it: the last mounted there wins."""
        # in table order, so a later mount on the same mountpoint replaces an earlier one
        return {
            (mount.parent_id, mount.mountpoint_ino): mount
            for mount in map(self.mounts.__getitem__, self.namespaces[ns_id].mount_ids)
            if mount.parent_id is not None and mount.mountpoint_ino is not None
        }

    def cross_mounts(self, loc: Location) -> Location:
        while (mount := self.mounted_on(loc)) is not None:
            loc = mount.root
        return loc

    def is_mount_root(self, loc: Location) -> bool:
        return self.mounts[loc.mount_id].root_ino == loc.ino

    def _dotdot(self, loc: Location, root: Location) -> Location:
        """``follow_dotdot()``: climb out of mount roots, then to the parent directory."""
        while loc != root and self.is_mount_root(loc):
            mount = self.mounts[loc.mount_id]
            if mount.parent_id is None or mount.mountpoint_ino is None:
                return loc
            loc = Location(mount.parent_id, mount.mountpoint_ino)
        if loc == root:
            return loc
        parent = self.inode_at(loc).parent
        return loc if parent is None else Location(loc.mount_id, parent)

    # -- permission checks ----------------------------------------------------------------

    def inode_permission(
        self,
        proc: Process,
        loc: Location,
        mask: int,
        syscall: Syscall,
        *,
        name: str | None,
        append: bool = False,
    ) -> None:
        """``inode_permission()``: DAC first, then the security module (AVC ``name=``)."""
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        is_dir = inode.kind is _DIRECTORY
        # generic_permission(): root (not squashed) passes, unless it asks to execute a
        # file (dac_allows' first case, without building the credentials to see it)
        if (
            proc.uid != 0 or fs.features.root_squash or (mask & MAY_EXEC and not is_dir)
        ) and not dac_allows(self.credentials_on(proc, fs), inode, mask):
            raise os_error(errno.EACCES)
        perms = PERMS_FOR_MASK[mask, is_dir, append]
        tclass = SELINUX_CLASS_BY_KIND_VALUE[inode.kind._value_]
        if self.security.allows(proc, fs, inode, tclass, perms, None):
            return
        self.lsm_check(proc, loc, perms, syscall, name=name)

    def lsm_check(
        self,
        proc: Process,
        loc: Location,
        perms: tuple[str, ...],
        syscall: Syscall,
        *,
        name: str | None = None,
        path: str | None = None,
        tclass: str | None = None,
        new_label: bytes | None = None,
    ) -> None:
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        tclass = tclass or SELINUX_CLASS_BY_KIND_VALUE[inode.kind._value_]
        if self.security.allows(proc, fs, inode, tclass, perms, new_label):
            return  # the AVC grants it all: nothing to audit
        result = self.security.check(
            AccessRequest(
                process=proc,
                fs=fs,
                inode=inode,
                tclass=tclass,
                perms=perms,
                syscall=syscall,
                name=name,
                path=path,
                new_label=new_label,
            )
        )
        if result.avc is not None:
            if self.audit_pending is None:
                self.emit_audit_event((result.avc,), None, proc)
            else:
                self.audit_pending.append((syscall, result.avc))
        if result.enforced:
            raise os_error(errno.EACCES, path)

    # -- the audit trail ------------------------------------------------------------------------

    def audit_exit(self, proc: Process, *, success: bool, exit_code: int) -> None:
        """Syscall exit: the staged AVCs go out as one event with their SYSCALL record."""
        pending, self.audit_pending = self.audit_pending or [], None
        if not pending:
            return
        syscall = pending[0][0]
        from simulator.kernel.audit import SyscallRecord  # loaded by the first event

        record = SyscallRecord(
            syscall=syscall.name,
            number=syscall.number,
            success=success,
            exit=exit_code,
            args=syscall.args,
            ppid=proc.ppid,
            pid=proc.pid,
            auid=proc.auid,
            uid=proc.uid,
            gid=proc.gid,
            tty=proc.tty,
            ses=proc.ses,
            comm=proc.comm,
            exe=proc.exe,
            subj=proc.context,
        )
        self.emit_audit_event(tuple(avc for _, avc in pending), record, proc)

    def emit_audit_event(
        self, avcs: tuple[AvcRecord, ...], syscall: SyscallRecord | None, proc: Process
    ) -> AuditEvent:
        from simulator.kernel.audit import AuditEvent, ProctitleRecord  # loaded by the first event

        self.counters.audit_events += 1
        self.audited_pids.update(avc.pid for avc in avcs)
        n = self.counters.audit_events
        event = AuditEvent(
            serial=FIRST_AUDIT_SERIAL + n - 1,
            seconds=self.clock.now,
            millis=(n * AUDIT_MILLIS_STEP) % 1000,
            avcs=avcs,
            syscall=syscall,
            proctitle=ProctitleRecord(proc.argv) if syscall is not None else None,
        )
        self.audit.record(event)
        return event

    def take_fault(self, syscall: str, proc: Process, path: str, loc: Location | None) -> None:
        if not self.faults.faults:
            return  # no fault injected: nothing to match
        target = None
        if loc is not None:
            target = (self.mounts[loc.mount_id].fs_id, loc.ino)
        ns_id = proc.ns_id if loc is None else self.mounts[loc.mount_id].ns_id
        code = self.faults.take(syscall, ns_id, path, target)
        if code is not None:
            raise os_error(code, path)

    # -- fault injection ---------------------------------------------------------------------

    def add_fault(
        self, syscall: str, path: str, errno_name: str, *, times: int = 1, pid: int | None = None
    ) -> Fault:
        """``lab fault add``: the next ``times`` calls of ``syscall`` on ``path`` fail.

        ``path`` is resolved in the mount namespace of ``pid`` (default: the host's, as
        seen by init). An existing file is targeted by inode; a missing one by its path.
        """
        if not path.startswith("/"):
            raise InvalidArgument(f"fault path {path!r} must be absolute")
        proc = self.process(1 if pid is None else pid)
        target: tuple[int, int] | None = None
        canonical = path
        try:
            resolved = self.walk(proc, path, Syscall.on("lab", path), allow_missing=True)
        except OSError:
            resolved = None
        if resolved is not None:
            canonical = resolved.path
            if resolved.location is not None:
                fs_id = self.mounts[resolved.location.mount_id].fs_id
                target = (fs_id, resolved.location.ino)
        return self.faults.add(
            syscall, errno_name, ns_id=proc.ns_id, path=canonical, target=target, times=times
        )

    # -- path walk --------------------------------------------------------------------------

    def cwd_of(self, proc: Process) -> Location:
        resolved = self.walk(proc, proc.cwd, Syscall.of("getcwd"))
        assert resolved.location is not None
        return resolved.location

    def walk(
        self,
        proc: Process,
        path: str,
        syscall: Syscall,
        *,
        follow: bool = True,
        allow_missing: bool = False,
    ) -> Resolved:
        """Resolve ``path`` for ``proc``; raise OSError as the kernel would.

        With ``allow_missing`` a missing last component is not an error (for creates).

        Like the dentry cache, an absolute walk that the security module granted silently
        all the way is remembered, keyed by everything its answer depends on (namespace,
        path, the caller's ids and context) and checked on reuse against what can change
        it: the security module's decisions and the generation of every filesystem it went
        through (a change to the namespace's mount table forgets its walks at once). A
        missing last name is remembered too (a negative dentry: ENOENT, or where a create
        goes). ``follow`` is part of the answer only when the last name was a symlink. A
        walk that audited, or that went through ``/proc/PID/root`` or NFS (whose files
        another host changes), is not kept.
        """
        if path and path[0] == "/" and self.walk_cache_enabled:
            ns_id = proc.ns_id
            key = (path, proc.uid, proc.gid, proc.groups, proc.context)
            hit = self.walk_cache.get(ns_id, _NO_WALKS).get(key)
            if hit is not None:
                # The namespace's mount tops are not compared: whatever drops or replaces
                # them forgets the namespace's walks too (_count_mount, mounts_moved,
                # release_namespace, recount_mounts), so a walk found is on the tops of now.
                resolved, _, source, decisions, through, followed = hit
                if (
                    source.generation == decisions
                    and self.security.decisions is source
                    and (followed is None or followed is follow)
                ):
                    for fs, generation in through:
                        if fs.generation != generation:
                            break
                    else:
                        if resolved.location is None and not allow_missing:
                            raise os_error(errno.ENOENT, path)
                        return resolved
            return self._walk(proc, path, syscall, follow, allow_missing, key)
        return self._walk(proc, path, syscall, follow, allow_missing, None)

    def forget_walks(self) -> None:
        """Forget every cached walk: for builders that change inodes behind the calls."""
        self.walk_cache.clear()
        self.walks_cached = 0

    def _forget_walks_in(self, ns_id: int) -> None:
        """Forget the cached walks of namespace ``ns_id``: its mount tops changed (no
        walk cached on the old ones can hit again) or the namespace is gone."""
        walks = self.walk_cache.pop(ns_id, None)
        if walks is not None:
            self.walks_cached -= len(walks)

    def _walk(
        self,
        proc: Process,
        path: str,
        syscall: Syscall,
        follow: bool,
        allow_missing: bool,
        key: _WalkKey | None,
    ) -> Resolved:
        """The walk itself (``path_lookupat``); remembered under ``key`` in ``proc``'s
        namespace if that is given and every check on the way was a silent grant.

        Where the walk stands is two ints (mount id, inode number), not a :class:`Location`,
        until the answer is built: a walk makes no value per component it passes."""
        if not path:
            raise os_error(errno.ENOENT, path)
        if len(path) > NAME_MAX or "\0" in path or not path.isascii():
            check_path(path)  # its common case (short ASCII, no NUL) passes: linux getname
        mounts, filesystems = self.mounts, self.filesystems
        root_mount = mounts[self.namespaces[proc.ns_id].mount_ids[0]]
        root_mid, root_ino = root_mount.mount_id, root_mount.root_ino
        if path[0] == "/":
            mid, ino, names = root_mid, root_ino, []
        else:
            start = self.cwd_of(proc)
            mid, ino = start.mount_id, start.ino
            names = [n for n in proc.cwd.split("/") if n]
        pending = deque(filter(None, path.split("/")))
        must_be_dir = path[-1] == "/"
        dots = "/." in path or path[0] == "."  # a "." or ".." may be among the names
        # The directory the last name was found in (-1: none, after "..", a symlink or at
        # the start); the name itself is then names[-1]. The directory being searched is
        # names[-1] too ("/" when names is empty), as the AVC names it.
        parent_mid = parent_ino = -1
        hops = 0
        is_root = proc.uid == 0  # Credentials.is_root, without building the credentials
        dac_cred = _NO_CREDENTIALS
        security = self.security
        allows = security.allows
        source = security.decisions
        decisions = source.generation
        # The directory labels the security module let this context search silently
        # (see _search_grants), for filesystems whose labels are their inodes' xattrs.
        grants = self._search_grants
        if grants[0] is not source or grants[1] != decisions:
            grants = self._search_grants = (source, decisions, {})
        searchable = grants[2].get(proc.context)
        if searchable is None:
            if len(grants[2]) >= SEARCH_GRANTS:
                grants[2].clear()
            searchable = grants[2][proc.context] = set()
        use_grants = self.walk_cache_enabled  # off (tests): ask the module every time
        labels_in_xattrs = False
        tops = self.mount_tops.get(mounts[mid].ns_id)  # _tops_of_mount, its common case
        if tops is None:
            tops = self._tops_of_mount(mid)
        through: dict[Filesystem, int] = {}
        followed: bool | None = None  # set when the answer depends on ``follow``
        fs_mid = -1  # the mount ``fs`` was looked up for (a walk stays on one for a while)
        fs = root_fs = filesystems[root_mount.fs_id]
        inodes = fs.inodes
        check_dac = True
        while pending:
            part = pending.popleft()
            if mid != fs_mid:
                fs_mid = mid
                fs = root_fs if mid == root_mid else filesystems[mounts[mid].fs_id]
                inodes = fs.inodes
                features = fs.features
                labels_in_xattrs = use_grants and features.xattrs and not features.genfs_labels
                check_dac = not is_root or features.root_squash
                if check_dac:  # the DAC identity, once per filesystem rather than per name
                    dac_cred = effective_credentials(credentials_of(proc), fs)
                if key is not None and fs not in through:
                    if fs.fstype == "nfs":
                        key = None  # another host changes these files
                    else:
                        through[fs] = fs.generation
            directory = inodes[ino]
            if directory.kind is not _DIRECTORY:
                raise os_error(errno.ENOTDIR, path)
            # may_lookup(): inode_permission(dir, MAY_EXEC), as inode_permission() does it
            # but without its lookups; root (not squashed) may search any directory.
            if check_dac and not dac_allows(dac_cred, directory, MAY_EXEC):
                raise os_error(errno.EACCES)
            if labels_in_xattrs:
                label = directory.xattrs.get(SELINUX_XATTR)
                if label in searchable:
                    pass  # granted silently before, to this context, on a directory so labelled
                elif allows(proc, fs, directory, _DIR_CLASS, _SEARCH, None):
                    searchable.add(label)
                else:
                    where = names[-1] if names else "/"
                    self.lsm_check(proc, Location(mid, ino), _SEARCH, syscall, name=where)
                    if not allows(proc, fs, directory, _DIR_CLASS, _SEARCH, None):
                        key = None  # a denial (audited or not) is never remembered
            elif not allows(proc, fs, directory, _DIR_CLASS, _SEARCH, None):
                where = names[-1] if names else "/"
                self.lsm_check(proc, Location(mid, ino), _SEARCH, syscall, name=where)
                if not allows(proc, fs, directory, _DIR_CLASS, _SEARCH, None):
                    key = None  # a denial (audited or not) is never remembered
            if dots and (part == "." or part == ".."):
                if part == "..":
                    up = self._dotdot(Location(mid, ino), Location(root_mid, root_ino))
                    mid, ino = up.mount_id, up.ino
                    if names:
                        names.pop()
                parent_mid = -1
                continue
            entries = directory.entries
            child_ino = None if entries is None else entries.get(part)
            if child_ino is None:
                if pending:
                    raise os_error(errno.ENOENT, path)
                names.append(part)
                resolved = _new_tuple(
                    Resolved, (None, _new_tuple(Location, (mid, ino)), part, "/" + "/".join(names))
                )
                if key is not None:
                    entry = (resolved, tops, source, decisions, tuple(through.items()), followed)
                    self._remember(proc.ns_id, key, entry)
                if not allow_missing:
                    raise os_error(errno.ENOENT, path)
                return resolved
            child_mid = mid
            top = tops.get((mid, child_ino)) if tops else None
            if top is None:
                child = inodes[child_ino]
            else:
                while top is not None:  # cross_mounts(): down to the last mount stacked there
                    child_mid, child_ino = top.mount_id, top.root_ino
                    top = tops.get((child_mid, child_ino))
                child = filesystems[mounts[child_mid].fs_id].inodes[child_ino]
            if child.kind is _SYMLINK:
                is_last = not pending
                if is_last:
                    followed = follow
                if not is_last or follow or must_be_dir:
                    hops += 1
                    if hops > MAX_SYMLINK_HOPS:
                        raise os_error(errno.ELOOP, path)
                    if child.magic_root_pid is not None:
                        key = None  # into another namespace, as long as that process lives
                        into = self._magic_root(proc, child.magic_root_pid, path)
                        mid, ino = into.mount_id, into.ino
                        tops = self._tops_of_mount(mid)
                        names = []
                        parent_mid = -1
                        continue
                    target = child.target or ""
                    if not target:
                        raise os_error(errno.ENOENT, path)
                    if target[0] == "/":
                        mid, ino, names = root_mid, root_ino, []
                    pending.extendleft(reversed([p for p in target.split("/") if p]))
                    dots = True
                    parent_mid = -1
                    continue
            parent_mid = mid
            parent_ino = ino
            mid = child_mid
            ino = child_ino
            names.append(part)
        if must_be_dir and inodes_at(filesystems, mounts, mid)[ino].kind is not _DIRECTORY:
            raise os_error(errno.ENOTDIR, path)
        resolved = _new_tuple(
            Resolved,
            (
                _new_tuple(Location, (mid, ino)),
                None if parent_mid < 0 else _new_tuple(Location, (parent_mid, parent_ino)),
                None if parent_mid < 0 else names[-1],
                "/" + "/".join(names),
            ),
        )
        if key is not None:
            entry = (resolved, tops, source, decisions, tuple(through.items()), followed)
            self._remember(proc.ns_id, key, entry)
        return resolved

    def _remember(self, ns_id: int, key: _WalkKey, entry: _WalkEntry) -> None:
        if self.walks_cached >= WALK_CACHE_SIZE:
            self.forget_walks()  # bounded, like the dcache under memory pressure
        walks = self.walk_cache.get(ns_id)
        if walks is None:
            walks = self.walk_cache[ns_id] = {}
        before = len(walks)
        walks[key] = entry
        self.walks_cached += len(walks) - before

    def instantiate(self, proc: Process, path: str, missing: Resolved, created: Location) -> None:
        """``d_instantiate``: the negative walk of ``path`` that a create just used becomes
        the positive walk of the name it made, instead of being walked afresh next time.

        Only when that negative walk is the one cached, and nothing a walk depends on has
        changed since but the one name added (the parent filesystem's generation one
        higher): the same directories granted the same searches, and the new name is a
        fresh inode, neither a symlink nor a mountpoint (so ``follow`` plays no part)."""
        if not path or path[0] != "/" or path[-1] == "/" or not self.walk_cache_enabled:
            return
        key = (path, proc.uid, proc.gid, proc.groups, proc.context)
        walks = self.walk_cache.get(proc.ns_id)
        if walks is None:
            return
        hit = walks.get(key)
        if hit is None or hit[0] is not missing or missing.parent is None:
            return
        _, tops, source, decisions, through, followed = hit
        if (
            followed is not None
            or self.mount_tops.get(proc.ns_id) is not tops
            or self.security.decisions is not source
            or source.generation != decisions
            or self.filesystems[self.mounts[created.mount_id].fs_id].inodes[created.ino].kind
            is _SYMLINK
        ):
            return
        changed = self.filesystems[self.mounts[missing.parent.mount_id].fs_id]
        now: list[tuple[Filesystem, int]] = []
        for fs, generation in through:
            if fs is changed:
                generation += 1
            if fs.generation != generation:
                return
            now.append((fs, generation))
        resolved = _new_tuple(Resolved, (created, missing.parent, missing.name, missing.path))
        walks[key] = (resolved, tops, source, decisions, tuple(now), None)  # a key it had

    def _magic_root(self, proc: Process, pid: int, path: str) -> Location:
        """``/proc/PID/root``: needs ptrace read access (same uid, or root)."""
        target = self.processes.get(pid)
        if target is None:
            raise os_error(errno.ENOENT, path)
        if not (proc.uid == 0 or proc.uid == target.uid):
            raise os_error(errno.EACCES, path)
        return self.ns_root(target.ns_id)

    def resolve_existing(
        self, proc: Process, path: str, syscall: Syscall, *, follow: bool = True
    ) -> tuple[Resolved, Location]:
        resolved = self.walk(proc, path, syscall, follow=follow)
        assert resolved.location is not None
        return resolved, resolved.location


def _bump(counts: dict[K2, int], key: K2, step: int) -> None:
    """Reference counting in a dict: a key is present exactly while its count is positive."""
    value = counts.get(key, 0) + step
    if value > 0:
        counts[key] = value
    else:
        counts.pop(key, None)


def _perms_for(mask: int, is_dir: bool, append: bool) -> tuple[str, ...]:
    """The SELinux permissions an ``inode_permission`` mask asks for (``file_mask_to_av``)."""
    perms: list[str] = []
    if mask & MAY_EXEC:
        perms.append("search" if is_dir else "execute")
    if mask & MAY_READ:
        perms.append("read")
    if mask & MAY_WRITE:
        perms.append("append" if append else "write")
    return tuple(perms)


_DIR_CLASS = Kind.DIRECTORY.selinux_class
_DIRECTORY, _SYMLINK = Kind.DIRECTORY, Kind.SYMLINK
_SEARCH = ("search",)
PERMS_FOR_MASK = {
    (mask, is_dir, append): _perms_for(mask, is_dir, append)
    for mask in range(8)
    for is_dir in (False, True)
    for append in (False, True)
}


# NamedTuple(a, b) without its ``__new__`` (a Python function): for the values a walk makes.
_new_tuple = tuple.__new__


def inodes_at(
    filesystems: dict[int, Filesystem], mounts: dict[int, Mount], mount_id: int
) -> dict[int, Inode]:
    """The inode table of the filesystem mount ``mount_id`` shows."""
    return filesystems[mounts[mount_id].fs_id].inodes


def set_label(inode: Inode, label: str) -> None:
    """Store a context as the kernel stores ``security.selinux``: with a trailing NUL."""
    inode.xattrs[b"security.selinux"] = label.encode() + b"\0"


def check_uid(value: int, what: str) -> int:
    if not -1 <= value <= 0xFFFFFFFE:
        raise InvalidArgument(f"{what} {value} is out of range")
    return value
