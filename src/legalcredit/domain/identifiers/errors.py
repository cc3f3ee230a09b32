from __future__ import annotations

from dataclasses import dataclass, field


class IdentifierError(ValueError):
    """An identifier that must be rejected.

    ``message`` is the Chinese text shown to users; it names the exact fault
    (for example 校验码错误，应为 L) so an officer can fix the input.
    ``code`` is stable and machine-readable for API clients and tests.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Checked:
    """A valid, normalised identifier with what was learnt while checking it.

    ``warnings`` are faults that do not block acceptance (a legacy 15-digit
    ID number, an embedded organisation code that fails its own check).
    ``parts`` are the decoded fields, keyed by English names.
    """

    value: str
    warnings: tuple[str, ...] = ()
    parts: dict = field(default_factory=dict)
