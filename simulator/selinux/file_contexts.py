"""File contexts: the default label of a path, as ``matchpathcon`` and ``restorecon`` find it.

Specs are anchored regular expressions with an optional file-type qualifier. They are sorted
as the policy build's ``fc_sort`` sorts them (least specific first: regexes before plain
paths, then by the length of the literal stem, then by length, then typed after untyped),
and libselinux takes the *last* match, so the most specific spec wins. Local rules
(``semanage fcontext -a``) are consulted before the policy's.
"""

from __future__ import annotations

import functools
import re

import attrs

from simulator.errors import InvalidArgument
from simulator.selinux.context import SecurityContext

# The file-type qualifier of a spec -> the object class it matches.
QUALIFIERS: dict[str, str] = {
    "--": "file",
    "-d": "dir",
    "-l": "lnk_file",
    "-b": "blk_file",
    "-c": "chr_file",
    "-p": "fifo_file",
    "-s": "sock_file",
}
META = set(".^$?*+|[({")


def _sys(type_: str) -> str:
    return f"system_u:object_r:{type_}:s0"


# (regex, qualifier or "", context or None for <<none>>): Fedora targeted file_contexts as far
# as the lab's host needs (selinux-policy.md 3.1), with genhomedircon's expansion for root and
# __default__ users (unconfined_u).
FEDORA_FILE_CONTEXTS: tuple[tuple[str, str, str | None], ...] = (
    ("/.*", "", _sys("default_t")),
    ("/", "-d", _sys("root_t")),
    ("/bin", "-l", _sys("bin_t")),
    ("/sbin", "-l", _sys("bin_t")),
    ("/lib", "-l", _sys("lib_t")),
    ("/root(/.*)?", "", _sys("admin_home_t")),
    ("/home", "-d", _sys("home_root_t")),
    ("/home/[^/]+", "-d", "unconfined_u:object_r:user_home_dir_t:s0"),
    ("/home/[^/]+/.+", "", "unconfined_u:object_r:user_home_t:s0"),
    ("/home/[^/]+/VirtualMachines(/.*)?", "", "unconfined_u:object_r:virt_home_t:s0"),
    (
        "/home/[^/]+/\\.local/share/libvirt/images(/.*)?",
        "",
        "unconfined_u:object_r:svirt_home_t:s0",
    ),
    ("/tmp", "-d", _sys("tmp_t")),
    ("/tmp/.*", "", None),
    ("/var/tmp", "-d", _sys("tmp_t")),
    ("/var/tmp/.*", "", None),
    ("/etc(/.*)?", "", _sys("etc_t")),
    ("/etc/passwd[-+]?", "--", _sys("passwd_file_t")),
    ("/etc/group[-+]?", "--", _sys("passwd_file_t")),
    ("/etc/hostname", "--", _sys("hostname_etc_t")),
    ("/etc/selinux(/.*)?", "", _sys("selinux_config_t")),
    ("/etc/selinux/([^/]*/)?contexts(/.*)?", "", _sys("default_context_t")),
    ("/etc/libvirt", "-d", _sys("virt_etc_t")),
    ("/etc/libvirt/[^/]*", "--", _sys("virt_etc_t")),
    ("/etc/libvirt/[^/]*", "-d", _sys("virt_etc_rw_t")),
    ("/etc/libvirt/.*/.*", "", _sys("virt_etc_rw_t")),
    ("/srv(/.*)?", "", _sys("var_t")),
    ("/opt(/.*)?", "", _sys("usr_t")),
    ("/mnt(/[^/]*)?", "-d", _sys("mnt_t")),
    ("/mnt(/[^/]*)?", "-l", _sys("mnt_t")),
    ("/var(/.*)?", "", _sys("var_t")),
    ("/var/lib(/.*)?", "", _sys("var_lib_t")),
    ("/var/lib/libvirt(/.*)?", "", _sys("virt_var_lib_t")),
    ("/var/lib/libvirt/images(/.*)?", "", _sys("virt_image_t")),
    ("/var/lib/libvirt/boot(/.*)?", "", _sys("virt_content_t")),
    ("/var/lib/libvirt/isos(/.*)?", "", _sys("virt_content_t")),
    ("/var/lib/libvirt/qemu(/.*)?", "", _sys("qemu_var_run_t")),
    ("/var/log(/.*)?", "", _sys("var_log_t")),
    ("/var/log/audit(/.*)?", "", _sys("auditd_log_t")),
    ("/var/log/libvirt(/.*)?", "", _sys("virt_log_t")),
    ("/var/cache/libvirt(/.*)?", "", _sys("virt_cache_t")),
    ("/run(/.*)?", "", _sys("var_run_t")),
    ("/run/libvirt(/.*)?", "", _sys("virt_var_run_t")),
    ("/run/libvirt/qemu(/.*)?", "", _sys("qemu_var_run_t")),
    ("/usr(/.*)?", "", _sys("usr_t")),
    ("/usr/bin(/.*)?", "", _sys("bin_t")),
    ("/usr/sbin(/.*)?", "", _sys("bin_t")),
    ("/usr/libexec(/.*)?", "", _sys("bin_t")),
    ("/usr/lib(/.*)?", "", _sys("lib_t")),
    ("/usr/libexec/qemu-kvm", "--", _sys("qemu_exec_t")),
    ("/usr/bin/qemu-system-.*", "--", _sys("qemu_exec_t")),
    ("/usr/sbin/virtqemud", "--", _sys("virtqemud_exec_t")),
    ("/usr/sbin/libvirtd", "--", _sys("virtd_exec_t")),  # virt.fc
    ("/usr/sbin/auditd", "--", _sys("auditd_exec_t")),
    ("/usr/lib/systemd/systemd", "--", _sys("init_exec_t")),
    ("/usr/bin/bash", "--", _sys("shell_exec_t")),
    ("/proc(/.*)?", "", None),
    ("/dev(/.*)?", "", _sys("device_t")),
    ("/dev/pts(/.*)?", "", None),
    ("/dev/shm", "-d", _sys("tmpfs_t")),
    ("/dev/shm/.*", "", None),
    ("/dev/hugepages", "-d", _sys("hugetlbfs_t")),
    ("/dev/mqueue(/.*)?", "", _sys("tmpfs_t")),
    ("/dev/[shmxv]d[^/]*", "-b", _sys("fixed_disk_device_t")),
    ("/dev/nvme[0-9]+n[^/]+", "-b", _sys("fixed_disk_device_t")),
    ("/dev/dm-[0-9]+", "-b", _sys("fixed_disk_device_t")),
    ("/dev/loop[0-9]+", "-b", _sys("fixed_disk_device_t")),
    ("/dev/md/.*", "-b", _sys("fixed_disk_device_t")),
    ("/dev/mapper/.*", "-b", _sys("fixed_disk_device_t")),
    ("/dev/s(cd|r)[^/]*", "-b", _sys("removable_device_t")),
    ("/dev/mmcblk.*", "-b", _sys("removable_device_t")),
    ("/dev/bus/usb.*/[0-9]+", "-c", _sys("usb_device_t")),
    ("/dev/kvm", "-c", _sys("kvm_device_t")),
    ("/dev/vfio/vfio", "-c", _sys("vfio_device_t")),
    ("/dev/vhost-net", "-c", _sys("vhost_device_t")),
    ("/dev/net/tun", "-c", _sys("tun_tap_device_t")),
    ("/dev/null", "-c", _sys("null_device_t")),
    ("/dev/zero", "-c", _sys("zero_device_t")),
    ("/dev/full", "-c", _sys("null_device_t")),
    ("/dev/random", "-c", _sys("random_device_t")),
    ("/dev/urandom", "-c", _sys("random_device_t")),
    ("/dev/ptmx", "-c", _sys("ptmx_t")),
    ("/dev/userfaultfd", "-c", _sys("userfaultfd_device_t")),
)


