"""A running domain's status file, ``/run/libvirt/qemu/NAME.xml``: what a restarted daemon
reconnects from (``virDomainObjFormat``/``virDomainObjParseXML`` of
``src/conf/domain_conf.c``, with the QEMU driver's private data of ``qemu_domain.c``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # status files are written by the daemon itself

import attrs

from simulator.libvirt.domain_xml import DomainDef, domain_from_element, format_domain, parse_xml
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError

STATUS = "/run/libvirt/qemu"  # cfg->stateDir


def status_path(name: str) -> str:
    """``virDomainConfigFile(cfg->stateDir, name)``."""
    return f"{STATUS}/{name}.xml"


@attrs.frozen
class Status:
    """What a status file says about a running domain."""

    live: DomainDef
    pid: int
    id: int | None
    reason: str
    remember_owner: bool
    namespaces: bool


def format_status(domain: Domain, machine: str) -> str:
    """The status file's text: ``<domstatus>`` with the driver's private data, then the live
    definition, each indented two spaces."""
    # libvirt: virDomainObjFormat
    assert domain.live is not None
    lines = [f"<domstatus state='running' reason='booted' pid='{domain.pid}'>"]
    # libvirt: qemuDomainObjPrivateXMLFormat (namespaces come before rememberOwner)
    if domain.namespaces:
        lines += ["  <namespaces>", "    <mount/>", "  </namespaces>"]
    if domain.remember_owner:
        lines.append("  <rememberOwner/>")
    body = format_domain(domain.live, domain_id=domain.id, machine=machine)
    lines += ["  " + line for line in body.splitlines()]
    lines.append("</domstatus>")
    return "\n".join(lines) + "\n"


def parse_status(text: str) -> Status:
    """A status file's contents, or the error libvirt logs for it."""
    # libvirt: virDomainObjParseFile -> virDomainObjParseXML
    root = parse_xml(text)
    if root.tag != "domstatus":
        raise LibvirtError(
            ErrorCode.XML_ERROR, f"expecting root element of 'domstatus', not '{root.tag}'"
        )
    inner = root.find("domain")
    if inner is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "no domain config")
    live = domain_from_element(inner, live=True)
    pid = _status_number(root, "pid")
    if pid is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "invalid pid")
    # virDomainDefParseIDs: an id that does not parse is -1 (no id), not an error
    domain_id = _status_number(inner, "id")
    # virDomainObjParseXML: the state reason the previous daemon recorded
    reason = root.get("reason", "")
    return Status(
        live=live,
        pid=pid,
        id=domain_id or None,
        reason=reason if reason in ("booted", "unpaused") else "unknown",
        # libvirt: qemuDomainObjPrivateXMLParse
        remember_owner=root.find("rememberOwner") is not None,
        namespaces=root.find("namespaces") is not None,
    )


def _status_number(element: ET.Element, name: str) -> int | None:
    """``virXPathLong("string(./@pid)")`` and friends: a missing attribute is 0; None when
    it is not a number."""
    text = element.get(name, "0").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    return int(text)
