"""Text the daemon writes on every start, built without the general tools, is what the
general tools give: qemu's ``-blockdev`` JSON is ``json.dumps``'s, a generated UUID is
``uuid``'s, a status file indents the definition as a line-by-line ``splitlines()`` would,
whatever the names hold, and MCS levels and generated labels are what a parsed and printed
context gives."""

from __future__ import annotations

import json
import random

import hypothesis.strategies as st
from hypothesis import example, given, settings

from simulator.libvirt.domain_status import format_status
from simulator.libvirt.domain_xml import Disk, StorageSource, format_domain, parse_domain
from simulator.libvirt.mcs import CategoryRange, McsTable
from simulator.libvirt.qemu_driver import uuid4_text
from simulator.libvirt.qemu_process import _format_arg, _storage_arg
from simulator.libvirt.security_selinux import SelinuxDriver, VirtualContexts
from simulator.libvirt.virdomainobjlist import Domain
from simulator.selinux.context import Level, MlsRange, SecurityContext

# Any text, with the characters that end a line (for splitlines) or need escaping made likely.
TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\"\\<&'"),
    max_size=20,
)
# ASCII only (the status file's fast path), line ends likely.
ASCII_TEXT = st.text(st.characters(codec="ascii") | st.sampled_from("\r\n\x0b\x0c\x1c\x1e"))


@settings(deadline=None)  # a loaded CI machine must not fail it
@given(path=TEXT, index=st.integers(1, 99))
@example(path="\x7f\x1f\b\f\udc80\U0001f600\uffff", index=1)  # DEL, lone and paired surrogates
def test_the_storage_argument_is_json_dumps(path: str, index: int) -> None:
    expected = {
        "driver": "file",
        "filename": path,
        "node-name": f"libvirt-{index}-storage",
        "auto-read-only": True,
        "discard": "unmap",
    }
    assert _storage_arg(path, index) == json.dumps(expected, separators=(",", ":"))


@settings(deadline=None)  # a loaded CI machine must not fail it
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


@settings(deadline=None)  # a loaded CI machine must not fail it
@given(path=ASCII_TEXT | TEXT)
def test_a_status_file_indents_every_line_of_the_definition(path: str) -> None:
    definition = parse_domain(
        "<domain type='kvm'><name>vm</name><memory>1048576</memory><os><type>hvm</type></os></domain>"
    )
    definition.disks.append(Disk("file", "disk", "vda", StorageSource("/img/" + path)))
    domain = Domain(definition, persistent=True)
    domain.live, domain.pid, domain.id = definition, 4242, 1
    body = format_domain(definition, domain_id=1)
    indented = "".join(f"  {line}\n" for line in body.splitlines())
    text = format_status(domain, "pc-q35-rhel9.2.0")
    assert text.endswith(indented + "</domstatus>\n")


@settings(deadline=None)  # a loaded CI machine must not fail it
@given(seed=st.integers(0, 2**32), low=st.integers(0, 1000), size=st.integers(8, 1024))
def test_an_allocated_level_is_printed_as_a_context_prints_it(
    seed: int, low: int, size: int
) -> None:
    cat_range = CategoryRange(0, low, min(low + size - 1, 1023))
    table, rng = McsTable(), random.Random(seed)
    for _ in range(3):
        level = table.allocate(rng, cat_range)
        assert str(Level.parse(level)) == level


@settings(deadline=None)  # a loaded CI machine must not fail it
@given(seed=st.integers(0, 2**32), is_object=st.booleans())
def test_a_generated_context_is_the_context_printed(seed: int, is_object: bool) -> None:
    contexts = VirtualContexts(
        "system_u:system_r:svirt_t:s0", None, "system_u:object_r:svirt_image_t:s0", "x:y:z:s0"
    )
    daemon = "system_u:system_r:virtqemud_t:s0-s0:c0.c1023"
    driver = SelinuxDriver(contexts, daemon, McsTable(), random.Random(seed))
    mcs = driver.mcs.allocate(driver.rng, CategoryRange(0, 0, 1023))
    base = contexts.file_context if is_object else contexts.domain_context
    parsed, owner = SecurityContext.parse(base), SecurityContext.parse(daemon)
    role = parsed.role if is_object else owner.role
    expected = SecurityContext(owner.user, role, parsed.type, MlsRange.parse(mcs))
    assert driver._new_context(base, mcs, is_object=is_object) == str(expected)


@given(bits=st.integers(0, 2**128 - 1))
def test_a_generated_uuid_is_what_the_uuid_module_makes_of_the_bits(bits: int) -> None:
    import uuid

    assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
