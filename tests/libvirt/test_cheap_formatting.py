"""Text the daemon writes on every start, built without the general tools, is what the
general tools give: qemu's ``-blockdev`` JSON is ``json.dumps``'s, and a status file
indents the definition as a line-by-line ``splitlines()`` would, whatever the names hold."""

from __future__ import annotations

import json

import hypothesis.strategies as st
from hypothesis import given

from simulator.libvirt.domain_status import format_status
from simulator.libvirt.domain_xml import Disk, StorageSource, format_domain, parse_domain
from simulator.libvirt.qemu_process import _format_arg, _storage_arg
from simulator.libvirt.virdomainobjlist import Domain

# Any text, with the characters that end a line (for splitlines) or need escaping made likely.
TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\"\\<&'"),
    max_size=20,
)
# ASCII only (the status file's fast path), line ends likely.
ASCII_TEXT = st.text(st.characters(codec="ascii") | st.sampled_from("\r\n\x0b\x0c\x1c\x1e"))


@given(path=TEXT, index=st.integers(1, 99))
def test_the_storage_argument_is_json_dumps(path: str, index: int) -> None:
    expected = {
        "driver": "file",
        "filename": path,
        "node-name": f"libvirt-{index}-storage",
        "auto-read-only": True,
        "discard": "unmap",
    }
    assert _storage_arg(path, index) == json.dumps(expected, separators=(",", ":"))


@given(driver=st.none() | TEXT, readonly=st.booleans(), index=st.integers(1, 99))
def test_the_format_argument_is_json_dumps(driver: str | None, readonly: bool, index: int) -> None:
    disk = Disk("file", "disk", "vda", StorageSource("/i"), driver_type=driver, readonly=readonly)
    expected = {
        "node-name": f"libvirt-{index}-format",
        "read-only": readonly,
        "driver": driver or "raw",
        "file": f"libvirt-{index}-storage",
        "backing": None,
    }
    assert _format_arg(disk, index) == json.dumps(expected, separators=(",", ":"))


@given(path=ASCII_TEXT | TEXT)
def test_a_status_file_indents_every_line_of_the_definition(path: str) -> None:
    definition = parse_domain("<domain type='kvm'><name>vm</name></domain>")
    definition.disks.append(Disk("file", "disk", "vda", StorageSource("/img/" + path)))
    domain = Domain(definition, persistent=True)
    domain.live, domain.pid, domain.id = definition, 4242, 1
    body = format_domain(definition, domain_id=1)
    indented = "".join(f"  {line}\n" for line in body.splitlines())
    text = format_status(domain, "pc-q35-rhel9.2.0")
    assert text.endswith(indented + "</domstatus>\n")
