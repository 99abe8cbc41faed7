"""A running domain's status file, ``/run/libvirt/qemu/NAME.xml``: what a restarted daemon
reconnects from (``virDomainObjFormat``/``virDomainObjParseXML`` of
``src/conf/domain_conf.c``, with the QEMU driver's private data of ``qemu_domain.c``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # status files are written by the daemon itself

import attrs

from simulator.errors import NotModelled
from simulator.libvirt.domain_xml import DomainDef, domain_from_element, format_domain, parse_xml
from simulator.libvirt.virdomainobjlist import Domain
from simulator.libvirt.virerror import ErrorCode, LibvirtError

STATUS = "/run/libvirt/qemu"  # cfg->stateDir
# The ASCII characters other than "\n" that str.splitlines() ends a line at.
_OTHER_LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e]")


def status_path(name: str) -> str:
    """``virDomainConfigFile(cfg->stateDir, name)``."""
    return f"{STATUS}/{name}.xml"


# libvirt: virDomainRunningReason / virDomainPausedReason (domain_conf.c) — the status file's
# word for each reason, beside what ``virsh domstate --reason`` prints for it
# (virshDomainStateReasonToString, virsh-domain-monitor.c). The lab's Domain keeps virsh's.
_REASONS: dict[str, tuple[tuple[str, str], ...]] = {
    "running": (
        ("unknown", "unknown"),
        ("booted", "booted"),
        ("migrated", "migrated"),
        ("restored", "restored"),
        ("from snapshot", "from snapshot"),
        ("unpaused", "unpaused"),
        ("migration canceled", "migration canceled"),
        ("save canceled", "save canceled"),
        ("wakeup", "event wakeup"),
        ("crashed", "crashed"),
        ("post-copy", "post-copy"),
        ("post-copy failed", "post-copy failed"),
    ),
    "paused": (
        ("unknown", "unknown"),
        ("user", "user"),
        ("migration", "migrating"),
        ("save", "saving"),
        ("dump", "dumping"),
        ("ioerror", "I/O error"),
        ("watchdog", "watchdog"),
        ("from snapshot", "from snapshot"),
        ("shutdown", "shutting down"),
        ("snapshot", "creating snapshot"),
        ("api error", "API error"),
        ("starting up", "starting up"),
        ("post-copy", "post-copy"),
        ("post-copy failed", "post-copy failed"),
    ),
}
# virDomainStateTypeToString: the states a status file may name; the lab's running domains
# are only ever running or paused, and a file naming another state is not modelled.
_STATES = (
    "nostate",
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shutoff",
    "crashed",
    "pmsuspended",
)
_WORD = {(state, shown): word for state, pairs in _REASONS.items() for word, shown in pairs}
_SHOWN = {(state, word): shown for state, pairs in _REASONS.items() for word, shown in pairs}


@attrs.frozen(repr=False)
class Status:
    """What a status file says about a running domain."""

    live: DomainDef
    pid: int
    id: int | None
    paused: bool
    reason: str
    remember_owner: bool
    namespaces: bool


def format_status(domain: Domain, machine: str) -> str:
    """The status file's text: ``<domstatus>`` with the driver's private data, then the live
    definition, each indented two spaces."""
    # libvirt: virDomainObjFormat
    assert domain.live is not None
    state = "paused" if domain.paused else "running"
    reason = _WORD.get((state, domain.reason), "unknown")
    lines = [f"<domstatus state='{state}' reason='{reason}' pid='{domain.pid}'>"]
    # libvirt: qemuDomainObjPrivateXMLFormat (namespaces come before rememberOwner)
    if domain.namespaces:
        lines += ["  <namespaces>", "    <mount/>", "  </namespaces>"]
    if domain.remember_owner:
        lines.append("  <rememberOwner/>")
    body = format_domain(domain.live, domain_id=domain.id, machine=machine)
    if body.isascii() and _OTHER_LINE_BREAKS.search(body) is None:
        # Only "\n" ends a line of it: each line indented by one replace (what the
        # splitlines() below gives, without a list of lines).
        lines.append("  " + body[:-1].replace("\n", "\n  "))
    else:
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
    # virDomainObjParseXML: the state and reason the previous daemon recorded, read after
    # the definition and before the pid
    state = root.get("state")
    if state is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "missing domain state")
    if state not in _STATES:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"invalid domain state '{state}'")
    if state not in _REASONS:
        raise NotModelled(f"a status file in state '{state}'")
    word = root.get("reason", "unknown")
    if (state, word) not in _SHOWN:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, f"invalid domain state reason '{word}'")
    pid = _status_number(root, "pid")
    if pid is None:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "invalid pid")
    # virDomainDefParseIDs: an id that does not parse is -1 (no id), not an error
    domain_id = _status_number(inner, "id")
    return Status(
        live=live,
        pid=pid,
        id=domain_id or None,
        paused=state == "paused",
        reason=_SHOWN[state, word],
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