@attrs.frozen(repr=False)
class FileContextSpec:
    """One line of ``file_contexts``: ``REGEX [QUALIFIER] CONTEXT|<<none>>``."""

    regex: str
    qualifier: str
    context: SecurityContext | None

    @classmethod
    def of(cls, regex: str, qualifier: str, context: str | None) -> FileContextSpec:
        if qualifier and qualifier not in QUALIFIERS:
            raise InvalidArgument(f"unknown file type qualifier {qualifier!r}")
        try:
            re.compile(regex)
        except re.error as error:
            raise InvalidArgument(f"bad file context regex {regex!r}: {error}") from None
        return cls(regex, qualifier, None if context is None else SecurityContext.parse(context))

    @property
    def tclass(self) -> str | None:
        return QUALIFIERS.get(self.qualifier)

    def matches(self, path: str, tclass: str | None) -> bool:
        if self.tclass is not None and tclass is not None and self.tclass != tclass:
            return False
        return _compiled(self.regex).fullmatch(path) is not None

    def specificity(self) -> tuple[int, int, int, int]:
        """``fc_sort``'s key: has no regex metacharacters, stem length, length, typed."""
        stem = _stem_length(self.regex)
        has_meta = stem < len(self.regex)
        return (0 if has_meta else 1, stem, len(self.regex), 1 if self.qualifier else 0)

    def line(self) -> str:
        context = "<<none>>" if self.context is None else str(self.context)
        return (
            f"{self.regex}\t{self.qualifier}\t{context}"
            if self.qualifier
            else (f"{self.regex}\t{context}")
        )


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


