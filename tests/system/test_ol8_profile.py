"""The ``ol8`` profile (issue 16 part 6): what an Oracle Linux 8 host with libvirt 8.0's
monolithic ``libvirtd`` prints where it differs from ``ol9``, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator
from simulator.cli import main
from simulator.scenario.config import ScenarioError
from simulator.scenario.runner import load, run

VM_XML = """<domain type='kvm'>
  <name>vm</name>
  <memory unit='GiB'>1</memory>
  <os>
    <type>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/vm.qcow2'/>
      <target dev='vda'/>
    </disk>
  </devices>
</domain>
"""


@pytest.fixture(scope="module")
def ol8() -> simulator.Host:
    return simulator.Host(profile="ol8")


def test_the_daemon_is_libvirtd_in_virtd_t(ol8: simulator.Host) -> None:
    assert ol8.daemon.argv == ("/usr/sbin/libvirtd", "--timeout", "120")
    assert ol8.daemon.context == "system_u:system_r:virtd_t:s0-s0:c0.c1023"
    assert ol8.run("ls -Z /usr/sbin/libvirtd").output == (
        "system_u:object_r:virtd_exec_t:s0 /usr/sbin/libvirtd\n"
    )


def test_ps_pid_column_is_five_wide_from_pid_max_32768(ol8: simulator.Host) -> None:
    # procps sortformat.c: max(strlen("PID"), digits(32767)) = 5
    lines = ol8.run("ps -ef").output.splitlines()
    assert lines[0] == "UID        PID  PPID  C STIME TTY          TIME CMD"
    assert lines[1].startswith("root         1     0  0 ")
    assert (
        simulator.Host()
        .run("ps -ef")
        .output.startswith("UID          PID    PPID  C STIME TTY          TIME CMD\n")
    )


def test_systemctl_status_has_systemd_239_layout(ol8: simulator.Host) -> None:
    out = ol8.run("systemctl status libvirtd").output
    assert out.splitlines()[:2] == [
        "● libvirtd.service - Virtualization daemon",
        "   Loaded: loaded (/usr/lib/systemd/system/libvirtd.service; enabled; "
        "vendor preset: enabled)",
    ]
    assert "TriggeredBy" not in out
    assert out.splitlines()[-3:] == [
        "     Docs: man:libvirtd(8)",
        "           https://libvirt.org",
        " Main PID: 1043 (libvirtd)",
    ]
    refused = ol8.run("systemctl status virtqemud")  # installed, disabled: not modelled
    assert (refused.output, refused.status) == (
        "seclab: not modelled: systemctl status virtqemud on ol8\n",
        3,
    )


def test_virsh_names_libvirtd_socket_when_the_daemon_is_gone() -> None:
    host = simulator.Host(profile="ol8")
    host.run("echo 'security_driver = \"bogus\"' >> /etc/libvirt/qemu.conf")
    host.run("systemctl restart libvirtd")  # the daemon fails to initialise
    result = host.run("virsh list")
    assert "Failed to connect socket to '/var/run/libvirt/libvirt-sock'" in result.output


def test_host_name_journal_and_stat_follow_the_profile(ol8: simulator.Host) -> None:
    assert ol8.run("hostname").output == "ol8-host\n"
    assert ol8.run("echo $HOSTNAME").output == "ol8-host\n"
    assert ol8.run("uname -nr").output == "ol8-host 4.18.0-553.el8_10.x86_64\n"
    assert ol8.run("stat /nosuch").output == (
        "stat: cannot stat '/nosuch': No such file or directory\n"
    )
    refused = ol8.run("journalctl -u virtqemud")
    assert refused.status == 3
    assert "-u libvirtd" in refused.output


@pytest.mark.parametrize("command", ["restorecon -v /tmp", "sestatus", "sealert -l x"])
def test_unchecked_el8_tools_are_refused_and_change_nothing(command: str) -> None:
    host, untouched = simulator.Host(profile="ol8"), simulator.Host(profile="ol8")
    result = host.run(command)
    untouched.run("true")  # a command that changes nothing (the clock moves on)
    assert result.status == 3
    assert result.output == f"seclab: not modelled: {command.split()[0]} on ol8\n"
    assert host.snapshot() == untouched.snapshot()


def test_a_saved_ol8_state_stays_ol8_and_ol9_states_keep_their_keys() -> None:
    host = simulator.Host(profile="ol8")
    again = simulator.Host.from_snapshot(host.snapshot())
    assert again.profile.name == "ol8"
    assert again.run("hostname").output == "ol8-host\n"
    assert '"profile"' not in simulator.Host().snapshot().to_json()


def _scenario(tmp_path: Path, toml: str) -> str:
    path = tmp_path / "s.txtar"
    path.write_text(f"t\n-- scenario.toml --\n{toml}\n-- transcript --\n  $ hostname\n  ol8-host\n")
    return str(path)


def test_scenario_toml_profile(tmp_path: Path) -> None:
    result = run(load(_scenario(tmp_path, 'profile = "ol8"')))
    assert result.verdict == "PASS"
    with pytest.raises(ScenarioError, match="unknown profile 'ol7'"):
        load(_scenario(tmp_path, 'profile = "ol7"'))


def test_cli_profile_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _scenario(tmp_path, "")
    assert main(["run", path]) == 1  # an ol9 host is called ol9-host
    assert main(["run", "--profile", "ol8", path]) == 0
    capsys.readouterr()
    assert main(["state", "--profile", "ol8"]) == 0
    assert '"profile": "ol8"' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["state", "--profile", "ol7"])


def test_an_ol9_state_is_not_run_as_an_ol8_scenario(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(simulator.Host().snapshot().to_json())
    result = run(load(_scenario(tmp_path, 'profile = "ol8"')), state.read_text())
    assert result.error is not None
    assert "it is an ol9 host, not ol8" in str(result.error)


def test_a_domain_starts_under_virtd_t() -> None:
    host = simulator.Host(profile="ol8")
    host.run("touch /var/lib/libvirt/images/vm.qcow2")
    host.run(f"cat > /root/vm.xml <<'EOF'\n{VM_XML}EOF")
    assert host.run("virsh define /root/vm.xml").status == 0
    assert host.run("virsh start vm").output == "Domain 'vm' started\n\n"
    label = host.run("ls -Z /var/lib/libvirt/images/vm.qcow2").output
    assert label.startswith("system_u:object_r:svirt_image_t:s0:c")


def test_setenforce_failure_has_libselinux_2_9_text() -> None:
    result = simulator.Host(profile="ol8").run("runuser -u user -- setenforce 0")
    assert (result.output, result.status) == ("setenforce:  setenforce() failed\n", 2)


def test_help_names_the_release_and_hints_only_at_modelled_commands() -> None:
    from simulator.shell.commands.lab import HELP, help_text
    from simulator.system.profiles import get_profile

    assert help_text(get_profile("ol9")) == HELP
    text = help_text(get_profile("ol8"))
    assert "(Oracle Linux 8 with libvirt)" in text
    assert "on RHEL 8." in text
    assert "sealert" not in text


@pytest.mark.parametrize("name", ["ol9", "ol8"])
def test_ps_pid_width_is_the_digits_of_pid_max_minus_one(name: str) -> None:
    from simulator.system.profiles import get_profile

    profile = get_profile(name)  # procps proc/sysinfo.c get_pid_digits: rc--, count digits
    assert profile.ps_pid_width == len(str(profile.pid_max - 1))


def test_ps_refuses_pids_the_kernel_would_have_wrapped() -> None:
    host = simulator.Host(profile="ol8")
    host.kernel.counters.next_pid = 32768
    assert host.run("ps").output == "seclab: not modelled: pids past pid_max (32768)\n"


def test_handouts_show_the_profile_host_in_the_prompt(tmp_path: Path) -> None:
    from simulator.scenario.render import to_html, to_markdown

    result = run(load(_scenario(tmp_path, 'profile = "ol8"')))
    assert "[root@ol8-host ~]# hostname" in to_markdown(result)
    assert "[root@ol8-host ~]# hostname" in to_html(result)


def test_libvirt_python_reports_the_profile_versions() -> None:
    from simulator.bindings import patch_libvirt

    # RHEL/OL 9.2: libvirt 9.0.0, qemu-kvm 7.2.0; RHEL 8.6+ virt:rhel: libvirt 8.0.0, qemu-kvm 6.2.0
    for name, versions in (("ol9", (9_000_000, 7_002_000)), ("ol8", (8_000_000, 6_002_000))):
        with patch_libvirt(simulator.Host(profile=name)) as libvirt:
            conn = libvirt.open("qemu:///system")
            assert (conn.getLibVersion(), conn.getVersion()) == versions
            assert libvirt.getVersion() == versions[0]


@pytest.mark.parametrize(("lab_profile", "name"), [("ol8", "ol8-host"), ("ol9", "ol9-host")])
def test_the_lab_host_fixture_takes_a_profile(lab_host: simulator.Host, name: str) -> None:
    assert lab_host.run("hostname").output == name + "\n"


def test_q35_is_rhel_8_6_machine_in_the_xml_and_on_qemus_command_line() -> None:
    host = simulator.Host(profile="ol8")
    host.run("touch /var/lib/libvirt/images/vm.qcow2")
    host.run(f"cat > /root/vm.xml <<'EOF'\n{VM_XML}EOF")
    host.run("virsh define /root/vm.xml")
    host.run("virsh start vm")
    assert "machine='pc-q35-rhel8.6.0'" in host.run("virsh dumpxml vm").output
    assert "-machine pc-q35-rhel8.6.0,usb=off" in host.run("ps -ef").output
    host.run("systemctl restart libvirtd")  # the restarted daemon keeps the host's qemu
    assert "machine='pc-q35-rhel8.6.0'" in host.run("virsh dumpxml --inactive vm").output


@pytest.mark.parametrize("command", ["ps aux", "ps -eo pid,vsz", "ps -o rss,comm"])
def test_ps_memory_figures_are_refused_on_ol8(command: str) -> None:
    result = simulator.Host(profile="ol8").run(command)
    assert (result.output, result.status) == (
        "seclab: not modelled: ps memory columns (VSZ, RSS, %MEM) on ol8\n",
        3,
    )
    assert simulator.Host().run(command).status == 0
