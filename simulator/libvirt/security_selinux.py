"""libvirt's SELinux security driver (``src/security/security_selinux.c``)."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

import attrs

from simulator.kernel import errno_table as errno
from simulator.libvirt import security_util
from simulator.libvirt.domain_xml import Chardev, DomainDef, SecLabel, StorageSource
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.mcs import McsTable, process_range
from simulator.libvirt.storage import disk_chain
from simulator.libvirt.transaction import Item
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error
from simulator.selinux.context import MlsRange, SecurityContext

NAME = "selinux"
DOMAIN_CONTEXT_FILE = "/etc/selinux/targeted/contexts/virtual_domain_context"
IMAGE_CONTEXT_FILE = "/etc/selinux/targeted/contexts/virtual_image_context"
NON_CRITICAL = (errno.EOPNOTSUPP, errno.ENOTSUP, errno.EROFS)


@attrs.frozen(repr=False, eq=False)
class VirtualContexts:
    """The selinux-policy contexts files libvirt reads at start."""

    domain_context: str
    alt_domain_context: str | None
    file_context: str
    content_context: str


def read_contexts(ops: HostAccess) -> VirtualContexts:
    """``virSecuritySELinuxQEMUInitialize``: line 1 and (optional) line 2 of each file."""
    try:
        domain = ops.read_text(DOMAIN_CONTEXT_FILE).splitlines()
    except OSError as error:
        raise system_error(
            error.errno or 0,
            f"cannot read SELinux virtual domain context file '{DOMAIN_CONTEXT_FILE}'",
        ) from None
    try:
        image = ops.read_text(IMAGE_CONTEXT_FILE).splitlines()
    except OSError as error:
        raise system_error(
            error.errno or 0, f"cannot read SELinux virtual image context file {IMAGE_CONTEXT_FILE}"
        ) from None
    if not domain or len(image) < 2:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "cannot read SELinux virtual contexts")
    return VirtualContexts(
        domain_context=domain[0].strip(),
        alt_domain_context=domain[1].strip() if len(domain) > 1 else None,
        file_context=image[0].strip(),
        content_context=image[1].strip(),
    )


def chardev_paths(ops: HostAccess, chardev: Chardev, restore: bool) -> list[str]:
    """The files both drivers label for one character device (libvirt:
    ``virSecuritySELinuxSetChardevLabel``, ``virSecurityDACSetChardevLabelHelper`` and their
    restore twins): ``file``/``dev`` paths; a ``unix`` socket in connect mode (missing:
    the relabel fails with ENOENT), in bind mode only if it exists and never restored;
    a ``pipe``'s ``PATH.in`` and ``PATH.out`` when both exist, else the fifo ``PATH``."""
    path = chardev.path
    if path is None:
        return []
    if chardev.type in ("file", "dev"):
        return [path]
    if chardev.type == "unix":
        listen = chardev.mode == "bind"
        if restore:
            return [] if listen else [path]
        return [path] if not listen or ops.exists(path) else []
    if chardev.type == "pipe":
        if ops.exists(f"{path}.in") and ops.exists(f"{path}.out"):
            pair = [f"{path}.in", f"{path}.out"]
            return pair[::-1] if restore else pair
        return [path]
    return []  # pty, tcp, udp, null, spicevmc, ...: nothing on disk to label


@functools.lru_cache(maxsize=64)
def _canonical_range(mcs: str) -> str:
    """``mcs`` as a context prints it (``MlsRange.parse`` then ``str``)."""
    return str(MlsRange.parse(mcs))


def _range_of(label: str) -> str:
    """The MCS range of a process label, as text (``context_range_get``)."""
    return str(SecurityContext.parse(label).range)


