"""One error hierarchy for bloc.

Every message says what went wrong and what to do about it, so the command
line can print it as it is and a library user can catch `BlocError`.
"""

from __future__ import annotations


class BlocError(Exception):
    """Base of every error bloc raises on purpose."""


class KnowledgeBaseError(BlocError):
    """A knowledge-base data file is malformed or inconsistent."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.problem = problem
        super().__init__(
            f"{file}: entry {entry}: {problem}. Fix the entry in the data file and load again."
        )


class LexiconError(BlocError):
    """A lexicon data or source file has a malformed line; nothing of it is used."""

    def __init__(self, file: str, line: int, problem: str) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        super().__init__(f"{file}, line {line}: {problem}. Fix that line and build again.")


class StoreError(BlocError):
    """The store cannot be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process is writing to the store."""


class NotFoundError(BlocError):
    """Something asked for by name or id is not in the knowledge base or the store."""


class UnknownAllianceError(NotFoundError):
    """The alliance code is not in the knowledge base."""


class UnknownActorError(NotFoundError):
    """The actor code is not in the knowledge base."""


class InputError(BlocError):
    """An input document cannot be read; the batch goes on without it."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ScenarioError(BlocError):
    """A simulation scenario is not well formed."""


class TooLargeError(BlocError):
    """An input is larger than bloc accepts in that place."""


class FeedError(BlocError):
    """A feed cannot be added, fetched or read; when polling, the other feeds go on."""


class FetchError(FeedError):
    """A URL could not be fetched; `transient` when trying again later may work,
    `refused` when bloc would not connect to its address (never tried again)."""

    def __init__(
        self, url: str, reason: str, *, transient: bool = False, refused: bool = False
    ) -> None:
        self.url = url
        self.reason = reason
        self.transient = transient
        self.refused = refused
        super().__init__(f"{url}: {reason}")


class ReviewError(BlocError):
    """An analyst's review decision is refused (nothing of it is stored)."""


class ReviewConflictError(ReviewError):
    """Another reviewer decided on the event since this reviewer last saw it."""


class AlertError(BlocError):
    """An alert rule or webhook is refused (nothing of it is stored)."""
