"""A problem found in the user's files: what, how bad, where, and what might be meant."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # what a check did not look at (gcc's "note:"): neither fails it


@dataclass(frozen=True)
class Problem:
    kind: str  # undefined_key, duplicate_key, unused_entry, missing_field, bib_parse_error, …
    severity: str  # ERROR, WARNING or NOTE
    message: str
    key: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    suggestions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        return data

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.kind)
