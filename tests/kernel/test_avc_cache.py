"""The access vector cache: decisions are cached, flushed on policy load, boolean change and
setenforce, and a cached denial audits each time, as the kernel's does."""

from __future__ import annotations

import os

import pytest

import simulator
from simulator.kernel import Process
from simulator.kernel.audit import AvcRecord
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.selinux import avc as avc_module
from simulator.selinux.rules import RuleKind, TeRule

IMAGES = "/var/lib/libvirt/images"


def lsm(host: simulator.Host) -> SelinuxLsm:
    assert isinstance(host.security, SelinuxLsm)
    return host.security


@pytest.fixture
def vm(host: simulator.Host) -> Process:
    return host.spawn(
        comm="qemu-kvm",
        argv=("/usr/libexec/qemu-kvm",),
        exe="/usr/libexec/qemu-kvm",
        uid=0,
        gid=0,
        context="system_u:system_r:svirt_t:s0:c1,c2",
    )


def image(host: simulator.Host, label: str) -> str:
    path = f"{IMAGES}/avc.qcow2"
    host.write_file(host.shell, path, b"")
    host.setfilecon(host.shell, path, label)
    return path


def avcs(host: simulator.Host) -> list[AvcRecord]:
    return [avc for event in host.audit.events for avc in event.avcs]


def test_a_cached_denial_audits_every_time(host: simulator.Host, vm: Process) -> None:
    path = image(host, "system_u:object_r:svirt_image_t:s0:c3,c4")
    for _ in range(3):
        with pytest.raises(PermissionError):
            host.open(vm, path, os.O_RDONLY)
    assert [a.perms for a in avcs(host)] == [("read",)] * 3
    assert lsm(host).selinux.access_vectors  # the decision was cached


def test_granted_accesses_are_cached_and_audit_nothing(host: simulator.Host, vm: Process) -> None:
    path = image(host, "system_u:object_r:svirt_image_t:s0:c1,c2")
    host.open(vm, path, os.O_RDONLY)
    cached = len(lsm(host).selinux.access_vectors)
    host.open(vm, path, os.O_RDONLY)
    assert len(lsm(host).selinux.access_vectors) == cached
    assert avcs(host) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda lsm: lsm.setenforce(False),
        lambda lsm: lsm.set_boolean("virt_use_nfs", True),
        lambda lsm: lsm.load_module("local", ()),
    ],
    ids=["setenforce", "setsebool", "semodule"],
)
def test_policy_mode_and_booleans_flush_the_cache(
    host: simulator.Host, vm: Process, change: object
) -> None:
    path = image(host, "system_u:object_r:svirt_image_t:s0:c1,c2")
    host.open(vm, path, os.O_RDONLY)
    assert lsm(host).selinux.access_vectors
    assert callable(change)
    change(lsm(host))
    assert len(lsm(host).selinux.access_vectors) == 0


def test_a_module_loaded_after_a_denial_is_seen(host: simulator.Host, vm: Process) -> None:
    path = image(host, "system_u:object_r:admin_home_t:s0")
    with pytest.raises(PermissionError):
        host.open(vm, path, os.O_RDONLY)
    rule = TeRule(RuleKind.ALLOW, "svirt_t", ("admin_home_t",), ("file",), ("open", "read"))
    lsm(host).load_module("my-qemu", (rule,))
    host.open(vm, path, os.O_RDONLY)
    assert len(avcs(host)) == 1


def test_a_relabel_is_a_new_target(host: simulator.Host, vm: Process) -> None:
    path = image(host, "system_u:object_r:svirt_image_t:s0:c1,c2")
    host.open(vm, path, os.O_RDONLY)
    host.setfilecon(host.shell, path, "system_u:object_r:svirt_image_t:s0:c3,c4")
    with pytest.raises(PermissionError):
        host.open(vm, path, os.O_RDONLY)


def test_the_cache_stays_bounded(
    host: simulator.Host, vm: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(avc_module, "AVC_CACHE_THRESHOLD", 8)
    path = image(host, "system_u:object_r:svirt_image_t:s0:c1,c2")
    for n in range(3, 40):
        host.setfilecon(host.shell, path, f"system_u:object_r:svirt_image_t:s0:c1,c{n}")
        with pytest.raises(PermissionError):
            host.open(vm, path, os.O_RDONLY)
        assert len(lsm(host).selinux.access_vectors) <= 16
    assert len(avcs(host)) == 37


def test_entries_in_use_survive_reclaim(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(avc_module, "AVC_CACHE_THRESHOLD", 4)
    cache = avc_module.AccessVectorCache()
    cache.put("hot", 1)
    for n in range(100):
        cache.put(n, n)
        assert cache.get("hot") == 1
    assert len(cache) <= 8
    assert cache.get(0) is None
