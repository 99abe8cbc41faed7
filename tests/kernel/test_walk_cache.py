"""The path walk cache (``KernelBase.walk``) is invisible: random system call sequences give
the same results, errnos, audit trail and final state on a host with the cache and on one
without it, and every kind of change a walk depends on is seen by the next walk."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.errors import SeclabError
from simulator.kernel.base import KernelBase, set_label
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import DeviceNumber, Kind
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.process import Process
from simulator.kernel.security import Syscall
from simulator.kernel.snapshot import dump_state
from simulator.selinux.rules import RuleKind, TeRule
from tests.library_runs import library, observed

BASE = "/srv/t"
NAMES = ["a", "b", "a/x", "b/x", "a/x/z", "l", "l/x", "a/../b"]
CONTEXTS = [
    "system_u:object_r:var_t:s0",
    "system_u:object_r:virt_image_t:s0",
    "system_u:object_r:svirt_image_t:s0:c1,c2",
    "unconfined_u:object_r:admin_home_t:s0",
    "system_u:object_r:svirt_image_t:s0:c3,c4",  # svirt_t at s0:c1,c2 may not search it
]
WHO = ["root", "alice", "qemu"]

path_st = st.sampled_from(NAMES).map(lambda n: f"{BASE}/{n}")
op_st = st.one_of(
    st.tuples(st.just("stat"), st.sampled_from(WHO), path_st, st.booleans()),
    st.tuples(st.just("mkdir"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("create"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("mknod"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("unlink"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("rmdir"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("rename"), st.sampled_from(WHO), path_st, path_st),
    st.tuples(st.just("chmod"), st.sampled_from(WHO), path_st, st.sampled_from([0, 0o700, 0o711, 0o755, 0o777])),
    st.tuples(st.just("chown"), st.sampled_from(WHO), path_st, st.sampled_from([0, 107, 1000])),
    st.tuples(st.just("setfilecon"), st.sampled_from(WHO), path_st, st.sampled_from(CONTEXTS)),
    st.tuples(st.just("symlink"), st.sampled_from(WHO), st.sampled_from(["a", "b", "/srv/t/a", "l"]), path_st),
    st.tuples(st.just("mount"), path_st),
    st.tuples(st.just("bind"), path_st, path_st),
    st.tuples(st.just("umount"), path_st),
    st.tuples(st.just("listdir"), st.sampled_from(WHO), path_st),
    st.tuples(st.just("setenforce"), st.booleans()),
    st.tuples(st.just("setsebool"), st.booleans()),
)  # fmt: skip


def _new_host(*, cached: bool) -> tuple[simulator.Host, dict[str, Process]]:
    host = simulator.Host()
    host.kernel.walk_cache_enabled = cached
    shell = host.shell
    host.mkdir(shell, BASE)
    host.chmod(shell, BASE, 0o777)
    alice = host.spawn(
        comm="bash",
        argv=("bash",),
        exe="/usr/bin/bash",
        uid=1000,
        gid=1000,
        context="unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
    )
    qemu = host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=107,
        gid=107,
        groups=(36,),
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )
    return host, {"root": shell, "alice": alice, "qemu": qemu}


def _apply(host: simulator.Host, who: dict[str, Process], op: tuple[Any, ...]) -> object:
    kernel = host.kernel
    name, *args = op
    calls: dict[str, Callable[[], object]] = {
        "stat": lambda: kernel.stat(who[args[0]], args[1], follow=args[2]),
        "mkdir": lambda: kernel.mkdir(who[args[0]], args[1]),
        "create": lambda: kernel.write_file(who[args[0]], args[1], b"x"),
        "mknod": lambda: kernel.mknod(who[args[0]], args[1], Kind.CHAR, 0o666, DeviceNumber(1, 3)),
        "unlink": lambda: kernel.unlink(who[args[0]], args[1]),
        "rmdir": lambda: kernel.rmdir(who[args[0]], args[1]),
        "rename": lambda: kernel.rename(who[args[0]], args[1], args[2]),
        "chmod": lambda: kernel.chmod(who[args[0]], args[1], args[2]),
        "chown": lambda: kernel.chown(who[args[0]], args[1], args[2], args[2]),
        "setfilecon": lambda: kernel.setfilecon(who[args[0]], args[1], args[2]),
        "symlink": lambda: kernel.symlink(who[args[0]], args[1], args[2]),
        "mount": lambda: kernel.mount(who["root"], "tmpfs", args[0], "tmpfs"),
        "bind": lambda: kernel.mount(who["root"], args[0], args[1], bind=True),
        "umount": lambda: kernel.umount(who["root"], args[0]),
        "listdir": lambda: kernel.listdir(who[args[0]], args[1]),
        "setenforce": lambda: kernel.security.setenforce(args[0]),
        "setsebool": lambda: kernel.security.set_boolean("virt_use_nfs", args[0]),
    }
    try:
        result = calls[name]()
    except OSError as error:
        return ("errno", error.errno)
    except SeclabError as error:
        return ("refused", type(error).__name__)
    if attrs.has(type(result)):
        return attrs.asdict(result)  # type: ignore[arg-type]
    return result


def _observe(
    ops: list[tuple[Any, ...]], *, cached: bool, then: Callable[[], object] = lambda: None
) -> tuple[object, ...]:
    host, who = _new_host(cached=cached)
    then()
    outcomes = []
    for op in ops:
        outcomes.append(_apply(host, who, op))
        _on_current_tops(host.kernel)
    _count(host.kernel)  # the count of cached walks kept right through every change
    state = json.dumps(dump_state(host.kernel), sort_keys=True)
    return outcomes, state


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(op_st, min_size=4, max_size=40))
def test_random_system_calls_see_the_same_host_with_and_without_the_cache(
    ops: list[tuple[Any, ...]],
) -> None:
    assert _observe(ops, cached=True) == _observe(ops, cached=False)


# One change of each kind a walk depends on, between two walks of the same path: the second
# walk must see it. Each pair is (setup + first walk, change, second walk).
CHANGES: dict[str, list[tuple[Any, ...]]] = {
    "chmod of a directory": [
        ("mkdir", "root", f"{BASE}/a"),
        ("create", "root", f"{BASE}/a/x"),
        ("stat", "alice", f"{BASE}/a/x", True),
        ("chmod", "root", f"{BASE}/a", 0o700),
        ("stat", "alice", f"{BASE}/a/x", True),
    ],
    "chown of a directory": [
        ("mkdir", "root", f"{BASE}/a"),
        ("chmod", "root", f"{BASE}/a", 0o700),
        ("create", "root", f"{BASE}/a/x"),
        ("stat", "alice", f"{BASE}/a/x", True),
        ("chown", "root", f"{BASE}/a", 1000),
        ("stat", "alice", f"{BASE}/a/x", True),
    ],
    "relabel of a directory": [
        ("mkdir", "root", f"{BASE}/a"),
        ("create", "root", f"{BASE}/a/x"),
        ("setfilecon", "root", f"{BASE}/a", CONTEXTS[1]),
        ("stat", "qemu", f"{BASE}/a/x", True),
        ("setfilecon", "root", f"{BASE}/a", CONTEXTS[4]),
        ("stat", "qemu", f"{BASE}/a/x", True),
    ],
    "a new name": [
        ("stat", "root", f"{BASE}/a", True),
        ("mkdir", "root", f"{BASE}/a"),
        ("stat", "root", f"{BASE}/a", True),
    ],
    "a create after a missing lookup": [
        ("create", "root", f"{BASE}/a"),
        ("unlink", "root", f"{BASE}/a"),
        ("mkdir", "root", f"{BASE}/a"),
        ("create", "root", f"{BASE}/a"),
    ],
    "a rename": [
        ("mkdir", "root", f"{BASE}/a"),
        ("stat", "root", f"{BASE}/a", True),
        ("rename", "root", f"{BASE}/a", f"{BASE}/b"),
        ("stat", "root", f"{BASE}/a", True),
        ("stat", "root", f"{BASE}/b", True),
    ],
    "a mount": [
        ("mkdir", "root", f"{BASE}/a"),
        ("stat", "root", f"{BASE}/a", True),
        ("mount", f"{BASE}/a"),
        ("stat", "root", f"{BASE}/a", True),
        ("umount", f"{BASE}/a"),
        ("stat", "root", f"{BASE}/a", True),
    ],
    "setenforce": [
        ("mkdir", "root", f"{BASE}/a"),
        ("create", "root", f"{BASE}/a/x"),
        ("setfilecon", "root", f"{BASE}/a", CONTEXTS[4]),
        ("stat", "qemu", f"{BASE}/a/x", True),
        ("setenforce", False),
        ("stat", "qemu", f"{BASE}/a/x", True),
        ("setenforce", True),
        ("stat", "qemu", f"{BASE}/a/x", True),
    ],
    "a symlink replaced": [
        ("mkdir", "root", f"{BASE}/a"),
        ("mkdir", "root", f"{BASE}/b"),
        ("symlink", "root", "a", f"{BASE}/l"),
        ("stat", "root", f"{BASE}/l", True),
        ("unlink", "root", f"{BASE}/l"),
        ("symlink", "root", "b", f"{BASE}/l"),
        ("stat", "root", f"{BASE}/l", True),
    ],
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_change_is_seen_by_the_next_walk(change: str) -> None:
    cached, uncached = (
        _observe(CHANGES[change], cached=True),
        _observe(CHANGES[change], cached=False),
    )
    assert cached == uncached
    assert len(set(map(repr, cached[0][-2:]))) > 1 or change == "a create after a missing lookup"


@pytest.mark.parametrize(
    ("change", "breakage"),
    [
        ("chmod of a directory", (Filesystem, "names_changed")),
        ("a rename", (Filesystem, "names_changed")),
        ("relabel of a directory", (Filesystem, "names_changed")),
    ],
)
def test_a_cache_that_misses_a_change_is_caught(
    change: str, breakage: tuple[type, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above can fail: with one invalidation broken they see a stale walk."""
    owner, attribute = breakage
    expected = _observe(CHANGES[change], cached=False)
    stale = _observe(
        CHANGES[change],
        cached=True,
        then=lambda: monkeypatch.setattr(owner, attribute, lambda self: None),
    )
    assert stale != expected


