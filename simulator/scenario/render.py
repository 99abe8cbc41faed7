"""Workshop handouts from scenarios (``seclab render``): title, description, embedded files,
the transcript as a shell session with its real output, and ``lab explain`` for each denial.
HTML is one self-contained page per scenario: inline CSS, no external assets."""

from __future__ import annotations

import html

from simulator.scenario.runner import Scenario, ScenarioResult
from simulator.shell.commands.policy_tools import explanations
from simulator.system.profiles import get_profile

CSS = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }
pre { background: #f4f4f4; border: 1px solid #ccc; padding: .6em; overflow-x: auto;
      white-space: pre-wrap; }
pre.session .cmd { font-weight: bold; }
h2 { border-bottom: 1px solid #999; }
.file { color: #555; font-family: monospace; }
@media print { pre { white-space: pre-wrap; border: none; } }
"""


def _session(result: ScenarioResult) -> list[tuple[str, list[str], int]]:
    return [(s.step.command, list(s.actual), s.status) for s in result.steps]


def _hostname(scenario: Scenario) -> str:
    """The prompt's host name: the scenario's profile's (``ol9-host`` by default)."""
    return get_profile(scenario.config.profile).hostname


def to_markdown(result: ScenarioResult) -> str:
    scenario = result.scenario
    assert scenario is not None
    out = [f"# {scenario.title}", ""]
    if scenario.description:
        out += [scenario.description, ""]
    if scenario.config.tags:
        out += ["Tags: " + ", ".join(scenario.config.tags), ""]
    for entry in scenario.files:
        out += [f"File `{entry.name}`:", "", "```", entry.data.rstrip("\n"), "```", ""]
    out += ["## Session", "", "```console"]
    for command, lines, status in _session(result):
        prompt = f"[root@{_hostname(scenario)} ~]# "
        out.append(prompt + command.replace("\n", "\n> "))
        out += lines
        if status:
            out.append(f"(exit status {status})")
    out += ["```", ""]
    notes = explanations(result.host.kernel) if result.host is not None else []
    if notes:
        out += ["## Why access was denied", ""]
        for note in notes:
            out += ["```", note.rstrip("\n"), "```", ""]
    return "\n".join(out) + "\n"


def to_html(result: ScenarioResult) -> str:
    scenario = result.scenario
    assert scenario is not None
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(scenario.title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(scenario.title)}</h1>",
    ]
    if scenario.description:
        parts += [f"<p>{html.escape(p)}</p>" for p in scenario.description.split("\n\n")]
    if scenario.config.tags:
        parts.append(f"<p>Tags: {html.escape(', '.join(scenario.config.tags))}</p>")
    for entry in scenario.files:
        parts += [
            f'<p class="file">{html.escape(entry.name)}</p>',
            f"<pre>{html.escape(entry.data)}</pre>",
        ]
    parts.append('<h2>Session</h2><pre class="session">')
    for command, lines, status in _session(result):
        prompt = f"[root@{_hostname(scenario)} ~]# "
        parts.append(f'<span class="cmd">{prompt}{html.escape(command)}</span>')
        parts += [html.escape(line) for line in lines]
        if status:
            parts.append(html.escape(f"(exit status {status})"))
    parts.append("</pre>")
    notes = explanations(result.host.kernel) if result.host is not None else []
    if notes:
        parts.append("<h2>Why access was denied</h2>")
        parts += [f"<pre>{html.escape(note)}</pre>" for note in notes]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
