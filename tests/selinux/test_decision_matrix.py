"""selinux-policy.md 2.3: every cell of the Fedora decision matrix (audit2why on F-bin)."""

from __future__ import annotations

import pytest

from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import Cause, PermissionVerdict, decide
from simulator.selinux.state import SelinuxState

# Verbatim from the spec (subject system_u:system_r:svirt_t:s0:c1,c2).
MATRIX = """
svirt_image_t:s0:c3,c4     file      getattr=A open=A read=MCS write=MCS append=MCS ioctl=MCS lock=MCS map=A
svirt_image_t:s0:c3,c4     blk_file  getattr=MCS open=A read=MCS write=MCS append=A ioctl=MCS lock=A map=A
virt_image_t:s0            file      getattr=A open=A read=A write=TE append=TE ioctl=A lock=A map=BOOL(domain_can_mmap_files)
virt_content_t:s0          file      getattr=A open=A read=A write=DA append=DA ioctl=A lock=A map=A
fixed_disk_device_t:s0     blk_file  getattr=DA open=TE read=A write=A append=TE ioctl=TE lock=TE map=TE
removable_device_t:s0      blk_file  getattr=A open=A read=A write=TE append=TE ioctl=A lock=A map=TE
usb_device_t:s0            chr_file  getattr=A open=A read=A write=A append=A ioctl=A lock=A map=TE
admin_home_t:s0            file      getattr=A open=TE read=TE write=TE append=A ioctl=TE lock=TE map=BOOL(domain_can_mmap_files)
user_home_t:s0             file      getattr=A open=TE read=TE write=TE append=A ioctl=TE lock=TE map=BOOL(domain_can_mmap_files)
nfs_t:s0                   file      getattr=A open=BOOL(virt_use_nfs) read=A write=A append=A ioctl=A lock=A map=BOOL(domain_can_mmap_files,virt_use_nfs)
cifs_t:s0                  file      getattr=A open=BOOL(virt_use_samba) read=A write=A append=A ioctl=A lock=A map=BOOL(domain_can_mmap_files)
default_t:s0               file      getattr=TE open=TE read=TE write=TE append=TE ioctl=TE lock=TE map=BOOL(domain_can_mmap_files)
tmp_t:s0                   file      getattr=A open=TE read=A write=TE append=A ioctl=A lock=A map=BOOL(domain_can_mmap_files)
svirt_image_t:s0:c3,c4     dir       getattr=A search=MCS open=A read=MCS write=MCS add_name=MCS
"""

SUBJECT = SecurityContext.parse("system_u:system_r:svirt_t:s0:c1,c2")


def _cells() -> list[tuple[str, str, str, str]]:
    cells = []
    for line in MATRIX.strip().splitlines():
        target, tclass, *entries = line.split()
        for entry in entries:
            perm, expected = entry.split("=", 1)
            cells.append((target, tclass, perm, expected))
    return cells


def _label(verdict: PermissionVerdict) -> str:
    if verdict.cause is Cause.ALLOWED:
        return "A"
    if verdict.cause is Cause.CONSTRAINT:
        return "MCS"
    if verdict.cause is Cause.BOOLEAN:
        return f"BOOL({','.join(verdict.booleans)})"
    return "DA" if verdict.dontaudit else "TE"


@pytest.mark.parametrize(("target", "tclass", "perm", "expected"), _cells())
def test_cell(target: str, tclass: str, perm: str, expected: str) -> None:
    tcontext = SecurityContext.parse(f"system_u:object_r:{target}")
    decision = decide(SelinuxState(), SUBJECT, tcontext, tclass, (perm,))
    assert _label(decision.verdict(perm)) == expected


def test_svirt_tcg_t_has_no_fixed_disk_rule() -> None:
    subject = SecurityContext.parse("system_u:system_r:svirt_tcg_t:s0:c1,c2")
    disk = SecurityContext.parse("system_u:object_r:fixed_disk_device_t:s0")
    decision = decide(SelinuxState(), subject, disk, "blk_file", ("read", "write"))
    assert decision.denied == ("read", "write")


def test_booleans_turn_rules_on() -> None:
    state = SelinuxState()
    nfs = SecurityContext.parse("system_u:object_r:nfs_t:s0")
    assert decide(state, SUBJECT, nfs, "file", ("open",)).denied == ("open",)
    state.set_boolean("virt_use_nfs", True)
    assert decide(state, SUBJECT, nfs, "file", ("open",)).denied == ()


def test_unconfined_domains_are_never_mcs_checked() -> None:
    shell = SecurityContext.parse("unconfined_u:unconfined_r:unconfined_t:s0")
    image = SecurityContext.parse("system_u:object_r:svirt_image_t:s0:c3,c4")
    decision = decide(SelinuxState(), shell, image, "file", ("read", "write", "relabelfrom"))
    assert decision.denied == ()


def test_virtqemud_is_permissive_and_cannot_relabel_admin_home() -> None:
    daemon = SecurityContext.parse("system_u:system_r:virtqemud_t:s0")
    home = SecurityContext.parse("unconfined_u:object_r:admin_home_t:s0")
    decision = decide(SelinuxState(), daemon, home, "file", ("relabelfrom",))
    assert decision.denied == ("relabelfrom",)
    assert decision.permissive
    assert not decision.enforced
    image = SecurityContext.parse("system_u:object_r:virt_image_t:s0")
    assert decide(SelinuxState(), daemon, image, "file", ("relabelfrom",)).denied == ()


def test_permissive_mode() -> None:
    state = SelinuxState(enforcing=False)
    home = SecurityContext.parse("unconfined_u:object_r:admin_home_t:s0")
    decision = decide(state, SUBJECT, home, "file", ("read",))
    assert decision.denied == ("read",)
    assert not decision.enforced


def test_mcs_reasons_name_the_constraint() -> None:
    image = SecurityContext.parse("system_u:object_r:svirt_image_t:s0:c3,c4")
    verdict = decide(SelinuxState(), SUBJECT, image, "file", ("read",)).verdict("read")
    assert [c.expression.value for c in verdict.failed_constraints] == ["h1 dom h2"]
    assert verdict.allowing_rules[0].origin.startswith("virt.te")


def test_objects_at_plain_s0_are_dominated() -> None:
    shared = SecurityContext.parse("system_u:object_r:svirt_image_t:s0")
    decision = decide(SelinuxState(), SUBJECT, shared, "file", ("read", "write", "open"))
    assert decision.denied == ()


def test_modules_add_allow_rules_but_mcs_still_applies() -> None:
    from simulator.selinux.rules import allow

    state = SelinuxState()
    home = SecurityContext.parse("system_u:object_r:admin_home_t:s0:c3,c4")
    state.load_module("my-qemu", (allow("svirt_t", "admin_home_t", "file", "open read write"),))
    decision = decide(state, SUBJECT, home, "file", ("open", "read", "write"))
    assert decision.denied == ("read", "write")
    assert decision.verdict("open").allowed