def test_walks_through_proc_root_and_audited_walks_are_not_kept() -> None:
    host, who = _new_host(cached=True)
    kernel = host.kernel
    kernel.stat(who["root"], f"/proc/{who['qemu'].pid}/root/etc")
    assert not any("/proc/" in path for path in _cached_paths(kernel))
    kernel.mkdir(who["root"], f"{BASE}/a")
    kernel.setfilecon(who["root"], f"{BASE}/a", CONTEXTS[4])
    events = len(kernel.audit.events)
    for _ in range(2):
        with pytest.raises(OSError):
            kernel.stat(who["qemu"], f"{BASE}/a/x")
    assert len(kernel.audit.events) == events + 2  # each denial audits, none is remembered
    assert f"{BASE}/a/x" not in _cached_paths(kernel)


def test_the_cache_is_bounded() -> None:
    host, who = _new_host(cached=True)
    for n in range(5000):
        with pytest.raises(OSError):
            host.kernel.stat(who["root"], f"{BASE}/missing{n}/x")
        host.kernel.walk(who["root"], f"{BASE}/n{n}", _lab_syscall(), allow_missing=True)
    assert 0 < _count(host.kernel) <= 4096


def _cached_paths(kernel: KernelBase) -> set[str]:
    return {key[0] for walks in kernel.walk_cache.values() for key in walks}


