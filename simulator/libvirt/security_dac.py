"""libvirt's DAC security driver (``src/security/security_dac.c``): owners, not labels."""

from __future__ import annotations

import functools

from simulator.kernel import errno_table as errno
from simulator.libvirt import security_util
from simulator.libvirt.domain_xml import DeviceSeclabel, DomainDef, SecLabel, StorageSource
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.security_selinux import chardev_paths
from simulator.libvirt.storage import disk_chain
from simulator.libvirt.transaction import Item
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error
from simulator.system import accounts

NAME = "dac"
IGNORED_CHOWN_ERRORS = (errno.EOPNOTSUPP, errno.EINVAL, errno.EPERM, errno.EROFS)


def format_ids(uid: int, gid: int) -> str:
    return f"+{uid}:+{gid}"


def _lookup(ops: HostAccess, database: str, name: str) -> int | None:
    """``virGetUserID``/``virGetGroupID``: ``getpwnam_r``/``getgrnam_r`` on the database
    (glibc's ``nss_files``, :mod:`simulator.system.accounts`)."""
    return accounts.id_of(ops.read_text(database), name)


MAX_ID = 0xFFFFFFFF  # uid_t and gid_t are 32-bit unsigned


def _parse_id(ops: HostAccess, value: str, database: str) -> int:
    """``virGetUserID``/``virGetGroupID``: a name first unless it starts with ``+``, then
    ``virStrToLong_ui`` of the rest, which must fit ``uid_t``."""
    kind = "user" if database == accounts.PASSWD_PATH else "group"
    if value.startswith("+"):
        value = value[1:]
    else:
        found = _lookup(ops, database, value)
        if found is not None:
            return found
    return _number(value, kind)


@functools.lru_cache(maxsize=256)
def _number(value: str, kind: str) -> int:
    """``virStrToLong_ui`` of an id (a ``+`` more is skipped): the same few owners are
    parsed for every image of every start."""
    digits = value[1:] if value[:1] == "+" else value
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 10 or int(digits) > MAX_ID:
        raise LibvirtError(ErrorCode.INVALID_ARG, f"Failed to parse {kind} '{value}'")
    return int(digits)


def parse_ids(ops: HostAccess, text: str) -> tuple[int, int]:
    """``virParseOwnershipIds``: ``user:group`` as names or ``+uid``/``+gid``."""
    user, _, group = text.partition(":")
    return (
        _parse_id(ops, user, accounts.PASSWD_PATH),
        _parse_id(ops, group or user, accounts.GROUP_PATH),
    )


