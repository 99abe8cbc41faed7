"""The directory searches a walk remembers as granted (``KernelBase._search_grants``): the
security module's silent grants of ``dir search``, per context and directory label. Each
change that can take such a grant away is seen by the very next walk, even one the walk
cache cannot answer."""

from __future__ import annotations

import pytest

import simulator
from simulator.kernel.base import SEARCH_GRANTS, KernelBase, set_label
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.process import Process
from simulator.kernel.security import Syscall
from simulator.selinux.rules import RuleKind, TeRule

HOME = "/srv/home"
IMAGE = f"{HOME}/x"
GRANT = TeRule(RuleKind.ALLOW, "svirt_t", ("virtd_t",), ("dir",), ("search",))


def _host() -> tuple[simulator.Host, Process, Process]:
    """A directory svirt_t may search only by a module's grant, holding qemu's image."""
    host = simulator.Host()
    kernel, root = host.kernel, host.shell
    kernel.mkdir(root, HOME, 0o755)
    kernel.write_file(root, IMAGE, b"")
    kernel.setfilecon(root, IMAGE, "system_u:object_r:svirt_image_t:s0:c1,c2")
    home = kernel.walk(root, HOME, Syscall.of("lab")).location
    assert home is not None
    # a process's label, as /proc/PID has (as a host builder sets it)
    set_label(kernel.inode_at(home), "system_u:system_r:virtd_t:s0")
    kernel.forget_walks()
    qemu = host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )
    return host, root, qemu


def _lsm(host: simulator.Host) -> SelinuxLsm:
    assert isinstance(host.kernel.security, SelinuxLsm)
    return host.kernel.security


def _granted_then_searched(host: simulator.Host, qemu: Process) -> None:
    """Grant the search, walk through (remembered), and forget the walks, so that the
    next walk is a fresh one that only the remembered grant could answer."""
    _lsm(host).load_module("search-home", (GRANT,))
    host.kernel.stat(qemu, IMAGE)
    assert host.kernel._search_grants[2].get(qemu.context)  # remembered
    host.kernel.forget_walks()


def test_a_policy_load_takes_a_remembered_search_away() -> None:
    host, _, qemu = _host()
    _granted_then_searched(host, qemu)
    _lsm(host).load_module("search-home", ())
    with pytest.raises(PermissionError):
        host.kernel.stat(qemu, IMAGE)


def test_a_boolean_or_setenforce_starts_the_grants_afresh() -> None:
    """Every AVC flush (a boolean, setenforce) makes a new generation: nothing kept."""
    host, _, qemu = _host()
    _granted_then_searched(host, qemu)
    before = host.kernel._search_grants
    _lsm(host).set_boolean("virt_use_nfs", True)
    host.kernel.stat(qemu, IMAGE)
    assert host.kernel._search_grants is not before
    _granted_then_searched(host, qemu)
    before = host.kernel._search_grants
    _lsm(host).setenforce(True)
    host.kernel.stat(qemu, IMAGE)
    assert host.kernel._search_grants is not before


def test_another_security_module_is_asked_afresh() -> None:
    """A module swapped in at the same generation (a state load makes a new one) does not
    inherit the old module's grants."""
    host, _, qemu = _host()
    _granted_then_searched(host, qemu)
    other = SelinuxLsm()
    other.load_module("unrelated", ())
    assert other.selinux.generation == _lsm(host).selinux.generation
    host.kernel.security = other
    with pytest.raises(PermissionError):
        host.kernel.stat(qemu, IMAGE)


def test_a_relabelled_directory_is_asked_about_again() -> None:
    host, root, qemu = _host()
    _granted_then_searched(host, qemu)
    home = host.kernel.walk(root, HOME, Syscall.of("lab")).location
    assert home is not None
    set_label(host.kernel.inode_at(home), "system_u:system_r:init_t:s0")
    host.kernel.forget_walks()
    with pytest.raises(PermissionError):
        host.kernel.stat(qemu, IMAGE)


def test_the_grants_are_bounded_by_contexts() -> None:
    host, _, qemu = _host()
    _granted_then_searched(host, qemu)
    grants = host.kernel._search_grants[2]
    grants.clear()  # as if other contexts (each domain has its own) had filled it
    for n in range(SEARCH_GRANTS):
        grants[f"system_u:system_r:svirt_t:s0:c{n}"] = set()
    host.kernel.stat(qemu, IMAGE)
    assert list(host.kernel._search_grants[2]) == [qemu.context]


def test_without_the_walk_cache_every_search_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KernelBase, "walk_cache_enabled", False)
    host, _, qemu = _host()
    _lsm(host).load_module("search-home", (GRANT,))
    host.kernel.stat(qemu, IMAGE)
    assert not host.kernel._search_grants[2].get(qemu.context)
