"""`check --online` on stderr: the warning when a service could not be asked, and a tally.

The findings themselves are problems, printed with the others by render/check.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from galcli.render.core import Output, counted

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
    out.info(
        f"online: {counted(total, 'entry', 'entries')} looked up"
        + (f" ({counts})" if counts else "")
        + f"; {counted(report.requests, 'request')}, "
        f"{counted(report.from_cache, 'answer')} from the cache"
    )
