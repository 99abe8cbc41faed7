"""Replay ``xml_errors_corpus.jsonl`` (recorded by ``tools/record-libvirt-xml`` from real
``virsh -c test:///default define``, libvirt 9.0.0 with libxml2 2.9.14) against the lab's
``virsh define``: every case prints the same stdout, stderr and status, or stops with
``seclab: not modelled`` (exit 3), or is listed in ``KNOWN`` with its reason; a listed case
that starts to match must come off the list."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import simulator
from simulator.errors import NotModelled
from simulator.kernel.snapshot import Snapshot
from simulator.libvirt.domain_xml import parse_disk
from simulator.libvirt.virerror import LibvirtError
from tests.libvirt.xml_error_cases import all_cases

CORPUS = Path(__file__).with_name("xml_errors_corpus.jsonl")

# Where the lab differs from the recording without saying so, and why. The recording is
# libvirt's test driver: its parsing is the QEMU driver's (domain_conf.c, virxml.c), but the
# QEMU driver adds its own post-parse and validation steps and a security manager.
KNOWN: dict[str, str] = {
    "seclabel-bad-model": (
        "QEMU driver only: its security manager refuses a model it does not run "
        "('Security driver model 'apparmor' is not available'); the test driver has none"
    ),
    "memory-device-nvdimm-without-path": (
        "QEMU driver only: qemuValidateDomainDef -> qemuDomainDefValidateMemoryHotplug refuses "
        "any memory device without <maxMemory> ('cannot use/hotplug a memory device when "
        "domain 'maxMemory' is not defined') before the devices' own validation; the test "
        "driver has no such check"
    ),
    "seclabel-bad-selinux-label": (
        "QEMU driver only: virSecurityManagerVerify (virSecuritySELinuxVerify) refuses a "
        "context that is not valid ('XML error: Invalid security label ...'); the test "
        "driver does not verify labels"
    ),
}


@attrs.frozen
class Case:
    name: str
    xml: str
    stdout: str
    stderr: str
    status: int


def load() -> list[Case]:
    cases = []
    for line in CORPUS.read_text().splitlines():
        entry = json.loads(line)
        if "meta" not in entry:
            fields = ("name", "xml", "stdout", "stderr", "status")
            cases.append(Case(*(entry[field] for field in fields)))
    return cases


CASES = load()


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return simulator.Host().snapshot()


def _define(snapshot: Snapshot, xml: str) -> tuple[str, str, int]:
    host = simulator.Host.from_snapshot(snapshot)
    host.write_file(host.shell, "/root/t.xml", xml.encode("utf-8"))
    result = host.run("virsh define t.xml")
    return result.stdout, result.stderr, result.status


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_define_prints_what_libvirt_prints(snapshot: Snapshot, case: Case) -> None:
    stdout, stderr, status = _define(snapshot, case.xml)
    equal = (stdout, stderr, status) == (case.stdout, case.stderr, case.status)
    loud = status == 3 and stderr.startswith("seclab: not modelled: ") and not stdout
    if case.name in KNOWN:
        assert not equal, f"{case.name} now matches: take it off KNOWN"
        return
    assert equal or loud, (
        f"want {case.stdout!r} {case.stderr!r} {case.status}\ngot  {stdout!r} {stderr!r} {status}"
    )


def test_the_corpus_is_the_cases_recorded() -> None:
    """``tools/record-libvirt-xml`` must be run again after a case changes."""
    assert {case.name: case.xml for case in CASES} == all_cases()
    assert set(KNOWN) <= {case.name for case in CASES}


def test_a_config_file_the_daemon_reads_is_named_by_its_path() -> None:
    """virDomainDefParseFile: libxml2's lastError.file is the file's path, which
    catchXMLError prints where an API call's XML says ``(domain_definition)``."""
    (case,) = [case for case in CASES if case.name == "mismatched-tag-line3-tabs"]
    host = simulator.Host()
    host.write_file(host.shell, "/etc/libvirt/qemu/vm.xml", case.xml.encode())
    host.restart_libvirt()
    errors = [text for _, level, text in host.libvirt.log.messages if level == "error"]
    recorded = case.stderr.splitlines()[1].removeprefix("error: ")
    message = recorded.replace("(domain_definition)", "/etc/libvirt/qemu/vm.xml")
    assert errors[:2] == [
        "\n".join([message, *case.stderr.splitlines()[2:]]),
        "Failed to load config for domain 'vm'",
    ]


def test_device_xml_is_named_device_definition() -> None:
    """virDomainDeviceDefParse (attach-device, attach-disk, detach-device) names its
    document "(device_definition)" (a string of libvirt.so); a root that is not a disk is
    a device the lab does not hot-plug, or no device at all: not modelled either way."""
    with pytest.raises(LibvirtError) as info:
        parse_disk("<disk type='file'>\n  <target dev='vdb'>\n</disk>\n")
    assert str(info.value) == (
        "(device_definition):3: Opening and ending tag mismatch: target line 2 and disk\n"
        "</disk>\n-------^"
    )
    for root in ("<interface type='network'/>", "<foo/>"):
        with pytest.raises(NotModelled):
            parse_disk(root)
