"""setroubleshoot: plugins, priorities, confidence and summaries (selinux-policy.md 5)."""

from __future__ import annotations

import pytest

from simulator.selinux.context import SecurityContext
from simulator.selinux.file_contexts import FileContexts
from simulator.selinux.setroubleshoot import (
    Denial,
    analyse,
    confidence,
    plugin_header,
    summary,
)
from simulator.selinux.state import SelinuxState

SVIRT = SecurityContext.parse("system_u:system_r:svirt_t:s0:c1,c2")


def denial(target: str, tclass: str, perms: tuple[str, ...], path: str | None) -> Denial:
    return Denial(
        scontext=SVIRT,
        tcontext=SecurityContext.parse(target),
        tclass=tclass,
        perms=perms,
        source="qemu-kvm",
        source_path="/usr/libexec/qemu-kvm",
        target_path=path,
        syscall="openat",
    )


def plugins(d: Denial) -> list[tuple[str, str]]:
    alert = analyse(d, SelinuxState(), FileContexts.fedora())
    return [(s.plugin, s.confidence) for s in alert.suggestions]


@pytest.mark.parametrize(
    ("priorities", "expected"),
    [
        ((60, 1), ["98.8", "2.13"]),
        ((60, 8, 1), ["87.4", "12.0", "1.94"]),
        ((60, 5, 1), ["91.4", "8.07", "2.01"]),
        ((100, 60, 1), ["62.6", "37.7", "1.12"]),
        ((1,), ["100."]),
        ((8, 1), ["89.3", "11.6"]),
    ],
)
def test_confidence_formula(priorities: tuple[int, ...], expected: list[str]) -> None:
    total = sum(priorities)
    assert [confidence(p, total) for p in priorities] == expected


def test_mcs_denial_on_an_image() -> None:
    d = denial("system_u:object_r:svirt_image_t:s0:c3,c4", "file", ("read", "write"), "vm2.qcow2")
    assert plugins(d) == [("qemu_file_image", "98.8"), ("catchall", "2.13")]


def test_home_image_fires_restorecon_too() -> None:
    d = denial(
        "unconfined_u:object_r:admin_home_t:s0",
        "file",
        ("read", "write"),
        "/var/lib/libvirt/images/web.qcow2",
    )
    assert plugins(d) == [
        ("restorecon", "62.6"),
        ("qemu_file_image", "37.7"),
        ("catchall", "1.12"),
    ]
    alert = analyse(d, SelinuxState(), FileContexts.fedora())
    assert alert.suggestions[0].if_text == (
        "If you want to fix the label. \n"
        "/var/lib/libvirt/images/web.qcow2 default label should be virt_image_t."
    )


def test_nfs_needs_a_boolean() -> None:
    d = denial("system_u:object_r:nfs_t:s0", "file", ("open",), "/mnt/disk.img")
    assert plugins(d) == [
        ("qemu_file_image", "87.4"),
        ("catchall_boolean", "12.0"),
        ("catchall", "1.94"),
    ]
    alert = analyse(d, SelinuxState(), FileContexts.fedora())
    boolean = alert.suggestions[1]
    assert boolean.if_text == "If you want to allow confined virtual guests to manage nfs files"
    assert boolean.do_text == "setsebool -P virt_use_nfs 1"


def test_default_t_fires_catchall_labels() -> None:
    d = denial("system_u:object_r:default_t:s0", "file", ("read",), "/data/x.img")
    # setroubleshoot plugins/restorecon.py reports only when matchpathcon's type differs
    # from the target's: "/.*" maps /data/x.img to default_t itself, so it stays silent.
    assert plugins(d) == [
        ("qemu_file_image", "91.4"),
        ("catchall_labels", "8.07"),
        ("catchall", "2.01"),
    ]
    alert = analyse(d, SelinuxState(), FileContexts.fedora())
    labels = next(s for s in alert.suggestions if s.plugin == "catchall_labels")
    assert "svirt_image_t" in labels.do_text


def test_fixed_disk_fires_qemu_blk_image() -> None:
    d = denial("system_u:object_r:fixed_disk_device_t:s0", "blk_file", ("open",), "/dev/sdb")
    assert plugins(d) == [("qemu_blk_image", "98.8"), ("catchall", "2.13")]
    alert = analyse(d, SelinuxState(), FileContexts.fedora())
    assert alert.suggestions[0].if_text == (
        "If you want to allow qemu-kvm to have open access on the sdb blk_file"
    )


def test_catchall_text() -> None:
    d = denial("system_u:object_r:svirt_image_t:s0:c3,c4", "file", ("append",), "a.log")
    catchall = analyse(d, SelinuxState(), FileContexts.fedora()).suggestions[-1]
    assert catchall.do_text == (
        "Allow this access for now by executing:\n"
        "# ausearch -c 'qemu-kvm' --raw | audit2allow -M my-qemukvm\n"
        "# semodule -X 300 -i my-qemukvm.pp"
    )


def test_summaries() -> None:
    one = denial("system_u:object_r:svirt_image_t:s0:c3,c4", "file", ("read",), "vm2.qcow2")
    assert summary(one) == (
        "SELinux is preventing /usr/libexec/qemu-kvm from read access on the file vm2.qcow2."
    )
    two = denial("system_u:object_r:svirt_image_t:s0:c3,c4", "dir", ("read", "search"), None)
    assert summary(two) == (
        "SELinux is preventing /usr/libexec/qemu-kvm from 'read, search' accesses on the "
        "directory labeled svirt_image_t."
    )


def test_plugin_header_is_80_columns() -> None:
    d = denial("system_u:object_r:svirt_image_t:s0:c3,c4", "file", ("read",), "vm2.qcow2")
    headers = [
        plugin_header(s) for s in analyse(d, SelinuxState(), FileContexts.fedora()).suggestions
    ]
    assert headers[0] == (
        "*****  Plugin qemu_file_image (98.8 confidence) suggests   *******************"
    )
    assert headers[1] == (
        "*****  Plugin catchall (2.13 confidence) suggests   **************************"
    )