def _unsigned_int(text: str) -> int | None:
    """``virStrToLong_ui(s, NULL, 10, ...)``: decimal digits that fit an unsigned int."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > 10:
        return None
    value = int(text)
    return value if value <= 0xFFFFFFFF else None


class DacDriver:
    name = NAME

    def __init__(
        self, user: tuple[int, int], *, dynamic_ownership: bool, mount_namespace: bool
    ) -> None:
        self.user = user
        self.dynamic_ownership = dynamic_ownership
        self.mount_namespace = mount_namespace

    # -- labels ---------------------------------------------------------------------------------

    def gen_label(self, domain: DomainDef, seclabel: SecLabel) -> None:
        """``virSecurityDACGenLabel``."""
        if seclabel.imagelabel is not None:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR, "security image label already defined for VM"
            )
        if seclabel.type == "static" and not seclabel.label:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"missing label for static security driver in domain {domain.name}",
            )
        if seclabel.type == "dynamic":
            seclabel.label = format_ids(*self.user)
        elif seclabel.type == "none":
            return
        if seclabel.relabel and seclabel.imagelabel is None:
            seclabel.imagelabel = seclabel.label

    def release_label(self, domain: DomainDef) -> None:
        seclabel = domain.seclabel(NAME)
        if seclabel is not None and seclabel.implicit:
            seclabel.label = seclabel.imagelabel = None

    def _image_ids(self, ops: HostAccess, domain: DomainDef) -> tuple[int, int]:
        seclabel = domain.seclabel(NAME)
        if seclabel is not None and seclabel.imagelabel:
            return parse_ids(ops, seclabel.imagelabel)
        return self.user

    def _active(self, domain: DomainDef) -> bool:
        seclabel = domain.seclabel(NAME)
        return self.dynamic_ownership and (seclabel is None or seclabel.relabel)

    # -- what gets chowned (libvirt.md 4.4) -------------------------------------------------------

    def _per_disk(self, src: StorageSource, top: StorageSource) -> DeviceSeclabel | None:
        return src.seclabel(NAME) or top.seclabel(NAME)

    def set_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        """``virSecurityDACSetAllLabel``: disk chains, memory backends, chardevs, then the
        nvram, kernel, initrd, dtb and SLIC table, as items the transaction chowns."""
        if not self._active(domain):
            return []
        ids = format_ids(*self._image_ids(ops, domain))
        items: list[Item] = []
        for disk in domain.disks:
            items.extend(self.image_items(ops, domain, disk.target))
        for memory in domain.memories:  # virSecurityDACSetMemoryLabel
            items.append(Item(memory.path, ids, remember=True))
        for chardev in domain.chardevs:
            per_chr = chardev.seclabel(NAME)
            if per_chr is not None and not per_chr.relabel:
                continue
            label = per_chr.label if per_chr is not None and per_chr.label else ids
            items.extend(Item(p, label, True) for p in chardev_paths(ops, chardev, False))
        for path in (
            domain.os.nvram,
            domain.os.kernel,
            domain.os.initrd,
            domain.os.dtb,
            domain.os.slic_table,
        ):
            if path:
                items.append(Item(path, ids, remember=True))
        return items

    def image_items(self, ops: HostAccess, domain: DomainDef, target: str) -> list[Item]:
        """``virSecurityDACSetImageLabelInternal`` over the disk's chain: only the top of a
        writable, unshared disk has its owner remembered."""
        disk = domain.disk(target)
        if not self._active(domain) or disk is None or disk.src.path is None:
            return []
        ids = format_ids(*self._image_ids(ops, domain))
        items = []
        for depth, src in enumerate(disk_chain(ops, disk)):
            per_disk = self._per_disk(src, disk.src)
            if src.path is None or (per_disk is not None and not per_disk.relabel):
                continue
            label = per_disk.label if per_disk is not None and per_disk.label else ids
            remember = depth == 0 and not disk.readonly and not disk.shareable
            items.append(Item(src.path, label, remember))
        return items

    def restore_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        """``virSecurityDACRestoreAllLabel``: the same files, back to their remembered (or
        root's) owner."""
        if not self._active(domain):
            return []
        items: list[Item] = []
        for disk in domain.disks:
            items.extend(self.restore_image_items(domain, disk.target))
        for memory in domain.memories:
            items.append(Item(memory.path, None, remember=True, restore=True))
        for chardev in domain.chardevs:
            per_chr = chardev.seclabel(NAME)
            if per_chr is not None and not per_chr.relabel:
                continue
            items.extend(
                Item(p, None, True, restore=True) for p in chardev_paths(ops, chardev, True)
            )
        for path in (
            domain.os.nvram,
            domain.os.kernel,
            domain.os.initrd,
            domain.os.dtb,
            domain.os.slic_table,
        ):
            if path:
                items.append(Item(path, None, remember=True, restore=True))
        return items

    def restore_image_items(self, domain: DomainDef, target: str) -> list[Item]:
        """``virSecurityDACRestoreImageLabelInt``: the top image only, and neither a
        read-only nor a shareable one."""
        disk = domain.disk(target)
        if not self._active(domain) or disk is None or disk.src.path is None:
            return []
        per_disk = disk.src.seclabel(NAME)
        if (per_disk is not None and not per_disk.relabel) or disk.readonly or disk.shareable:
            return []
        return [Item(disk.src.path, None, remember=True, restore=True)]

    # -- the file operations (libvirt.md 4.2, 4.3) -------------------------------------------------

    def set_ownership(self, ops: HostAccess, path: str, label: str, remember: bool) -> None:
        """``virSecurityDACSetOwnership``."""
        uid, gid = parse_ids(ops, label)
        remembered = False
        try:
            if remember:
                try:
                    current = ops.owner(path)
                except OSError as error:
                    raise system_error(error.errno or 0, f"unable to stat: {path}") from None
                rc = security_util.remember_label(ops, NAME, path, format_ids(*current))
                remembered = rc > 0
                if rc > 1 and current != (uid, gid):
                    raise LibvirtError(
                        ErrorCode.OPERATION_INVALID,
                        f"Setting different DAC user or group on {path} which is already in use",
                    )
            self.set_ownership_internal(ops, path, uid, gid)
        except LibvirtError:
            if remembered:
                self.restore_file_label(ops, path, remember)
            raise

    def set_ownership_internal(self, ops: HostAccess, path: str, uid: int, gid: int) -> None:
        """``virSecurityDACSetOwnershipInternal``: a no-op when the owner is already right."""
        try:
            if ops.owner(path) == (uid, gid):
                return
            ops.chown(path, uid, gid, "virSecurityDACSetOwnership")
        except OSError as error:
            code = error.errno or 0
            if code in IGNORED_CHOWN_ERRORS:
                ops.info(f"Setting user and group to '{uid}:{gid}' on '{path}' not permitted")
                return
            raise system_error(
                code, f"unable to set user and group to '{uid}:{gid}' on '{path}'"
            ) from None

    def restore_file_label(self, ops: HostAccess, path: str, recall: bool) -> bool:
        """``virSecurityDACRestoreFileLabelInternal``: remembered owner, else root:root."""
        uid, gid = 0, 0
        if recall:
            try:
                rc, label = security_util.recall_label(ops, NAME, path)
            except LibvirtError:
                return False
            if rc == 0 and label is None:
                return True  # still in use
            if label is not None:
                try:
                    uid, gid = parse_ids(ops, label)
                except LibvirtError:
                    return False
        try:
            self.set_ownership_internal(ops, path, uid, gid)
        except LibvirtError:
            return False
        return True
