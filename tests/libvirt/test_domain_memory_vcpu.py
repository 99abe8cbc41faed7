"""``<memory>``, ``<currentMemory>`` and ``<vcpu>``: parsed as libvirt parses them
(virDomainParseMemory -> virParseScaledValue -> virScaleInteger, virDomainVcpuParse) and shown
by ``virsh dominfo``, ``dumpxml`` and libvirt-python's ``info()``/``maxMemory()``/``maxVcpus()``.
"""

from __future__ import annotations

import pytest

import simulator
from simulator.bindings import patch_libvirt

GIB_KIB = 1_048_576


def _xml(name: str, sizes: str) -> str:
    """A definition with ``sizes``, and 1 GiB of memory when they give no <memory>."""
    if "<memory" not in sizes and "<currentMemory" not in sizes:
        sizes = "<memory unit='GiB'>1</memory>" + sizes
    os_part = "" if "<os>" in sizes else "<os><type>hvm</type></os>"
    return f"<domain type='kvm'><name>{name}</name>{sizes}{os_part}<devices/></domain>"


def _define(host: simulator.Host, sizes: str, name: str = "t") -> simulator.Result:
    host.write_file(host.shell, "/root/t.xml", _xml(name, sizes).encode())
    return host.run("virsh define /root/t.xml")


def _dominfo(host: simulator.Host, name: str = "t") -> dict[str, str]:
    rows = host.run(f"virsh dominfo {name}").output.splitlines()
    return {k.strip(): v.strip() for k, _, v in (r.partition(":") for r in rows if r)}


@pytest.mark.parametrize(
    ("memory", "kib"),
    [
        ("<memory>1048576</memory>", GIB_KIB),  # KiB without a unit
        ("<memory unit=''>1048576</memory>", GIB_KIB),
        ("<memory unit='KiB'>1048576</memory>", GIB_KIB),
        ("<memory unit='k'>1048576</memory>", GIB_KIB),
        ("<memory unit='kib'>1048576</memory>", GIB_KIB),  # case-insensitive
        ("<memory unit='M'>512</memory>", 524_288),
        ("<memory unit='MiB'>512</memory>", 524_288),
        ("<memory unit='G'>2</memory>", 2 * GIB_KIB),
        ("<memory unit='GIB'>2</memory>", 2 * GIB_KIB),
        ("<memory unit='T'>1</memory>", 1024 * GIB_KIB),
        ("<memory unit='b'>1073741824</memory>", GIB_KIB),
        ("<memory unit='bytes'>1073741824</memory>", GIB_KIB),
        ("<memory unit='KB'>1048576</memory>", 1_024_000),  # powers of 1000
        ("<memory unit='MB'>2097152</memory>", 2_048_000_000),
        ("<memory>  +1048576</memory>", GIB_KIB),  # strtoull: leading space and sign
    ],
)
def test_memory_units_scale_as_virScaleInteger(memory: str, kib: int) -> None:
    host = simulator.Host()
    assert _define(host, memory).status == 0
    info = _dominfo(host)
    assert info["Max memory"] == info["Used memory"] == f"{kib} KiB"


@pytest.mark.parametrize(
    ("memory", "error"),
    [
        ("<memory unit='xB'>1</memory>", "invalid argument: unknown suffix 'xB'"),
        ("<memory unit='KiBs'>1</memory>", "invalid argument: unknown suffix 'KiBs'"),
        ("<memory unit='q'>1</memory>", "invalid argument: unknown suffix 'q'"),
        (
            "<memory>1048576 </memory>",
            "XML error: Invalid value '1048576 ' for element or attribute './memory[1]'",
        ),
        (
            "<memory>-1</memory>",
            "XML error: Invalid value '-1' for element or attribute './memory[1]'",
        ),
        (
            "<memory>1.5</memory>",
            "XML error: Invalid value '1.5' for element or attribute './memory[1]'",
        ),
        (
            "<memory>1048576</memory><currentMemory>x</currentMemory>",
            "XML error: Invalid value 'x' for element or attribute './currentMemory[1]'",
        ),
        # virDomainDefPostParseMemory: no size (an empty element is no size either)
        (
            "<memory></memory>",
            "XML error: Memory size must be specified via <memory> or in the <numa> configuration",
        ),
        (
            "<currentMemory>1048576</currentMemory>",
            "XML error: Memory size must be specified via <memory> or in the <numa> configuration",
        ),
    ],
)
def test_a_bad_memory_size_is_libvirts_error_and_defines_nothing(memory: str, error: str) -> None:
    host = simulator.Host()
    result = _define(host, memory)
    assert (result.output, result.status) == (
        f"error: Failed to define domain from /root/t.xml\nerror: {error}\n\n",
        1,
    )
    assert "t" not in host.libvirt.domains


