"""Public hypothesis strategies for seclab's values.

Every strategy builds values the model accepts (valid levels, contexts, domain XML), so a
property test can go straight to the behaviour it checks.
"""

from __future__ import annotations

from hypothesis import strategies as st

from simulator.selinux.context import Level, MlsRange, SecurityContext

MAX_CATEGORY = 1023  # targeted policy: c0.c1023
IMAGES = "/var/lib/libvirt/images"


def categories(max_size: int = 6) -> st.SearchStrategy[frozenset[int]]:
    return st.frozensets(st.integers(0, MAX_CATEGORY), max_size=max_size)


def levels(max_categories: int = 6) -> st.SearchStrategy[Level]:
    """``s0`` with any set of categories (only ``s0`` exists in targeted)."""
    return st.builds(Level, st.just(0), categories(max_categories))


def mcs_pairs() -> st.SearchStrategy[Level]:
    """A level as libvirt's dynamic labelling draws it: two distinct categories."""
    return (
        st.lists(st.integers(0, MAX_CATEGORY), min_size=2, max_size=2, unique=True)
        .map(frozenset)
        .map(lambda cats: Level(0, cats))
    )


def ranges() -> st.SearchStrategy[MlsRange]:
    """A valid range: the high level dominates the low one."""
    return st.tuples(levels(), categories()).map(
        lambda pair: MlsRange(pair[0], Level(0, pair[0].categories | pair[1]))
    )


def contexts(
    types: tuple[str, ...] = ("svirt_image_t", "virt_image_t", "virt_content_t", "svirt_t"),
) -> st.SearchStrategy[SecurityContext]:
    """Contexts of the kinds libvirt deals with, in any MCS range."""
    return st.builds(
        SecurityContext,
        st.sampled_from(("system_u", "unconfined_u")),
        st.just("object_r"),
        st.sampled_from(types),
        ranges(),
    )


def image_names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)


def image_paths() -> st.SearchStrategy[str]:
    return image_names().map(lambda name: f"{IMAGES}/{name}.qcow2")


def disk_xml(path: str, target: str, *, shareable: bool = False, readonly: bool = False) -> str:
    """One file disk, as ``virsh define`` reads it."""
    flags = ("<shareable/>" if shareable else "") + ("<readonly/>" if readonly else "")
    return (
        f"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{path}'/><target dev='{target}' bus='virtio'/>{flags}</disk>"
    )


@st.composite
def domain_xml(draw: st.DrawFn, name: str | None = None, max_disks: int = 3) -> str:
    """A KVM domain with 1 to ``max_disks`` file disks, some shareable or read-only."""
    name = name or draw(image_names())
    paths = draw(st.lists(image_paths(), min_size=1, max_size=max_disks, unique=True))
    disks = "".join(
        disk_xml(
            path,
            f"vd{chr(ord('a') + index)}",
            shareable=draw(st.booleans()),
            readonly=draw(st.booleans()),
        )
        for index, path in enumerate(paths)
    )
    return (
        f"<domain type='kvm'><name>{name}</name><memory unit='GiB'>1</memory>"
        "<os><type>hvm</type></os>"
        f"<devices>{disks}</devices></domain>"
    )
