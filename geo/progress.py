"""How long jobs report progress without knowing who listens (a terminal bar, a web job, nobody)."""
from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


class ProgressFactory(Protocol):
    def __call__(self, *, total: int | None, desc: str) -> Progress: ...  # None: not known ahead


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def silent(*, total: int | None, desc: str) -> Progress:
    """A progress factory that reports nothing."""
    return _Silent()
