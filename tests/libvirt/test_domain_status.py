"""The status file ``/run/libvirt/qemu/NAME.xml`` is libvirt's ``domstatus`` XML
(virDomainObjFormat, qemuDomainObjPrivateXMLFormat), and a restarted daemon reads it back."""

from __future__ import annotations

import simulator
from simulator.libvirt.domain_status import format_status, parse_status
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml


def _running() -> tuple[simulator.Host, str]:
    host = simulator.Host()
    host.write_file(host.shell, f"{IMAGES}/a.qcow2", b"")
    daemon = host.libvirt
    daemon.start(daemon.define(domain_xml("a", disk_xml(f"{IMAGES}/a.qcow2"))))
    text = host.read_file(host.shell, "/run/libvirt/qemu/a.xml").decode()
    return host, text


def test_the_status_file_is_libvirts_domstatus() -> None:
    host, text = _running()
    pid = host.libvirt.lookup("a").pid
    lines = text.splitlines()
    assert lines[:6] == [
        f"<domstatus state='running' reason='booted' pid='{pid}'>",
        "  <namespaces>",
        "    <mount/>",
        "  </namespaces>",
        "  <rememberOwner/>",
        "  <domain type='kvm' id='1'>",
    ]
    assert lines[-2:] == ["  </domain>", "</domstatus>"]
    assert all(line.startswith("  ") for line in lines[1:-1])


def test_a_status_file_reads_back_as_written() -> None:
    host, text = _running()
    domain = host.libvirt.lookup("a")
    status = parse_status(text)
    assert (status.pid, status.id, status.reason) == (domain.pid, 1, "booted")
    assert (status.remember_owner, status.namespaces) == (True, True)
    assert status.live.name == "a"
    assert domain.live is not None
    assert [(s.model, s.label) for s in status.live.seclabels] == [
        (s.model, s.label) for s in domain.live.seclabels
    ]
    assert format_status(domain, host.libvirt.machine_type) == text


def test_a_status_file_of_the_first_layout_still_reconnects() -> None:
    """Saved states may hold the lab's earlier status files (``id`` on ``<domstatus>``)."""
    host, text = _running()
    domain = host.libvirt.lookup("a")
    body = text.split("\n", 5)[5].removesuffix("</domstatus>\n")
    old = (
        f'<domstatus state="running" reason="booted" pid="{domain.pid}" id="1">'
        "<rememberOwner /><namespaces><mount /></namespaces>\n" + body + "</domstatus>\n"
    )
    host.write_file(host.shell, "/run/libvirt/qemu/a.xml", old.encode())
    host.restart_libvirt()
    again = host.libvirt.lookup("a")
    assert (again.active, again.pid, again.id) == (True, domain.pid, 1)
    assert (again.remember_owner, again.namespaces) == (True, True)


def _first_line(host: simulator.Host) -> str:
    return host.read_file(host.shell, "/run/libvirt/qemu/a.xml").decode().split("\n", 1)[0]


def test_a_paused_domain_is_paused_after_a_daemon_restart() -> None:
    # libvirt: qemuDomainSuspend and qemuDomainResume save the status (qemuDomainSaveStatus);
    # a restarted daemon reads the state back (virDomainObjParseXML) and QEMU agrees with it
    host, _ = _running()
    pid = host.libvirt.lookup("a").pid
    assert host.run("virsh suspend a").status == 0
    assert _first_line(host) == f"<domstatus state='paused' reason='user' pid='{pid}'>"
    host.restart_libvirt()
    assert host.run("virsh domstate a --reason").output == "paused (user)\n\n"
    assert host.run("virsh resume a").status == 0
    assert _first_line(host) == f"<domstatus state='running' reason='unpaused' pid='{pid}'>"
    host.restart_libvirt()
    assert host.run("virsh domstate a --reason").output == "running (unpaused)\n\n"


def test_a_status_files_state_reason_pid_and_id_are_checked_as_libvirt_does() -> None:
    # libvirt 9+: virDomainObjParseXML reads them with virxml.c's virXMLPropEnum and
    # virXMLPropLongLong, and virDomainDefParseIDs reads the id with virXMLPropInt
    host, text = _running()
    _head, body = text.split("\n", 1)
    pid = host.libvirt.lookup("a").pid
    bad_id = body.replace("<domain type='kvm' id='1'>", "<domain type='kvm' id='one'>", 1)
    negative_id = body.replace("<domain type='kvm' id='1'>", "<domain type='kvm' id='-1'>", 1)
    domstatus = "element 'domstatus'"
    cases = {
        (f"<domstatus reason='booted' pid='{pid}'>", body): (
            f"XML error: Missing required attribute 'state' in {domstatus}"
        ),
        (f"<domstatus state='on' pid='{pid}'>", body): (
            f"XML error: Invalid value for attribute 'state' in {domstatus}: 'on'."
        ),
        (f"<domstatus state='' pid='{pid}'>", body): (
            f"XML error: Invalid value for attribute 'state' in {domstatus}: ''."
        ),
        (f"<domstatus state='paused' reason='booted' pid='{pid}'>", body): (
            "unsupported configuration: invalid domain state reason 'booted'"
        ),
        (f"<domstatus state='running' reason='' pid='{pid}'>", body): (
            "unsupported configuration: invalid domain state reason ''"
        ),
        ("<domstatus state='running' reason='booted'>", body): (
            f"XML error: Missing required attribute 'pid' in {domstatus}"
        ),
        (f"<domstatus state='running' pid='{pid} '>", body): (
            f"XML error: Invalid value for attribute 'pid' in {domstatus}: '{pid} '. "
            "Expected long long integer value"
        ),
        ("<domstatus state='running' pid='9223372036854775808'>", body): (
            f"XML error: Invalid value for attribute 'pid' in {domstatus}: "
            "'9223372036854775808'. Expected long long integer value"
        ),
        (f"<domstatus state='on' pid='{pid}'>", bad_id): (
            "XML error: Invalid value for attribute 'id' in element 'domain': 'one'. "
            "Expected integer value"
        ),
        (f"<domstatus state='running' pid='{pid}'>", negative_id): (
            "XML error: Invalid value for attribute 'id' in element 'domain': '-1'. "
            "Expected non-negative value"
        ),
        (f"<domstatus state='shutoff' pid='{pid}'>", body): (
            "seclab: not modelled: a status file in state 'shutoff'"
        ),
    }
    for (first, rest), error in cases.items():
        host.write_file(host.shell, "/run/libvirt/qemu/a.xml", (first + "\n" + rest).encode())
        host.restart_libvirt()
        errors = [t for _, level, t in host.libvirt.log.messages if level == "error"]
        assert errors[-2:] == [error, "Failed to load config for domain 'a'"], first


def test_a_status_files_pid_is_read_as_strtoll_reads_it() -> None:
    # virStrToLong_ll: leading white space and a sign are taken; a negative pid is no
    # error (no range check): it names no process, so the reconnect finds qemu gone
    host, text = _running()
    head, body = text.split("\n", 1)
    pid = host.libvirt.lookup("a").pid
    assert parse_status(head.replace(f"pid='{pid}'", f"pid=' +{pid}'") + "\n" + body).pid == pid
    assert parse_status(head.replace(f"pid='{pid}'", "pid='-7'") + "\n" + body).pid == -7
    host.write_file(
        host.shell, "/run/libvirt/qemu/a.xml", (head.replace(str(pid), "-7") + "\n" + body).encode()
    )
    host.restart_libvirt()
    assert host.run("virsh domstate a").output == "shut off\n\n"