def _on_current_tops(kernel: KernelBase) -> None:
    """Every cached walk was made on its namespace's mount tops of now: ``walk`` relies on
    it (it does not compare them), so whatever drops or replaces the tops forgets the walks."""
    for ns_id, walks in kernel.walk_cache.items():
        for entry in walks.values():
            assert entry[1] is kernel.mount_tops.get(ns_id)


def _count(kernel: KernelBase) -> int:
    """How many walks are cached, checked against the count the bound uses."""
    count = sum(map(len, kernel.walk_cache.values()))
    assert kernel.walks_cached == count
    return count


def _lab_syscall() -> Any:
    from simulator.kernel.security import Syscall

    return Syscall.of("lab")


def test_a_directory_is_the_only_kind_whose_changes_matter() -> None:
    """A chmod of a file does not drop cached walks (the walk never reads it)."""
    host, who = _new_host(cached=True)
    kernel = host.kernel
    kernel.write_file(who["root"], f"{BASE}/f", b"")
    fs = kernel.fs_at(kernel.walk(who["root"], f"{BASE}/f", _lab_syscall()).location)  # type: ignore[arg-type]
    before = fs.generation
    kernel.chmod(who["root"], f"{BASE}/f", 0o600)
    kernel.setfilecon(who["root"], f"{BASE}/f", CONTEXTS[1])
    assert fs.generation == before
    assert (
        kernel.inode_at(kernel.walk(who["root"], f"{BASE}/f", _lab_syscall()).location).kind
        is Kind.REGULAR
    )  # type: ignore[arg-type]


LIBRARY = library()


