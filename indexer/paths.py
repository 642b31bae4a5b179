"""Where the project's data lives: lexicons, dictionaries, the gazetteer, sample reports."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """``data/`` beside the packages, or the folder named by ``NIANBAO_DATA``."""
    override = os.environ.get("NIANBAO_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[1] / "data"