class SelinuxDriver:
    name = NAME

    def __init__(
        self,
        contexts: VirtualContexts,
        daemon_context: str,
        mcs: McsTable,
        rng: random.Random,
    ) -> None:
        self.contexts = contexts
        self.daemon = SecurityContext.parse(daemon_context)
        self.daemon_context = daemon_context
        self.mcs = mcs
        self.rng = rng

    # -- labels for a domain -----------------------------------------------------------------

    def _new_context(self, base: str, mcs: str, *, is_object: bool) -> str:
        """``virSecuritySELinuxGenNewContext``: the daemon's user (and role for processes).

        libselinux's ``context_new`` takes ``user:role:type`` without a level too; the
        range is set from ``mcs`` either way.
        """
        try:
            if base.count(":") == 2:
                base += ":s0"
            parsed = SecurityContext.parse(base)
        except ValueError:
            raise system_error(
                errno.EINVAL, f"Unable to parse base SELinux context '{base}'"
            ) from None
        role = parsed.role if is_object else self.daemon.role
        # str(SecurityContext(user, role, type, MlsRange.parse(mcs))), the range's text
        # made canonical once for the process and the image label of one start.
        return f"{self.daemon.user}:{role}:{parsed.type}:{_canonical_range(mcs)}"

    def gen_label(self, domain: DomainDef, seclabel: SecLabel) -> None:
        """``virSecuritySELinuxGenLabel``."""
        if seclabel.type == "dynamic" and seclabel.label is not None:
            raise LibvirtError(ErrorCode.INTERNAL_ERROR, "security label already defined for VM")
        if seclabel.imagelabel is not None:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR, "security image label already defined for VM"
            )
        cat_range = process_range(self.daemon_context)
        sens = f"s{cat_range.sensitivity}"
        if seclabel.type == "static":
            assert seclabel.label is not None
            try:
                mcs = str(SecurityContext.parse(seclabel.label).range)
            except ValueError:  # libvirt: context_new fails (its message says "socket")
                raise system_error(
                    errno.EINVAL,
                    f"unable to allocate socket security context '{seclabel.label}'",
                ) from None
        elif seclabel.type == "dynamic":
            mcs = self.mcs.allocate(self.rng, cat_range)
            if seclabel.baselabel is not None:
                base = seclabel.baselabel
            elif domain.virt_type == "qemu" and self.contexts.alt_domain_context:
                base = self.contexts.alt_domain_context
            else:
                base = self.contexts.domain_context
            try:
                seclabel.label = self._new_context(base, mcs, is_object=False)
                seclabel.imagelabel = self._new_context(
                    self.contexts.file_context, mcs, is_object=True
                )
            except LibvirtError:
                # libvirt's cleanup frees the label but leaves the pair in data->mcs until
                # the daemon restarts; the lab gives it back (docs/deviations.md).
                self.mcs.remove(mcs)
                seclabel.label = seclabel.imagelabel = None
                raise
            return
        else:
            mcs = sens
        seclabel.imagelabel = self._new_context(self.contexts.file_context, mcs, is_object=True)

    def verify(self, domain: DomainDef, valid: Callable[[SecurityContext], bool]) -> None:
        """``virSecuritySELinuxVerify``: a static label must be a valid context."""
        seclabel = domain.seclabel(NAME)
        if seclabel is None or seclabel.type != "static" or seclabel.label is None:
            return
        try:
            ok = valid(SecurityContext.parse(seclabel.label))
        except ValueError:
            ok = False
        if not ok:
            raise LibvirtError(ErrorCode.XML_ERROR, f"Invalid security label {seclabel.label}")

    def reserve_label(self, domain: DomainDef, process_context: str) -> None:
        """``virSecuritySELinuxReserveLabel``: after a daemon restart, from the running qemu."""
        seclabel = domain.seclabel(NAME)
        if seclabel is None or seclabel.type != "dynamic":
            return
        mcs = str(SecurityContext.parse(process_context).range)
        if not self.mcs.add(mcs):
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"MCS level for existing domain label {process_context} already reserved",
            )

    def release_label(self, domain: DomainDef) -> None:
        """``virSecuritySELinuxReleaseLabel``."""
        seclabel = domain.seclabel(NAME)
        if seclabel is None:
            return
        if seclabel.type == "dynamic" and seclabel.label is not None:
            self.mcs.remove(_range_of(seclabel.label))
            seclabel.label = None
        seclabel.imagelabel = None

    # -- what gets which label (libvirt.md 3.4) ----------------------------------------------

    def _active(self, domain: DomainDef) -> SecLabel | None:
        seclabel = domain.seclabel(NAME)
        if seclabel is None or not seclabel.relabel or seclabel.imagelabel is None:
            return None
        return seclabel

    def image_label(
        self,
        seclabel: SecLabel,
        src: StorageSource,
        top: StorageSource,
        *,
        is_top: bool,
        readonly: bool,
        shared: bool,
    ) -> str | None:
        """``virSecuritySELinuxSetImageLabelInternal``'s choice; None: leave it alone."""
        for holder in (src, top):
            per_disk = holder.seclabel(NAME)
            if per_disk is not None:
                if not per_disk.relabel:
                    return None
                if per_disk.label is not None:
                    return per_disk.label
        if not is_top:
            return self.contexts.content_context
        if shared:
            return self.contexts.file_context
        if readonly:
            return self.contexts.content_context
        return seclabel.imagelabel

    def set_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        """``virSecuritySELinuxSetAllLabel``: the queued items, in libvirt's order."""
        seclabel = self._active(domain)
        if seclabel is None:
            return []
        items: list[Item] = []
        for disk in domain.disks:
            items.extend(self.image_items(ops, domain, disk.target))
        for memory in domain.memories:  # virSecuritySELinuxSetMemoryLabel
            items.append(Item(memory.path, seclabel.imagelabel or "", remember=True))
        for chardev in domain.chardevs:
            items.extend(self._chardev_items(ops, seclabel, chardev, restore=False))
        if domain.os.nvram:
            items.append(Item(domain.os.nvram, seclabel.imagelabel or "", remember=True))
        for path in (domain.os.kernel, domain.os.initrd, domain.os.dtb, domain.os.slic_table):
            if path:
                items.append(Item(path, self.contexts.content_context, remember=True))
        return items

    def image_items(self, ops: HostAccess, domain: DomainDef, target: str) -> list[Item]:
        seclabel = self._active(domain)
        disk = domain.disk(target)
        if seclabel is None or disk is None or disk.src.path is None:
            return []
        items = []
        for depth, src in enumerate(disk_chain(ops, disk)):
            if src.path is None:
                continue
            label = self.image_label(
                seclabel,
                src,
                disk.src,
                is_top=depth == 0,
                readonly=disk.readonly,
                shared=disk.shareable,
            )
            if label is None:
                continue
            remember = depth == 0 and not disk.readonly and not disk.shareable
            items.append(Item(src.path, label, remember))
        return items

    def _chardev_items(
        self, ops: HostAccess, seclabel: SecLabel, chardev: Chardev, *, restore: bool
    ) -> list[Item]:
        """``virSecuritySELinuxSetChardevLabel`` / ``RestoreChardevLabel``: the per-chardev
        label, else the imagelabel, on the paths :func:`chardev_paths` names."""
        per_chr = chardev.seclabel(NAME)
        if per_chr is not None and not per_chr.relabel:
            return []
        if restore:
            return [Item(p, None, True, restore=True) for p in chardev_paths(ops, chardev, True)]
        label = (None if per_chr is None else per_chr.label) or seclabel.imagelabel or ""
        return [Item(p, label, remember=True) for p in chardev_paths(ops, chardev, False)]

    def restore_all_label(self, ops: HostAccess, domain: DomainDef) -> list[Item]:
        """``virSecuritySELinuxRestoreAllLabel``: tops of rw disks, chardevs, nvram, kernel."""
        seclabel = self._active(domain)
        if seclabel is None:
            return []
        items: list[Item] = []
        for disk in domain.disks:
            items.extend(self.restore_image_items(domain, disk.target))
        for memory in domain.memories:  # virSecuritySELinuxRestoreMemoryLabel
            items.append(Item(memory.path, None, remember=True, restore=True))
        for chardev in domain.chardevs:
            items.extend(self._chardev_items(ops, seclabel, chardev, restore=True))
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
        """``virSecuritySELinuxRestoreImageLabelSingle`` on the top image only."""
        seclabel = self._active(domain)
        disk = domain.disk(target)
        if seclabel is None or disk is None or disk.src.path is None:
            return []
        per_disk = disk.src.seclabel(NAME)
        if (per_disk is not None and not per_disk.relabel) or disk.readonly or disk.shareable:
            return []
        return [Item(disk.src.path, None, remember=True, restore=True)]

    # -- the file operations (libvirt.md 3.5, 3.6) ---------------------------------------------

    def set_filecon(self, ops: HostAccess, path: str, tcon: str, remember: bool) -> None:
        """``virSecuritySELinuxSetFilecon``, with the "already in use" refcount rule."""
        rollback = False
        try:
            if remember:
                try:
                    econ = ops.getfilecon(path)
                except OSError as error:
                    raise system_error(
                        error.errno or 0, f"unable to get SELinux context of {path}"
                    ) from None
                if econ:
                    rc = security_util.remember_label(ops, NAME, path, econ)
                    if rc > 0:
                        rollback = True
                    if rc > 1 and econ != tcon:
                        raise LibvirtError(
                            ErrorCode.OPERATION_INVALID,
                            f"Setting different SELinux label on {path} which is already in use",
                        )
            if self.set_filecon_impl(ops, path, tcon) == 0:
                rollback = False
        except LibvirtError:
            if rollback:
                self._undo(ops, path, remember)
            raise
        if rollback:
            self._undo(ops, path, remember)

    def _undo(self, ops: HostAccess, path: str, remember: bool) -> None:
        if not self.restore_file_label(ops, path, remember):
            ops.warn(
                f"Unable to restore label on '{path}'. "
                "XATTRs might have been left in inconsistent state."
            )

    def set_filecon_impl(self, ops: HostAccess, path: str, tcon: str) -> int:
        """``virSecuritySELinuxSetFileconImpl``: 0 done, 1 tolerated failure; raises if fatal."""
        try:
            ops.setfilecon(path, tcon, "virSecuritySELinuxSetFilecon")
        except OSError as error:
            code = error.errno or 0
            if code in NON_CRITICAL:
                state = ops.selinux
                if ops.is_shared_fs(path) and not (state and state.booleans.get("virt_use_nfs")):
                    message = (
                        f"Setting security context '{tcon}' on '{path}' not supported. "
                        "Consider setting virt_use_nfs"
                    )
                    (ops.warn if ops.enforcing else ops.info)(message)
                else:
                    ops.info(f"Setting security context '{tcon}' on '{path}' not supported")
                return 1
            privileged = True
            if code == errno.ENOENT or (ops.enforcing and (code != errno.EPERM or privileged)):
                raise system_error(
                    code, f"unable to set security context '{tcon}' on '{path}'"
                ) from None
            ops.warn(f"unable to set security context '{tcon}' on '{path}' (errno {code})")
            return 1
        return 0

    def restore_file_label(self, ops: HostAccess, path: str, recall: bool) -> bool:
        """``virSecuritySELinuxRestoreFileLabel``: remembered label, else matchpathcon."""
        try:
            resolved = ops.realpath(path)
        except OSError as error:
            ops.warn(f"cannot resolve symlink {path}: {error.strerror}")
            return False
        fcon: str | None = None
        if recall:
            rc, label = security_util.recall_label(ops, NAME, resolved)
            if rc == 0 and label is None:
                return True  # still in use by another domain
            fcon = label
        if fcon is None:
            try:
                mode = ops.st_mode(resolved)
            except OSError as error:
                ops.warn(f"cannot stat {resolved}: {error.strerror}")
                return False
            fcon = ops.matchpathcon(resolved, mode)
            if fcon is None:
                ops.warn(f"cannot lookup default selinux label for {resolved}")
                return True
        try:
            self.set_filecon_impl(ops, resolved, fcon)
        except LibvirtError:
            return False
        return True