@pytest.mark.parametrize("path", LIBRARY)
def test_the_library_is_the_same_without_the_cache(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = observed(path)
    monkeypatch.setattr(KernelBase, "walk_cache_enabled", False)
    assert observed(path) == cached


def _reloaded(host: simulator.Host, who: dict[str, Process]) -> dict[str, Process]:
    """The host's kernel replaced by one loaded from its snapshot: the security module's
    state is then the loaded one (``SelinuxLsm.load_state``), not the one it was made with."""
    kernel = type(host.kernel).from_snapshot(host.kernel.snapshot())
    kernel.walk_cache_enabled = host.kernel.walk_cache_enabled
    host.kernel = kernel
    return {name: kernel.processes[proc.pid] for name, proc in who.items()}


@pytest.mark.parametrize("cached", [True, False])
def test_a_kernel_loaded_from_a_snapshot_sees_a_policy_change(cached: bool) -> None:
    """A search granted only by a module is cached; replacing the module with an empty one
    takes the grant away, on a kernel whose policy state came from a snapshot."""
    host, who = _new_host(cached=cached)
    who = _reloaded(host, who)
    kernel, qemu = host.kernel, who["qemu"]
    kernel.mkdir(who["root"], f"{BASE}/home", 0o755)
    kernel.write_file(who["root"], f"{BASE}/home/x", b"")
    kernel.setfilecon(who["root"], f"{BASE}/home/x", CONTEXTS[2])  # qemu's own image
    # The directory gets a process's label, as /proc/PID has (no relabelto reaches it, so
    # as a host builder sets it): svirt_t may not search it.
    home = kernel.walk(who["root"], f"{BASE}/home", Syscall.of("lab")).location
    assert home is not None
    set_label(kernel.inode_at(home), "system_u:system_r:virtd_t:s0")
    kernel.forget_walks()
    grant = TeRule(RuleKind.ALLOW, "svirt_t", ("virtd_t",), ("dir",), ("search",))
    assert isinstance(kernel.security, SelinuxLsm)
    kernel.security.load_module("search-home", (grant,))
    kernel.stat(qemu, f"{BASE}/home/x")  # granted, and cached
    kernel.security.load_module("search-home", ())
    with pytest.raises(PermissionError):
        kernel.stat(qemu, f"{BASE}/home/x")


def _private_namespace(host: simulator.Host) -> tuple[Process, Filesystem]:
    """A root process in a namespace of its own, a tmpfs mounted only there on /dev, and a
    walk into that tmpfs cached (as a domain's QEMU has its private /dev)."""
    kernel = host.kernel
    proc = kernel.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context="system_u:system_r:virtd_t:s0-s0:c0.c1023",
    )
    kernel.unshare_mount_namespace(proc)
    mount = kernel.mount(proc, "devfs", "/dev", "tmpfs")
    kernel.mkdir(proc, "/dev/pts")
    kernel.stat(proc, "/dev/pts")
    assert proc.ns_id in kernel.walk_cache
    return proc, kernel.filesystems[mount.fs_id]


def _after_release() -> tuple[bool, bool, bool]:
    """A namespace with cached walks is released: (are its walks still cached, is its
    tmpfs still alive, are the host namespace's walks still all there)."""
    host, who = _new_host(cached=True)
    kernel = host.kernel
    kernel.stat(who["root"], f"{BASE}")
    proc, dev = _private_namespace(host)
    ns_id, host_ns = proc.ns_id, who["root"].ns_id
    kept = dict(kernel.walk_cache[host_ns])
    freed = weakref.ref(dev)
    del dev
    kernel.exit(proc.pid)
    assert ns_id not in kernel.namespaces
    _count(kernel)
    return ns_id in kernel.walk_cache, freed() is not None, kernel.walk_cache[host_ns] == kept


def test_a_released_namespace_takes_its_cached_walks_with_it() -> None:
    """Namespace ids are never reused: a dead namespace's walks could never hit again, and
    kept they would keep its filesystems alive (until the cache next starts afresh)."""
    assert _after_release() == (False, False, True)


def test_a_release_that_keeps_the_walks_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: with the namespace's walks not dropped, it sees them, and
    its tmpfs kept alive by them."""
    monkeypatch.setattr(KernelBase, "_forget_walks_in", lambda self, ns_id: None)
    assert _after_release() == (True, True, True)


def test_a_mount_drops_only_its_namespace_walks() -> None:
    """Walks depend on their namespace's mount tops: a mount there makes them dead weight
    (they could not hit again), so they go; another namespace's stay."""
    host, who = _new_host(cached=True)
    kernel = host.kernel
    kernel.stat(who["root"], f"{BASE}")
    proc, _ = _private_namespace(host)
    kept = dict(kernel.walk_cache[who["root"].ns_id])
    kernel.mount(proc, "shm", "/dev/pts", "tmpfs")
    assert proc.ns_id not in kernel.walk_cache
    assert kernel.walk_cache[who["root"].ns_id] == kept
    kernel.stat(proc, "/dev/pts")
    assert proc.ns_id in kernel.walk_cache
    kernel.umount(proc, "/dev/pts")
    assert proc.ns_id not in kernel.walk_cache
    _count(kernel)


def test_the_bound_counts_the_walks_of_every_namespace() -> None:
    host, who = _new_host(cached=True)
    kernel = host.kernel
    proc, _ = _private_namespace(host)
    for n in range(3000):
        for caller in (who["root"], proc):
            kernel.walk(caller, f"/n{n}", _lab_syscall(), allow_missing=True)
    assert 0 < _count(kernel) <= 4096
