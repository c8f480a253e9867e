"""`check --diff` and `--fix`: the unified diff of the .bib files, and what was (not) fixed.

The diff goes to stdout (`git apply` and `patch -p1` take it, from the working directory); the
list of changes and of what galcli would not change goes to stderr (docs/checks.md).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from galcli.fileio import display_path
from galcli.render.core import Output, counted

if TYPE_CHECKING:
    from galcli.tasks.check_fix import FixPlan

_LINE = re.compile(r"[^\n]*\n|[^\n]+$")  # lines as a patch sees them: only \n ends one


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file (`a/` and `b/` prefixed paths relative to the working
    directory), with "\\ No newline at end of file" where the text ends without one."""
    name = display_path(Path(path))
    lines = difflib.unified_diff(
        _LINE.findall(before), _LINE.findall(after), f"a/{name}", f"b/{name}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def plan_diff(plan: FixPlan) -> str:
    return "".join(unified_diff(f.path, f.before, f.after) for f in plan.files)


def _shown(value: str, width: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def show_fix_notes(out: Output, plan: FixPlan) -> None:
    """What the fixes change (or changed), and what was left alone, on stderr."""
    for fix in plan.fixes:
        where = f"{display_path(Path(fix.file))}:{fix.line}: {fix.key}"
        if fix.action == "remove":
            change = f"removed {_shown(fix.old)}"
        elif fix.action == "add":
            change = f"added {fix.field} = {_shown(fix.new)}"
        else:
            change = f"{fix.field}: {_shown(fix.old)} → {_shown(fix.new)}"
        out.info(f"{where}: {change} ({fix.why})")
    for skipped in plan.not_fixed:
        out.info(
            f"{display_path(Path(skipped.file))}:{skipped.line}: {skipped.key}: not fixed: "
            f"{skipped.why}"
        )
    for problem in plan.refused:
        out.warn(f"{problem.file}:{problem.line}: not fixed: this .bib file does not parse")
    files = counted(len(plan.files), "file")
    changes = counted(len(plan.fixes), "change")
    if not plan.fixes:
        out.info("nothing to fix")
    elif plan.applied:
        kept = f"; the old versions are in {', '.join(plan.backups)}" if plan.backups else ""
        out.info(f"fixed: {changes} in {files}{kept}")
    else:
        out.info(f"{changes} in {files} (apply them with --fix, or with git apply)")


def show_diff(out: Output, plan: FixPlan) -> None:
    """The diff on stdout (nothing when there is nothing to fix)."""
    patch = plan_diff(plan)
    if patch:
        out.write_raw(patch)
