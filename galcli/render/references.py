"""`check --online` on stderr: the warning when a service could not be asked, and a tally.

The findings themselves are problems, printed with the others by render/check.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.render.core import Output

if TYPE_CHECKING:
    from galcli.tasks.online_check import OnlineReport

VERDICT_WORDS = (
    ("verified", "verified"),
    ("reference_metadata_mismatch", "with wrong details"),
    ("reference_not_found", "not found"),
    ("reference_retracted", "retracted"),
    ("doi_malformed", "with a malformed DOI"),
    ("unchecked", "unchecked"),
)


def show_online_summary(out: Output, report: OnlineReport) -> None:
    for warning in report.warnings:
        out.warn(warning)
    total = len(report.references)
    counts = ", ".join(
        f"{report.count(verdict)} {words}"
        for verdict, words in VERDICT_WORDS
        if report.count(verdict)
    )
    asked = f"{report.requests} request{'s' * (report.requests != 1)}"
    out.info(
        f"online: {total} entr{'y' if total == 1 else 'ies'} looked up"
        + (f" ({counts})" if counts else "")
        + f"; {asked}, {report.from_cache} answer{'s' * (report.from_cache != 1)} from the cache"
    )
