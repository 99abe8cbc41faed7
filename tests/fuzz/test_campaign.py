"""The fuzzing campaign (issue 19): every kind of input, with the harness's checks.

Each test runs a few examples in CI; ``tox -e soak`` (``SECLAB_FUZZ_EXAMPLES``) runs many.
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.errors import SeclabError
from simulator.scenario import runner
from simulator.selinux.context import SecurityContext
from tests.fuzz import strategies
from tests.fuzz.harness import PYTHON_TEXT, check_line, count, problem, step_bound

EXAMPLES = int(os.environ.get("SECLAB_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
IMAGE = "/var/lib/libvirt/images/vm1.qcow2"
VM1 = (
    "<domain type='kvm'><name>vm1</name><memory unit='GiB'>1</memory><os><type>hvm</type></os><devices><disk type='file'>"
    f"<source file='{IMAGE}'/><target dev='vda'/></disk></devices></domain>"
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _lab_host() -> simulator.Host:
    host = simulator.Host()
    host.write_file(host.shell, "/root/vm1.xml", VM1.encode())
    host.write_file(host.shell, IMAGE, b"")
    host.write_file(host.shell, "/tmp/x", b"data\n")
    return host


@FUZZ
@given(strategies.shell_lines())
def test_shell_lines(line: str) -> None:
    check_line(_lab_host(), line, "shell lines")


@FUZZ
@given(strategies.lifecycle_sequences())
def test_lifecycle_sequences(lines: list[str]) -> None:
    host = _lab_host()
    for line in lines:
        check_line(host, line, "lifecycle steps")
    count("lifecycle sequences")


@FUZZ
@given(strategies.domain_xml())
def test_domain_xml(text: str) -> None:
    host = _lab_host()
    host.write_file(host.shell, "/root/d.xml", text.encode())
    if check_line(host, "virsh define /root/d.xml", "domain XML") != 0:
        return
    names = set(host.libvirt.domains)
    check_line(host, "systemctl restart virtqemud", "domain XML restarts")
    assert set(host.libvirt.domains) == names, text  # the definition reloads
    for name in sorted(names):
        check_line(host, f"virsh start {_quote(name)}", "domain XML starts")
        check_line(host, f"virsh dumpxml {_quote(name)}", "domain XML dumps")
        check_line(host, f"virsh destroy {_quote(name)}", "domain XML destroys")


@FUZZ
@given(strategies.contexts())
def test_contexts(text: str) -> None:
    count("contexts (API)")
    with contextlib.suppress(SeclabError):
        SecurityContext.parse(text)
    host = _lab_host()
    check_line(host, f"chcon {_quote(text)} /tmp/x", "contexts")
    check_line(host, f"chcon -l {_quote(text.rpartition(':')[2])} /tmp/x", "contexts")


@FUZZ
@given(strategies.qemu_conf())
def test_qemu_conf(text: str) -> None:
    host = _lab_host()
    host.write_file(host.shell, "/etc/libvirt/qemu.conf", text.encode())
    check_line(host, "systemctl restart virtqemud", "qemu.conf")
    check_line(host, "virsh define /root/vm1.xml", "qemu.conf")
    check_line(host, "virsh start vm1", "qemu.conf")


@FUZZ
@given(strategies.scenario_files())
def test_scenario_files(text: str) -> None:
    count("scenario files")
    try:
        with step_bound("scenario"):
            try:
                scenario = runner.load("fuzz.txtar", text)
            except SeclabError as error:
                _python_text(str(error), "scenario load")
                return
            result = runner.run(scenario)
    except Exception as error:  # RecursionError, Hang, ...: item 10's findings
        problem(f"scenario raised {type(error).__name__}", f"{error!r} for {text!r}")
        return
    for step in result.steps:
        if step.status == 70:
            problem("scenario step exit 70", f"{step.step.command!r}: {step.actual}")
        _python_text("\n".join(step.actual), step.step.command)


def _python_text(text: str, what: str) -> None:
    match = PYTHON_TEXT.search(text)
    if match:
        problem(f"Python text {match.group(0)!r} in {what}", f"{what}: {text}")


_BASE_STATE: list[str] = []


def _base_state() -> str:
    if not _BASE_STATE:
        host = _lab_host()
        host.run("virsh define /root/vm1.xml; virsh start vm1")
        _BASE_STATE.append(host.snapshot().to_json())
    return _BASE_STATE[0]


@FUZZ
@given(st.data())
def test_saved_states(data: st.DataObject) -> None:
    text = data.draw(strategies.saved_states(_base_state()))
    count("saved states")
    try:
        with step_bound("from_json"):
            host = simulator.Host.from_json(text)
    except SeclabError as error:
        _python_text(str(error), "from_json")
        return
    except Exception as error:
        problem(f"from_json raised {type(error).__name__}", repr(error))
        return
    for line in ("ls -Z /", "ps -eZ", "virsh list --all", "lab state", "date", "virsh start vm1"):
        check_line(host, line, "saved-state commands")
