"""The one exception type a user can meet."""

from __future__ import annotations

from pathlib import Path


class NianbaoError(Exception):
    """An error with a message a researcher can act on, optionally naming the file it concerns."""

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)
