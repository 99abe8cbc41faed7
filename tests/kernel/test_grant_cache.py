"""The security server's caches: the grant cache (``SelinuxState.grant_cache``): an AVC miss for a new
pair of contexts reuses a grant made for another pair with the same types, class,
permissions and MCS relations. That is only right if a decision depends on the contexts
through nothing else, which is what these properties check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.kernel.inode import Inode, Kind
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.process import Process
from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import decide, evaluate
from simulator.selinux.rules import Expression
from simulator.selinux.state import SelinuxState

SUBJECTS = ["svirt_t", "svirt_tcg_t", "virtd_t", "unconfined_t"]
TARGETS = ["svirt_image_t", "virt_image_t", "var_t", "admin_home_t", "nfs_t", "device_t"]
REQUESTS = [
    ("file", ("read", "write", "open", "getattr")),
    ("file", ("getattr",)),
    ("dir", ("search",)),
    ("dir", ("add_name", "write")),
    ("chr_file", ("read", "write", "open")),
    ("blk_file", ("getattr",)),
]
ROLE = {"svirt_t": "system_r", "svirt_tcg_t": "system_r", "virtd_t": "system_r"}

cats_st = st.frozensets(st.integers(0, 5), max_size=3)


def _level(low: frozenset[int], high: frozenset[int] | None) -> str:
    def one(cats: frozenset[int]) -> str:
        return "s0" + (":" + ",".join(f"c{c}" for c in sorted(cats)) if cats else "")

    return one(low) if high is None else f"{one(low)}-{one(low | high)}"


def _subject(type_: str, low: frozenset[int], high: frozenset[int] | None) -> SecurityContext:
    role = ROLE.get(type_, "unconfined_r")
    return SecurityContext.parse(f"system_u:{role}:{type_}:{_level(low, high)}")


def _target(type_: str, low: frozenset[int], high: frozenset[int] | None) -> SecurityContext:
    return SecurityContext.parse(f"system_u:object_r:{type_}:{_level(low, high)}")


def _key(s: SecurityContext, t: SecurityContext, request: tuple[str, tuple[str, ...]]) -> object:
    """The grant cache's key (SelinuxLsm._compute)."""
    return (s.type, t.type, *request, s.high.dominates(t.high), t.low == t.high)


def test_every_constraint_expression_is_a_function_of_the_two_relations_in_the_key() -> None:
    """A new kind of constraint expression needs a new part in the grant cache's key."""
    assert set(Expression) == {
        Expression.H1_DOM_H2,
        Expression.H1_DOM_H2_AND_L2_EQ_H2,
        Expression.L2_EQ_H2,
    }
    for s, t in [("s0:c1", "s0:c1,c2"), ("s0:c1,c2", "s0:c1"), ("s0:c1", "s0-s0:c1")]:
        subject = SecurityContext.parse(f"system_u:system_r:svirt_t:{s}")
        target = SecurityContext.parse(f"system_u:object_r:var_t:{t}")
        dom, eq = subject.high.dominates(target.high), target.low == target.high
        assert evaluate(Expression.H1_DOM_H2, subject, target) == dom
        assert evaluate(Expression.H1_DOM_H2_AND_L2_EQ_H2, subject, target) == (dom and eq)
        assert evaluate(Expression.L2_EQ_H2, subject, target) == eq


level_st = st.tuples(cats_st, st.none() | cats_st)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SUBJECTS),
    st.sampled_from(TARGETS),
    st.sampled_from(REQUESTS),
    level_st,
    level_st,
    level_st,
    level_st,
)
def test_pairs_with_the_same_key_get_the_same_grant(
    stype: str,
    ttype: str,
    request: tuple[str, tuple[str, ...]],
    s1: tuple[frozenset[int], frozenset[int] | None],
    t1: tuple[frozenset[int], frozenset[int] | None],
    s2: tuple[frozenset[int], frozenset[int] | None],
    t2: tuple[frozenset[int], frozenset[int] | None],
) -> None:
    state = SelinuxState()
    first = (_subject(stype, *s1), _target(ttype, *t1))
    second = (_subject(stype, *s2), _target(ttype, *t2))
    if _key(*first, request) != _key(*second, request):
        return
    one = decide(state, *first, *request)
    two = decide(state, *second, *request)
    assert bool(one.denied) == bool(two.denied)


def test_the_grant_cache_is_emptied_with_the_avc() -> None:
    lsm = SelinuxLsm()
    lsm.selinux.grant_cache[("a",)] = True
    lsm.setenforce(False)
    assert not lsm.selinux.grant_cache


PROCESSES = [
    "system_u:system_r:virtd_t:s0-s0:c0.c1023",
    "system_u:system_r:svirt_t:s0:c1,c2",
    "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
    "system_u:system_r:init_t:s0",
]
PARENTS = [
    b"system_u:object_r:var_run_t:s0\0",
    b"system_u:object_r:qemu_var_run_t:s0\0",
    b"system_u:object_r:tmp_t:s0\0",
    b"system_u:object_r:svirt_image_t:s0:c1,c2\0",
    b"not a context\0",
]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(PROCESSES),
            st.sampled_from(PARENTS),
            st.sampled_from(list(Kind)),
        ),
        max_size=12,
    )
)
def test_remembered_labels_of_new_files_are_the_labels_computed_afresh(
    creations: list[tuple[str, bytes, Kind]],
) -> None:
    remembering = SelinuxLsm()
    for context, parent_label, kind in creations:
        process = Process(1, 0, "p", ("p",), "/p", 0, 0, (), context, 1)
        parent = Inode(ino=2, kind=Kind.DIRECTORY, uid=0, gid=0, mode=0o755)
        parent.xattrs[b"security.selinux"] = parent_label
        fresh = SelinuxLsm().label_new_inode(process, parent, kind, "f")
        assert remembering.label_new_inode(process, parent, kind, "f") == fresh


@given(st.lists(st.sampled_from([*PARENTS, b"system_u:object_r:no_such_t:s0\0", b"\xff\0"])))
def test_remembered_contexts_of_labels_are_the_contexts_computed_afresh(
    labels: list[bytes],
) -> None:
    remembering = SelinuxLsm()
    for raw in labels:
        assert remembering.context_of(raw) == SelinuxLsm().context_of(raw)
    remembering.set_boolean("virt_use_nfs", True)
    assert not remembering.selinux.contexts