@pytest.mark.parametrize(
    "sizes",
    [
        "<memory unit='GB'>1</memory>",  # 976562.5 KiB: qemu would round it up at start
        "<memory unit='E'>16</memory>",  # above LLONG_MAX bytes
        "<memory>1048576</memory><maxMemory slots='16' unit='KiB'>4194304</maxMemory>",
        "<memory dumpCore='off'>1048576</memory>",
        "<cpu><numa><cell id='0' cpus='0' memory='1048576'/></numa></cpu>",
        "<vcpu placement='auto'>2</vcpu>",
        "<vcpu cpuset='1-2'>2</vcpu>",
        "<vcpu>0</vcpu>",
    ],
)
def test_what_the_lab_does_not_follow_is_loud(sizes: str) -> None:
    host = simulator.Host()
    result = _define(host, sizes)
    assert result.status == 3
    assert result.output.startswith("seclab: not modelled: ")
    assert "t" not in host.libvirt.domains


@pytest.mark.parametrize(
    ("vcpu", "error"),
    [
        # virDomainDefSetVcpus (recorded: xml_errors_corpus.jsonl, vcpu-current-above-max)
        (
            "<vcpu current='3'>2</vcpu>",
            "unsupported configuration: maximum vCPU count must not be less than current vCPU count",
        ),
        # virXMLPropEnum (vcpu-bad-placement)
        (
            "<vcpu placement='bogus'>2</vcpu>",
            "XML error: Invalid value for attribute 'placement' in element 'vcpu': 'bogus'.",
        ),
    ],
)
def test_a_bad_vcpu_count_is_libvirts_error(vcpu: str, error: str) -> None:
    host = simulator.Host()
    result = _define(host, vcpu)
    assert (result.output, result.status) == (
        f"error: Failed to define domain from /root/t.xml\nerror: {error}\n\n",
        1,
    )
    assert "t" not in host.libvirt.domains


def test_current_memory_above_the_total_or_zero_is_the_total() -> None:
    """virDomainDefPostParseMemory."""
    host = simulator.Host()
    _define(host, "<memory>1048576</memory><currentMemory>2097152</currentMemory>", "a")
    _define(host, "<memory>1048576</memory><currentMemory>0</currentMemory>", "b")
    for name in "ab":
        assert _dominfo(host, name)["Used memory"] == f"{GIB_KIB} KiB"


def test_vcpus_current_and_maximum() -> None:
    host = simulator.Host()
    assert _define(host, "<vcpu>not a number</vcpu>").output.endswith(
        "error: XML error: maximum vcpus count must be an integer\n\n"
    )
    assert _define(host, "<vcpu placement='static' current='2'>4</vcpu>").status == 0
    assert _dominfo(host)["CPU(s)"] == "2"
    assert _define(host, "<vcpu>4</vcpu>", "u").status == 0
    assert _dominfo(host, "u")["CPU(s)"] == "4"


def test_dumpxml_and_restarts_keep_the_sizes() -> None:
    """The sizes go through the config file and the status file: a daemon restart keeps them
    for a defined and for a running domain."""
    host = simulator.Host()
    sizes = (
        "<memory unit='GiB'>2</memory><currentMemory unit='MiB'>1536</currentMemory>"
        "<vcpu current='2'>4</vcpu>"
    )
    _define(host, sizes, "a")
    _define(host, sizes, "b")
    assert host.run("virsh start b").status == 0
    expected = [
        "  <memory unit='KiB'>2097152</memory>",
        "  <currentMemory unit='KiB'>1572864</currentMemory>",
        "  <vcpu placement='static' current='2'>4</vcpu>",
    ]
    for name in "ab":
        assert host.run(f"virsh dumpxml {name}").output.splitlines()[3:6] == expected
    assert host.run("systemctl restart virtqemud").status == 0
    for name in "ab":
        info = _dominfo(host, name)
        assert (info["CPU(s)"], info["Max memory"], info["Used memory"]) == (
            "2",
            "2097152 KiB",
            "1572864 KiB",
        )
    assert host.run("virsh dumpxml b").output.splitlines()[3:6] == expected


def test_libvirt_python_info_reads_the_definition() -> None:
    host = simulator.Host()
    with patch_libvirt(host) as libvirt:
        conn = libvirt.open()
        dom = conn.defineXML(_xml("t", "<memory unit='MiB'>512</memory><vcpu current='1'>2</vcpu>"))
        assert dom.info()[1:4] == [524_288, 524_288, 1]
        assert dom.maxMemory() == 524_288
        dom.create()
        assert dom.maxVcpus() == 2
        plain = conn.defineXML(_xml("p", ""))
        assert plain.info()[1:4] == [GIB_KIB, GIB_KIB, 1]
        with pytest.raises(libvirt.libvirtError, match="Memory size must be specified"):
            conn.defineXML("<domain type='kvm'><name>n</name><os><type>hvm</type></os></domain>")
