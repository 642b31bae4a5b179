"""Every CLI example in the README runs and succeeds (against a store of its own)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    lines = [ln.split("#")[0].strip() for block in blocks for ln in block.splitlines()]
    return [ln for ln in lines if ln.startswith(".venv/bin/nianbao")]


def test_readme_has_cli_examples() -> None:
    commands = readme_commands()
    assert len(commands) >= 8
    assert commands[0].startswith(".venv/bin/nianbao ingest")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("readme")
    return {**os.environ, "NIANBAO_DB": str(folder / "readme.db"), "TMPDIR": str(folder)}


@pytest.mark.parametrize("command", readme_commands())
def test_readme_example_runs(command: str, env: dict[str, str], tmp_path: Path) -> None:
    argv = shlex.split(command)
    argv[0] = str(BIN / "nianbao")
    # commands that write a file run in a folder of their own
    writes = any(a in argv for a in ("stats", "export", "--csv", "--xlsx", "--parquet"))
    result = subprocess.run(
        argv, cwd=tmp_path if writes else ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr
