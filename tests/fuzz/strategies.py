"""Hypothesis strategies for every kind of input the lab takes from users (issue 19).

Unlike :mod:`simulator.testing.strategies` (valid values only), these are hostile: quotes,
markup characters, newlines, huge numbers, deep nesting, names libvirt or the kernel refuse.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import strategies as st

# Characters XML 1.0 can carry (no C0 controls but tab/newline/CR, no surrogates, no FFFE/FFFF).
XML_CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="".join(map(chr, range(0x20))).replace("\t", "").replace("\n", "")
    + "\r\ufffe\uffff",
)
# Mostly the characters that break naive formatting, some of everything else.
NASTY = st.one_of(
    st.text(alphabet=st.sampled_from(list("'\"<>&\n\t ;:/.-_aZ09")), max_size=12),
    st.text(alphabet=XML_CHARS, max_size=12),
)
PATH_LIKE = st.one_of(
    st.sampled_from(["/var/lib/libvirt/images/a.qcow2", "/dev/sdc", "/tmp/x", "/etc/shadow"]),
    NASTY.map(lambda s: "/var/lib/libvirt/images/" + s),
)


def _maybe_set(element: ET.Element, draw: st.DrawFn, name: str, values: Any) -> None:
    if draw(st.booleans()):
        element.set(name, draw(values))


def _seclabel(draw: st.DrawFn, parent: ET.Element, *, device: bool) -> None:
    label = ET.SubElement(parent, "seclabel")
    _maybe_set(label, draw, "model", st.one_of(st.sampled_from(["selinux", "dac"]), NASTY))
    if not device:
        _maybe_set(label, draw, "type", st.sampled_from(["dynamic", "static", "none"]))
    _maybe_set(label, draw, "relabel", st.sampled_from(["yes", "no"]))
    for child in ("label", "imagelabel", "baselabel")[: 1 if device else 3]:
        if draw(st.booleans()):
            ET.SubElement(label, child).text = draw(
                st.one_of(
                    st.sampled_from(
                        [
                            "system_u:object_r:svirt_image_t:s0:c1,c2",
                            "system_u:system_r:svirt_t:s0:c10,c20",
                            "+107:+107",
                            "+4294967296:+0",
                            "system_u:system_r:svirt_t:s0:c" + "9" * 30,
                        ]
                    ),
                    NASTY,
                )
            )


def _backing_chain(draw: st.DrawFn, parent: ET.Element, depth: int) -> None:
    for _ in range(depth):
        if draw(st.integers(0, 9)) == 0:
            ET.SubElement(parent, "backingStore")  # a terminated chain: no type, nothing more
            return
        store = ET.SubElement(parent, "backingStore", type="file")
        if draw(st.integers(0, 9)):  # without a format, libvirt refuses the definition
            ET.SubElement(store, "format", type=draw(st.sampled_from(["qcow2", "raw"])))
        ET.SubElement(store, "source", file=draw(PATH_LIKE))
        parent = store


@st.composite
def domain_xml(draw: st.DrawFn, *, max_depth: int = 4) -> str:
    """A domain document with hostile attribute and text values (always well-formed XML)."""
    root = ET.Element("domain", type=draw(st.sampled_from(["kvm", "qemu", "xen"])))
    ET.SubElement(root, "name").text = draw(
        st.one_of(st.sampled_from(["vm1", "web", "db"]), NASTY.filter(lambda s: s.strip()))
    )
    if draw(st.booleans()):
        os_element = ET.SubElement(root, "os")
        for tag in ("kernel", "initrd", "loader", "nvram"):
            if draw(st.booleans()):
                ET.SubElement(os_element, tag).text = draw(PATH_LIKE)
    devices = ET.SubElement(root, "devices")
    for index in range(draw(st.integers(0, 3))):
        disk = ET.SubElement(devices, "disk")
        _maybe_set(disk, draw, "type", st.sampled_from(["file", "block", "network"]))
        _maybe_set(disk, draw, "device", st.sampled_from(["disk", "cdrom"]))
        if draw(st.booleans()):
            ET.SubElement(disk, "driver", name="qemu", type=draw(NASTY))
        source = ET.SubElement(disk, "source")
        source.set(draw(st.sampled_from(["file", "dev"])), draw(PATH_LIKE))
        if draw(st.integers(0, 3)) == 0:
            _seclabel(draw, source, device=True)
        target = ET.SubElement(disk, "target", dev=draw(st.just(f"vd{'abcd'[index]}") | NASTY))
        _maybe_set(target, draw, "bus", st.one_of(st.just("virtio"), NASTY))
        if draw(st.booleans()):
            _backing_chain(draw, disk, draw(st.integers(0, max_depth)))
        for flag in ("readonly", "shareable"):
            if draw(st.integers(0, 3)) == 0:
                ET.SubElement(disk, flag)
    for element in draw(st.lists(st.sampled_from(["serial", "console"]), max_size=2)):
        chardev = ET.SubElement(devices, element, type=draw(st.just("file") | NASTY))
        source = ET.SubElement(chardev, "source", path=draw(PATH_LIKE))
        _maybe_set(source, draw, "mode", st.one_of(st.just("bind"), NASTY))
    for _ in range(draw(st.integers(0, 2))):
        _seclabel(draw, root, device=False)
    return ET.tostring(root, encoding="unicode")


def deep_backing_xml(depth: int) -> str:
    """A domain whose one disk has ``depth`` nested ``<backingStore>`` elements."""
    root = ET.Element("domain", type="kvm")
    ET.SubElement(root, "name").text = "deep"
    ET.SubElement(root, "memory", unit="GiB").text = "1"
    ET.SubElement(ET.SubElement(root, "os"), "type").text = "hvm"
    disk = ET.SubElement(ET.SubElement(root, "devices"), "disk", type="file")
    ET.SubElement(disk, "source", file="/var/lib/libvirt/images/top.qcow2")
    ET.SubElement(disk, "target", dev="vda")
    parent = disk
    for level in range(depth):
        parent = ET.SubElement(parent, "backingStore", type="file")
        ET.SubElement(parent, "format", type="qcow2")
        ET.SubElement(parent, "source", file=f"/var/lib/libvirt/images/b{level}.qcow2")
    return ET.tostring(root, encoding="unicode")


def contexts() -> st.SearchStrategy[str]:
    """Strings in and around SELinux context syntax (``user:role:type:level``)."""
    part = st.one_of(
        st.sampled_from(["system_u", "object_r", "svirt_t", "svirt_image_t", "s0", "unconfined_u"]),
        st.from_regex(r"[a-z_]{0,8}", fullmatch=True),
    )
    level = st.one_of(
        st.sampled_from(["s0", "s0:c1,c2", "s0-s0:c0.c1023", "s0:c1023", "s0:c1024", "s1"]),
        st.from_regex(r"s[0-9]{1,3}(:c[0-9]{1,6}([.,]c[0-9]{1,6}){0,3})?", fullmatch=True),
        st.integers(0, 10**30).map(lambda n: f"s0:c{n}"),
    )
    return st.one_of(
        st.tuples(part, part, part, level).map(":".join),
        st.text(alphabet=st.sampled_from(list("abc_:,.-s0c19 \n")), max_size=30),
    )


def qemu_conf() -> st.SearchStrategy[str]:
    """qemu.conf text: the keys libvirt reads, with good, bad and half-written values."""
    key = st.sampled_from(
        [
            "user",
            "group",
            "security_driver",
            "security_default_confined",
            "security_require_confined",
            "dynamic_ownership",
            "remember_owner",
            "namespaces",
            "cgroup_device_acl",
            "unknown_key",
        ]
    )
    value = st.one_of(
        st.sampled_from(['"qemu"', '"root"', "0", "1", "2", '[ "mount" ]', '[ "selinux", "dac" ]']),
        st.sampled_from(['"none"', "[", '"', "+", "-1", "[ 1 ]", '[ "a",', "''", '"""x"""']),
        st.integers(-(2**70), 2**70).map(str),
        st.text(alphabet=st.sampled_from(list("\"'[],=#+-01a \t")), max_size=10),
    )
    line = st.one_of(
        st.tuples(key, st.sampled_from([" = ", "=", " "]), value).map("".join),
        st.sampled_from(["# comment", "", "   ", "user", "_x = 1", ";"]),
        st.text(alphabet=st.sampled_from(list("ab_=1 \t#\"'[],;.\u00e9")), max_size=15),
    )
    return st.lists(line, max_size=6).map("\n".join)


# A shell line: the words users type, including the ones that hit kernel and libvirt limits.
SHELL_WORDS = [
    "ls",
    "-Z",
    "-la",
    "cat",
    "stat",
    "touch",
    "mkdir",
    "-p",
    "rm",
    "-rf",
    "ln",
    "-s",
    "chcon",
    "-t",
    "svirt_image_t",
    "restorecon",
    "chown",
    "107:107",
    "4294967295:0",
    "4294967296",
    "chmod",
    "0600",
    "mknod",
    "b",
    "c",
    "8",
    "99999999999",
    "umount",
    "mount",
    "/proc",
    "/run",
    "sleep",
    "inf",
    "1e400",
    "nan",
    "99999999999999999999",
    "date",
    "virsh",
    "start",
    "destroy",
    "list",
    "--all",
    "vm1",
    "dumpxml",
    "getfattr",
    "-d",
    "-m",
    "-",
    "setfattr",
    "-n",
    "user.x",
    "-v",
    "1",
    "id",
    "ps",
    "-eZ",
    "/var/lib/libvirt/images/a.qcow2",
    "/tmp/x",
    "/tmp/x/y",
    "/etc/shadow",
    "a" * 300,
    "/".join(["d"] * 100),
    ";",
    "&&",
    "||",
    ">",
    "/tmp/out",
    "|",
    "echo",
    "'q'",
    '"dq"',
    "$?",
]


def shell_lines() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(SHELL_WORDS), min_size=1, max_size=7).map(" ".join)


# Lifecycle: sequences of whole commands that move a domain through libvirt's states.
LIFECYCLE_COMMANDS = [
    "virsh define /root/vm1.xml",
    "virsh undefine vm1",
    "virsh start vm1",
    "virsh destroy vm1",
    "virsh create /root/vm1.xml",
    "virsh attach-disk vm1 /dev/sdc vdz",
    "virsh detach-disk vm1 vdz",
    "systemctl restart virtqemud",
    "reboot",
    "kill -9 $(pgrep qemu-kvm)",
    "chcon -t user_home_t /var/lib/libvirt/images/vm1.qcow2",
    "restorecon -v /var/lib/libvirt/images/vm1.qcow2",
    "setenforce 0",
    "setenforce 1",
    "rm -f /var/lib/libvirt/images/vm1.qcow2",
    "touch /var/lib/libvirt/images/vm1.qcow2",
    "virsh list --all",
    "ls -Z /var/lib/libvirt/images",
]


def lifecycle_sequences() -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(LIFECYCLE_COMMANDS), min_size=1, max_size=12)


def scenario_files() -> st.SearchStrategy[str]:
    """Transcript-style scenario texts (``$ command`` then expected output)."""
    body_line = st.one_of(
        st.sampled_from(SHELL_WORDS).map(lambda w: "  $ " + w),
        st.sampled_from(["  \\N{bogus} (esc)", "  foo (re)", "  * (glob)", "  [1]", "  ok"]),
        st.text(alphabet=st.sampled_from(list(" $>#[]()\\abc=\"'\n")), max_size=20),
    )
    toml = st.sampled_from(
        [
            "",
            '--- scenario.toml\nowner = "nobodyx:nobodyx"\n',
            "--- scenario.toml\n[[file]]\npath = '/tmp/a'\n",
            "--- scenario.toml\n= broken\n",
        ]
    )
    return st.tuples(st.lists(body_line, max_size=8).map("\n".join), toml).map(
        lambda pair: pair[0] + "\n" + pair[1]
    )


def _mutate(value: Any, draw: st.DrawFn, depth: int = 0) -> Any:
    """One random change somewhere inside a JSON value."""
    if isinstance(value, dict) and value and depth < 6:
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.integers(0, 9))
        if action == 0:
            return {k: v for k, v in value.items() if k != key}
        return {**value, key: _mutate(value[key], draw, depth + 1)}
    if isinstance(value, list) and value and depth < 6:
        index = draw(st.integers(0, len(value) - 1))
        if draw(st.integers(0, 9)) == 0:
            return value[:index] + value[index + 1 :]
        return [*value[:index], _mutate(value[index], draw, depth + 1), *value[index + 1 :]]
    return draw(
        st.one_of(
            st.sampled_from(["x", "", "1", -1, 0, 2**64, None, [], {}, True, 1.5]),
            st.just(value),
            st.just([[[[[]]]]]),
        )
    )


@st.composite
def saved_states(draw: st.DrawFn, base: str) -> str:
    """``base`` (a ``lab state --json`` text) with one to three random changes."""
    data = json.loads(base)
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw)
    return json.dumps(data)
