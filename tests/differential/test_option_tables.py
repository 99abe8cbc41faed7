"""Every option a command's table models is exercised somewhere: by the differential corpus,
a scenario, or a test of tests/shell. An option no case runs could be accepted and ignored."""

from __future__ import annotations

import importlib
import pkgutil
import re
import shlex
from pathlib import Path

import simulator.shell.commands as commands_package
from simulator.shell.options import Spec
from tests.differential.replay import ATTR_CORPUS, load

ROOT = Path(__file__).resolve().parents[2]

# modelled options no case runs yet, with why each is still trusted
UNEXERCISED: dict[str, str] = {}


def specs() -> list[Spec]:
    found: dict[str, Spec] = {}
    for module in pkgutil.iter_modules(commands_package.__path__):
        loaded = importlib.import_module(f"{commands_package.__name__}.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, Spec):
                found[value.tool] = value
    return list(found.values())


def command_lines() -> list[str]:
    lines = [case.cmd for case in [*load(), *load(ATTR_CORPUS)]]
    for path in sorted((ROOT / "scenarios").rglob("*.txtar")):
        lines += [
            line.strip()[2:]
            for line in path.read_text().splitlines()
            if line.strip().startswith("$ ")
        ]
    for path in sorted((ROOT / "tests" / "shell").glob("*.py")):
        lines += re.findall(r'"([a-z][^"\n]*)"', path.read_text())
    return lines


def used_options() -> set[tuple[str, str]]:
    """(tool, '-x' or '--long') pairs that some command line passes."""
    used: set[tuple[str, str]] = set()
    for line in command_lines():
        for segment in re.split(r"\|\||&&|[|;]", line):
            try:
                words = shlex.split(segment)
            except ValueError:
                words = segment.split()
            if not words:
                continue
            tool = words[0]
            for word in words[1:]:
                if word == "--":
                    break
                if word.startswith("--"):
                    used.add((tool, "--" + word[2:].split("=")[0]))
                elif word.startswith("-") and len(word) > 1:
                    used.update((tool, "-" + letter) for letter in word[1:] if letter.isalnum())
    return used


def test_every_modelled_option_is_exercised() -> None:
    used = used_options()
    missing = []
    for spec in specs():
        for option in spec.options:
            if not option.modelled:
                continue
            forms = []
            if option.short:
                forms.append("-" + option.short)
            if option.long:
                forms.append("--" + option.long)
            siblings = [o for o in spec.options if o.key == option.key and o.modelled]
            sibling_forms = {"-" + o.short for o in siblings if o.short} | {
                "--" + o.long for o in siblings if o.long
            }
            if not any((spec.tool, form) in used for form in sibling_forms):
                name = f"{spec.tool} {' '.join(forms)}"
                if name not in UNEXERCISED:
                    missing.append(name)
    assert not missing, "modelled but never run:\n" + "\n".join(missing)