def _stem_length(regex: str) -> int:
    """Characters before the first unescaped metacharacter (an escape counts as literal)."""
    i = 0
    while i < len(regex):
        if regex[i] == "\\":
            i += 2
            continue
        if regex[i] in META:
            return i
        i += 1
    return len(regex)


@attrs.frozen(repr=False)
class FileContexts:
    """The policy's specs, sorted least specific first, and local rules taking precedence."""

    specs: tuple[FileContextSpec, ...]
    local: tuple[FileContextSpec, ...] = ()

    @classmethod
    def fedora(cls) -> FileContexts:
        specs = (  # not .of: a test checks the built-in regexes; a boot does not compile them
            FileContextSpec(r, q, None if c is None else SecurityContext.parse(c))
            for r, q, c in FEDORA_FILE_CONTEXTS
        )
        return cls(tuple(sorted(specs, key=FileContextSpec.specificity)))

    def lookup(self, path: str, tclass: str | None = None) -> FileContextSpec | None:
        """The spec that decides ``path`` (of class ``tclass``), or None if none matches."""
        for spec in reversed(self.local):
            if spec.matches(path, tclass):
                return spec
        for spec in reversed(self.specs):
            if spec.matches(path, tclass):
                return spec
        return None

    def default_context(self, path: str, tclass: str | None = None) -> SecurityContext | None:
        """What ``matchpathcon`` prints; None for no match or ``<<none>>``."""
        spec = self.lookup(path, tclass)
        return None if spec is None else spec.context

    def with_local(self, spec: FileContextSpec) -> FileContexts:
        kept = tuple(
            s for s in self.local if (s.regex, s.qualifier) != (spec.regex, spec.qualifier)
        )
        return attrs.evolve(self, local=(*kept, spec))

    def without_local(self, regex: str, qualifier: str = "") -> FileContexts:
        kept = tuple(s for s in self.local if (s.regex, s.qualifier) != (regex, qualifier))
        if len(kept) == len(self.local):
            raise InvalidArgument(f"File context for {regex} is not defined")
        return attrs.evolve(self, local=kept)


def restorecon_target(
    current: SecurityContext | None,
    default: SecurityContext,
    customizable: frozenset[str],
    *,
    force: bool,
) -> SecurityContext | None:
    """The context restorecon sets on a file whose ``file_contexts`` entry is ``default``
    (libselinux selinux_restorecon.c ``restorecon_sb``): without force only the type
    changes, and a customizable type is kept (None); with force the whole entry. An
    unlabelled file gets the entry whatever force says."""
    if current is None or force:
        return default
    if current.type in customizable:
        return None
    return current.with_type(default.type)
