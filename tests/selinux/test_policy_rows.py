"""Every row of the policy tables does what it says, for every type its target covers."""

from __future__ import annotations

import pytest

from simulator.selinux.context import SecurityContext
from simulator.selinux.decision import decide
from simulator.selinux.policy import Policy
from simulator.selinux.rules import ALL, RuleKind, TeRule
from simulator.selinux.state import SelinuxState
from simulator.selinux.targeted import RULES

POLICY = Policy.targeted()

# An independent source: selinux-policy.md 2.1 ("perms allowed to svirt_t", Fedora) and 2.5
# (the daemon side, from audit2why on the compiled policy), transcribed by hand. Each line:
# subject type, target type, classes, verdict (A allow, TE missing allow, DA dontaudit, or
# A with a boolean set: "A+boolean"), permissions. Subjects run at s0:c1,c2 and targets at
# s0 or s0:c1,c2 so that no MCS constraint is involved.
SPEC_ROWS = """
svirt_t svirt_image_t file A append create getattr ioctl link lock map open read rename setattr unlink watch watch_reads write
svirt_t svirt_image_t dir A add_name create getattr ioctl link lock open read remove_name rename reparent rmdir search setattr unlink watch watch_reads write
svirt_t svirt_image_t blk_file,chr_file A append getattr ioctl lock open read write map
svirt_t svirt_image_t sock_file,fifo_file A append create getattr link open read rename unlink write
svirt_t virt_image_t file A getattr ioctl lock open read
svirt_t virt_image_t file TE write append
svirt_t virt_image_t dir A getattr open search
svirt_t virt_content_t file,blk_file A getattr ioctl lock map open read
svirt_t virt_content_t file DA append write
svirt_t fixed_disk_device_t blk_file A read write
svirt_t fixed_disk_device_t blk_file TE open
svirt_t fixed_disk_device_t blk_file DA getattr
svirt_t removable_device_t blk_file A getattr ioctl lock open read
svirt_t removable_device_t blk_file TE write
svirt_t usb_device_t chr_file A append getattr ioctl lock open read write
svirt_t admin_home_t file A append getattr
svirt_t admin_home_t file TE open read
svirt_t admin_home_t dir A getattr open search
svirt_t user_home_t file A append getattr
svirt_t user_home_t file TE open read
svirt_t user_home_t lnk_file A getattr read
svirt_t user_home_dir_t dir A getattr open search
svirt_t nfs_t file A append getattr ioctl lock read write
svirt_t nfs_t file TE open
svirt_t nfs_t file A+virt_use_nfs open create unlink
svirt_t nfs_t dir A+virt_use_nfs add_name create write
svirt_t nfs_t sock_file,lnk_file A+virt_use_nfs create unlink write
svirt_t cifs_t file A+virt_use_samba open
svirt_t default_t file TE getattr open read
svirt_t default_t,mnt_t,var_lib_t dir A getattr open search
svirt_t tmp_t dir A add_name getattr ioctl lock open read remove_name search write
svirt_t tmp_t file A append getattr ioctl lock read
svirt_t tmp_t file TE open write
svirt_t user_tmp_t file A append getattr ioctl lock map read write
svirt_t user_tmp_t file TE open
svirt_t svirt_tmp_t file,dir,lnk_file,sock_file A create getattr read write unlink
svirt_t virt_var_lib_t file A append getattr ioctl lock open read
svirt_t var_t,usr_t file A getattr ioctl lock open read
svirt_t var_lib_t,mnt_t file TE getattr open read
svirt_tcg_t fixed_disk_device_t blk_file TE read write
virtqemud_t virt_image_t,virt_content_t,svirt_image_t,user_home_t,user_tmp_t file A relabelfrom relabelto
virtqemud_t fixed_disk_device_t blk_file A relabelfrom relabelto
virtqemud_t default_t,admin_home_t,tmp_t,var_lib_t,usr_t,var_t,nfs_t file TE relabelfrom relabelto
"""


def _spec_cases() -> list[tuple[str, str, str, str, str]]:
    cases = []
    for line in SPEC_ROWS.strip().splitlines():
        source, targets, classes, verdict, *perms = line.split()
        for target in targets.split(","):
            for tclass in classes.split(","):
                cases.extend((source, target, tclass, verdict, perm) for perm in perms)
    return cases


@pytest.mark.parametrize(("source", "target", "tclass", "verdict", "perm"), _spec_cases())
def test_policy_agrees_with_the_spec_tables(
    source: str, target: str, tclass: str, verdict: str, perm: str
) -> None:
    subject = SecurityContext.parse(f"system_u:system_r:{source}:s0:c1,c2")
    level = "s0:c1,c2" if target.startswith("svirt") else "s0"
    obj = SecurityContext.parse(f"system_u:object_r:{target}:{level}")
    state = SelinuxState()
    expected, _, boolean = verdict.partition("+")
    if boolean:
        assert not decide(state, subject, obj, tclass, (perm,)).verdict(perm).allowed
        state.set_boolean(boolean, True)
    got = decide(state, subject, obj, tclass, (perm,)).verdict(perm)
    if expected == "A":
        assert got.allowed, got
    else:
        assert not got.allowed, got
        assert got.dontaudit == (expected == "DA"), got


def test_the_spec_rows_reach_every_allow_rule_of_the_svirt_tables() -> None:
    """The transcription is no sample: every unconditional svirt_image_t/device/home rule
    the lab has is decided by some line above."""
    covered = set()
    for source, target, tclass, verdict, perm in _spec_cases():
        subject = SecurityContext.parse(f"system_u:system_r:{source}:s0:c1,c2")
        level = "s0:c1,c2" if target.startswith("svirt") else "s0"
        obj = SecurityContext.parse(f"system_u:object_r:{target}:{level}")
        state = SelinuxState()
        if "+" in verdict:
            state.set_boolean(verdict.partition("+")[2], True)
        covered.update(decide(state, subject, obj, tclass, (perm,)).verdict(perm).allowing_rules)
    virt_domain_rules = [
        r
        for r in RULES
        if r.kind is RuleKind.ALLOW
        and r.source in ("virt_domain", "svirt_t")
        and set(r.targets) & {"svirt_image_t", "virt_image_t", "virt_content_t", "nfs_t"}
    ]
    assert virt_domain_rules
    missing = [r.text() for r in virt_domain_rules if r not in covered]
    assert not missing, missing


def test_rule_text() -> None:
    rule = next(r for r in RULES if r.targets == ("virt_image_t",))
    assert rule.text() == "allow virt_domain virt_image_t:file { getattr ioctl lock open read };"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.text()[:60])
def test_every_rule_names_real_classes_and_permissions(rule: TeRule) -> None:
    from simulator.selinux.classes import check_permissions

    for tclass in rule.classes:
        if tclass != ALL and ALL not in rule.perms:
            check_permissions(tclass, rule.perms)
    for name in (rule.source, *rule.targets):
        assert POLICY.knows(name), name


def test_a_loaded_module_is_seen_after_the_base_policy_was_asked_the_same_question() -> None:
    """Policy.matching indexes rules by source type as it is asked; a policy with a module
    (``semodule -i``, ``with_module``) is a new policy whose index starts empty."""
    from simulator.selinux.rules import allow

    question = (RuleKind.ALLOW, "svirt_t", "admin_home_t", "file", "read")
    assert POLICY.matching(*question) == ()  # the base policy answers (and indexes) first
    rule = allow("svirt_t", "admin_home_t", "file", "read")
    with_module = POLICY.with_module("local", (rule,))
    assert with_module.matching(*question) == (rule,)
    assert POLICY.matching(*question) == ()
