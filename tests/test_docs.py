"""Every command is documented: in README's command table (English) and with an example in its own --help (the
sqlite-utils way: a thin CLI whose every command a reader can find)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from lkj_xl.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    return dict(sub.choices)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_in_the_readme(name):
    assert f"`lkj {name}" in README, f"README does not show `lkj {name} ...`"


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_help_has_an_example(name):
    help_text = _commands()[name].format_help()
    assert "contoh" in help_text and f"lkj {name}" in help_text, help_text
