"""Write the audit logs the lab's scenarios leave (tests/shell/data/audit/*.log).

Each log is /var/log/audit/audit.log after running one scenario to its end;
tools/record-audit runs the real ausearch/aureport on them, and
tests/shell/test_audit_recorded.py replays the same command lines in the lab.

    PYTHONPATH=$PWD python tests/shell/data/audit/make_logs.py
"""

from __future__ import annotations

from pathlib import Path

from simulator.host import Host
from simulator.scenario import runner

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
AUDIT_LOG = "/var/log/audit/audit.log"
# log name -> the scenario whose final host wrote it
SCENARIOS = {
    "single-write-denial": "scenarios/admin/audit-log-and-reports.txtar",
    "permissive-triage": "scenarios/walkthrough/06-permissive-triage.txtar",
    "te-denial-rounds": "scenarios/audit/audit2allow-te-denial.txtar",
    "empty": "scenarios/walkthrough/01-selinux-mode-checks.txtar",
    "virtqemud-relabel": "scenarios/field/nvram/custom-path-firmware.txtar",
    "running-guest-writes": "scenarios/libvirt/relabel-under-running-guest.txtar",
}


def final_host(name: str) -> Host:
    scenario = runner.load(str(ROOT / SCENARIOS[name]))
    result = runner.run(scenario)
    assert result.host is not None, result.error
    host = result.host
    # a guest left running keeps being denied as the clock moves; with auditd stopped the
    # kernel keeps those records to itself and the log stays as the scenario left it
    assert host.run("systemctl stop auditd").status == 0
    return host


def log_text(host: Host) -> bytes:
    return host.read_file(host.shell, AUDIT_LOG)


def main() -> None:
    for name in SCENARIOS:
        (HERE / f"{name}.log").write_bytes(log_text(final_host(name)))


if __name__ == "__main__":
    main()
