"""Property tests that feed the scenario library: a sequence of shell command lines, run on
a scenario's host, written out as a ``.txtar`` with the lab's own output filled in (the same
path as ``seclab run --update``), ready to check in as a regression scenario.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from simulator.scenario.runner import load, run


def render_scenario(
    title: str,
    description: str,
    files: Iterable[tuple[str, str]],
    commands: Sequence[str],
    *,
    config: str = "",
) -> str:
    """The ``.txtar`` text of ``commands`` run on a host with ``files`` in place."""
    parts = [title.rstrip("\n") + "\n"]
    if description:
        parts.append(description.rstrip("\n") + "\n")
    if config:
        parts.append("-- scenario.toml --\n" + config.rstrip("\n") + "\n")
    parts.append("-- transcript --\n")
    parts.extend(f"  $ {line}\n" for line in commands)
    for name, data in files:
        parts.append(f"-- {name} --\n{data}")
        if data and not data.endswith("\n"):
            parts.append("\n")
    skeleton = "".join(parts)
    result = run(load("<exported>", skeleton))
    if result.error is not None:
        raise ValueError(f"the exported scenario does not load: {result.error}")
    return result.updated_text()
