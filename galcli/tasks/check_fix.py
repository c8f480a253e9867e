"""`check --diff` / `--fix`: what galcli may change in the user's .bib files, and changing it.

Without the network: a repeated field is removed (BibTeX and biber use the first value, so the
bibliography reads the same), and a `doi` written as a URL (`https://doi.org/10.…`, `doi:10.…`)
becomes the bare DOI. With `--online`, what a look-up proved wrong is corrected, and only when
the match is certain:

- found by the entry's own DOI, with a similar title (`lookup.compare`): the title, the author
  list (from Crossref's names), the year, the journal, the volume and the pages it got wrong;
- found by a search for its title and first author: the work has the same title, first author,
  year and journal (else it may be another version of the work, e.g. the preprint): its volume
  and pages, and its DOI when the entry has none.

A reference that was not found, a retracted one, or one whose DOI names another work is never
changed. A value written with an @string macro or `#` is left alone (reported as not fixed).
The edits are made by span (bib/edit.py): every other byte stays as it was, and the edited text
is parsed again to prove that exactly the intended fields changed. `--fix` writes each file
atomically with its permissions, after checking that every file can be written; a read-only or
unparsable .bib is an error (exit 3) and nothing is written (docs/checks.md).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.bib.edit import BibSource, Edit, apply_edits, changed_fields, find_entry, read_source
from galcli.bib.entries import BibEntry
from galcli.errors import InputError, Location
from galcli.problems import ERROR, Kind, Problem
from galcli.tasks.check_fix_entry import EntryEdits, Fix, NotFixed, online_fixes, url_doi

if TYPE_CHECKING:
    from galcli.tasks.check import CheckResult
    from galcli.tasks.online_check import ReferenceCheck


def _identity(file: str) -> str:
    return os.path.realpath(file)


@dataclass
class FileFix:
    path: str
    source: BibSource
    after: str
    fixes: list[Fix]
    edits: list[Edit] = field(default_factory=list)

    @property
    def before(self) -> str:
        return self.source.text

    def new_line(self, line: int) -> int:
        """Where a line of the old text is in the new one (an added field moves the ones
        below it)."""
        text = self.source.text
        offset = sum(len(part) + 1 for part in text.split("\n")[: line - 1])
        return line + sum(
            edit.text.count("\n") - text.count("\n", edit.start, edit.end)
            for edit in self.edits
            if edit.end <= offset
        )


@dataclass
class FixPlan:
    files: list[FileFix] = field(default_factory=list)
    not_fixed: list[NotFixed] = field(default_factory=list)
    # .bib files that do not parse (or are not UTF-8): never edited; `--fix` refuses to run
    refused: list[Problem] = field(default_factory=list)
    # (file, line, kind) of the problems the fixes correct entirely
    corrects: set[tuple[str, int, str]] = field(default_factory=set)
    applied: bool = False
    backups: list[str] = field(default_factory=list)
    corrected: list[Problem] = field(default_factory=list)  # after --fix: taken out

    @property
    def fixes(self) -> list[Fix]:
        return [fix for file in self.files for fix in file.fixes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "changes": [fix.to_dict() for fix in self.fixes],
            "not_fixed": [n.to_dict() for n in self.not_fixed],
            "refused": [p.to_dict() for p in self.refused],
            "corrected": len(self.corrected),
            "backups": self.backups,
        }


def plan_fixes(result: CheckResult) -> FixPlan:
    """What `--diff` shows and `--fix` writes, for the .bib files of a check."""
    plan = FixPlan()
    bibliography = result.bibliography
    if bibliography is None:
        return plan
    at: dict[tuple[str, int, Kind], Problem] = {}
    for problem in result.problems:
        if problem.file is not None and problem.line is not None:
            at.setdefault((_identity(problem.file), problem.line, problem.kind), problem)
    refused: dict[str, Problem] = {}
    for problem in [*result.problems, *result.suppressed]:
        broken = problem.kind in (Kind.BIB_PARSE_ERROR, Kind.BIB_ENCODING)
        if broken and problem.severity == ERROR and problem.file is not None:
            refused.setdefault(_identity(problem.file), problem)
    checks = {}
    if result.online is not None:
        checks = {(_identity(r.file), r.line): r for r in result.online.references}
    for bib in bibliography.files:
        identity = _identity(bib.path)
        if identity in refused:
            plan.refused.append(refused[identity])
            continue
        if not Path(bib.path).is_file():
            continue
        source = read_source(Path(bib.path))
        _plan_file(plan, bib.path, source, bib.entries, at, checks, bibliography.dialect)
    return plan


def _plan_file(
    plan: FixPlan,
    path: str,
    source: BibSource,
    entries: list[BibEntry],
    at: dict[tuple[str, int, Kind], Problem],
    checks: dict[tuple[str, int], ReferenceCheck],
    dialect: str,
) -> None:
    identity = _identity(path)
    edits: list[Edit] = []
    fixes: list[Fix] = []
    corrects: set[tuple[str, int, str]] = set()
    for entry in entries:
        where = (identity, entry.line)
        repeated = at.get((*where, Kind.DUPLICATE_FIELD))
        malformed = at.get((*where, Kind.DOI_MALFORMED))
        mismatch = at.get((*where, Kind.REFERENCE_METADATA_MISMATCH))
        check = checks.get(where)
        if not (repeated or check or url_doi(entry)):
            continue
        block = find_entry(source.text, entry.line, entry.key)
        if block is None or not block.agrees_with(entry, source.text):
            plan.not_fixed.append(
                NotFixed(
                    path,
                    entry.line,
                    entry.key,
                    "galcli reads this entry differently from bibtexparser (a brace or quote "
                    "inside a value?): fix it by hand",
                )
            )
            continue
        entry_edits = EntryEdits(source, block, entry)
        if repeated and block.repeated():
            entry_edits.remove_repeated()
            corrects.add((identity, entry.line, Kind.DUPLICATE_FIELD.value))
        if entry_edits.bare_doi(malformed.kind.value if malformed else None) and malformed:
            corrects.add((identity, entry.line, Kind.DOI_MALFORMED.value))
        if check is not None and online_fixes(entry_edits, check, mismatch):
            corrects.add((identity, entry.line, Kind.REFERENCE_METADATA_MISMATCH.value))
        plan.not_fixed += entry_edits.not_fixed
        edits += entry_edits.edits
        fixes += entry_edits.fixes
    if not edits:
        return
    after = apply_edits(source.text, edits)
    expected: dict[str, dict[str, str | None]] = {}
    for fix in fixes:
        if fix.action != "remove":  # a repeated field's first value is the one read before
            expected.setdefault(fix.key, {})[fix.field] = fix.new
    found = changed_fields(Path(path), source.text, after, dialect)
    if found is None or dict(found) != expected or len(found) != len(expected):
        why = "the edited file would not read back as intended (a galcli bug: please report it)"
        plan.not_fixed += [NotFixed(path, fix.line, fix.key, why) for fix in fixes]
        return
    plan.files.append(FileFix(path, source, after, fixes, edits))
    plan.corrects |= corrects


def apply_fixes(plan: FixPlan, *, backup: bool = False) -> None:
    """Write the fixed files (and FILE.bak copies of the old ones with `backup`). Every file is
    checked first; an unparsable or read-only one is an InputError and nothing is written."""
    from galcli.bib.parse import read_bytes
    from galcli.fileio import atomic_write_bytes

    if plan.refused:
        problem = plan.refused[0]
        raise InputError(
            f"this .bib file does not parse ({problem.message}), so --fix changed no .bib file",
            location=Location(problem.file or "", problem.line),
            hint="fix that block by hand first (galcli check lists it), or see the other fixes "
            "with --diff",
        )
    targets = []
    for file in plan.files:
        target = Path(file.path).resolve()  # a symbolic link stays one
        try:
            mode = target.stat().st_mode
        except OSError as exc:
            raise InputError(
                f"cannot read it again ({exc.strerror}), so --fix changed no .bib file",
                location=Location(file.path),
            ) from exc
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(
            target, os.W_OK
        ):
            raise InputError(
                "this .bib file is read-only, so --fix changed no .bib file",
                location=Location(file.path),
                hint=f"make it writable (chmod u+w {file.path}), or see the fixes with --diff",
            )
        if read_bytes(target) != file.source.data:
            raise InputError(
                "this .bib file changed while galcli was checking it, so --fix changed no .bib "
                "file",
                location=Location(file.path),
                hint="run galcli check --fix again",
            )
        targets.append((file, target, stat.S_IMODE(mode)))
    for file, target, permissions in targets:
        if backup:
            backup_path = f"{file.path}.bak"
            atomic_write_bytes(backup_path, file.source.data, user_file=True)
            plan.backups.append(backup_path)
        data = file.source.encode(file.after)
        atomic_write_bytes(target, data, user_file=True, permissions=permissions)
    plan.applied = True


def take_out_corrected(result: CheckResult) -> None:
    """After --fix: the problems the fixes corrected are no longer reported (nor counted), and
    the others are where they now are in the fixed files."""
    plan = result.fixes
    if plan is None or not plan.applied:
        return
    fixed = {_identity(file.path): file for file in plan.files}

    def moved(file: str | None, line: int | None) -> int | None:
        found = fixed.get(_identity(file)) if file is not None else None
        return found.new_line(line) if found is not None and line is not None else line

    kept: list[Problem] = []
    for problem in result.problems:
        where = (_identity(problem.file or ""), problem.line or 0, problem.kind.value)
        if where in plan.corrects:
            plan.corrected.append(problem)
        else:
            kept.append(replace(problem, line=moved(problem.file, problem.line)))
    result.problems = kept
    for reference in result.online.references if result.online is not None else ():
        reference.line = moved(reference.file, reference.line) or reference.line
