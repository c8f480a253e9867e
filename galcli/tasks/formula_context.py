"""A formula's .tex file and the document around it: the file's math and macros (`load_tex`),
the project it belongs to (found from the file, as an editor finds a root file) and the phrases
that define its symbols there.

`explain-formula --file` reads the file's project once (`Document.of`); `definitions` gives each
named symbol of one equation the phrase that defines it (verify/formula/definitions.py), with
the file as given on the command line or relative to the main file's folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from galcli.errors import GalcliError, InputError, Location
from galcli.latex.project import (
    DISK,
    LatexProject,
    Sources,
    local_packages,
    root_of,
    scan_project,
)
from galcli.latex.structure import Structure
from galcli.latex.texlex import mask
from galcli.verify.formula import (
    Definition,
    Formula,
    TexMath,
    environment_arguments,
    math_in_tex,
    parse_definitions,
)
from galcli.verify.formula import prepare as prepare_formula
from galcli.verify.formula.choice import Found, choose, following_prose
from galcli.verify.formula.definitions import Phrase, find_definitions
from galcli.verify.formula.macros import expand_macros as expand
from galcli.verify.formula.source import label_of
from galcli.verify.formula.symbols import NamedSymbol


@dataclass
class Document:
    path: Path  # the file the formula comes from, as given
    root: Path  # the project's main file
    texts: dict[str, str]  # display name -> text, in reading order
    citations: list[tuple[str, int, int]]  # (display name, command start, command end)
    packages: list[str] = field(default_factory=list)  # its own .sty files' texts (macros)

    @classmethod
    def of(cls, path: Path, sources: Sources = DISK) -> Document:
        """The project of `path` (all of its files, read from `sources`); `path` alone when it
        has no readable project."""
        try:
            project = root_of(path, sources=sources)
        except GalcliError:  # an included file that cannot be read: the file alone
            project = scan_project(path, sources=sources)
        return cls.in_project(path, project, sources)

    @classmethod
    def around(cls, tex: TexFormulas) -> Document:
        """The document of a file's formulas: from the project `load_tex` read, else read."""
        if tex.project is None:
            return cls.of(tex.path)
        return cls.in_project(tex.path, tex.project)

    @classmethod
    def in_project(cls, path: Path, project: LatexProject, sources: Sources = DISK) -> Document:
        """The document `path` is part of, from its project as already read."""
        root = project.main
        texts = {_name(path, f, root): text for f, text in project.texts.items()}
        if _name(path, path, root) not in texts:  # a file no \input reaches
            texts[_name(path, path, root)] = project.texts.get(path) or sources.read(path)
        citations = [
            (_name(path, Path(c.file), root), c.command_start, c.command_end)
            for c in project.citations
        ]
        return cls(path, root, texts, citations, list(local_packages(project, sources).values()))

    @property
    def name(self) -> str:
        return _name(self.path, self.path, self.root)

    @cached_property
    def macros(self) -> dict[str, Definition]:
        """The macros the project defines (the first definition of a name wins), then its own
        packages."""
        found: dict[str, Definition] = {}
        for text in [*self.texts.values(), *self.packages]:
            for name, definition in parse_definitions(text).items():
                found.setdefault(name, definition)
        return found

    @cached_property
    def _layout(self) -> tuple[str, Structure]:
        masked = mask(self.texts[self.name])
        return masked, Structure(masked)

    @cached_property
    def phrases(self) -> list[Phrase]:
        return find_definitions(self.texts, self.citations, self.macros)

    def definitions(self, symbols: list[NamedSymbol], math: TexMath) -> dict[str, Found | None]:
        """Each symbol's definition (by its written key), for the formula `math` of the file:
        looked for before it, in the rest of its paragraph and the next, then elsewhere."""
        masked, structure = self._layout
        after = following_prose(masked, structure, max(math.end, math.block_end))
        order = list(self.texts)
        return {
            s.written_key: choose(s, self.phrases, self.name, math.start, math.end, after, order)
            for s in symbols
        }


def _name(given: Path, file: Path, root: Path) -> str:
    """`file` as the user knows it: the given path for the file they named, else relative to
    the main file's folder."""
    if file.resolve() == given.resolve():
        return str(given)
    try:
        return os.path.relpath(file.resolve(), root.resolve().parent)
    except ValueError:
        return str(file)


@dataclass
class TexFormulas:
    path: Path
    definitions: dict[str, Definition]
    math: list[TexMath]
    project: LatexProject | None = None  # the project the file was read in, when readable

    def by_label(self, label: str) -> TexMath:
        for math in self.math:
            if math.label == label:
                return math
        labels = [m.label for m in self.math if m.label]
        others = self._others()
        labels += [m.label for text in others.values() for m in math_in_tex(text) if m.label]
        from rapidfuzz import process

        close = process.extractOne(label, labels) if labels else None
        where = "the file" if not others else f"the {len(others) + 1} files of its project"
        hint = (
            f"did you mean '{close[0]}'?"
            if close and close[1] >= 70
            else f"{len(labels)} labelled equations in {where}"
            if labels
            else f"{where} {'has' if not others else 'have'} no labelled equations"
        )
        raise InputError(
            f"no equation with \\label{{{label}}}", location=Location(str(self.path)), hint=hint
        )

    def with_label(self, label: str) -> TexFormulas:
        """These formulas when the file has `label`, else those of the file of its project
        (the main file's \\input tree) that has it; these again when none has."""
        if any(m.label == label for m in self.math):
            return self
        name = label.rsplit(":", 1)[-1]  # as a label macro may write it: \\eqlabel{name}
        for file, text in self._others().items():
            if name in text:
                tex = formulas_of(_shown(file), text, self.project)
                if any(m.label == label for m in tex.math):
                    return tex
        return self

    def at_line(self, line: int) -> TexMath:
        containing = [m for m in self.math if m.line <= line <= m.end_line]
        if containing:
            return min(containing, key=lambda m: (not m.display, m.end_line - m.line))
        raise InputError(
            f"no math at line {line}",
            location=Location(str(self.path), line),
            hint="give a line inside an equation, or use --label or --all",
        )

    def with_included(self) -> list[TexFormulas]:
        """These formulas, then those of each file this one \\inputs or \\includes (its own
        tree, in reading order: a main file's is the whole document), with the project's
        macros."""
        try:
            tree = scan_project(self.path)
        except GalcliError:
            return [self]
        here = self.path.resolve()
        return [self] + [
            formulas_of(_shown(file), text, self.project or tree)
            for file, text in tree.texts.items()
            if file.resolve() != here
        ]

    def _others(self) -> dict[Path, str]:
        """The texts of the project's other files, in reading order."""
        if self.project is None:
            return {}
        here = self.path.resolve()
        return {f: t for f, t in self.project.texts.items() if f.resolve() != here}


def load_tex(path: Path) -> TexFormulas:
    """The file's display and inline math, and the macros it and its project define: the
    project of its main file (an \\input chapter's macros are in the main file's preamble),
    else the file's own \\input tree."""
    from galcli.fileio import read_text

    text = read_text(path, what="LaTeX file")
    project: LatexProject | None
    try:
        project = root_of(path)
    except GalcliError:
        try:
            project = scan_project(path)
        except GalcliError:
            project = None
    return formulas_of(path, text, project)


def formulas_of(path: Path, text: str, project: LatexProject | None) -> TexFormulas:
    """The math of `path` (its `text`, a buffer or the disk) and the macros it and then the
    other files of its `project` define."""
    here = path.resolve()
    others = [t for f, t in project.texts.items() if f.resolve() != here] if project else []
    others += list(local_packages(project).values()) if project else []
    return formulas_in(path, text, others, project)


def formulas_in(
    path: Path, text: str, others: list[str], project: LatexProject | None = None
) -> TexFormulas:
    """The math of `path` (its `text`) and the macros it and then the `others` texts define
    (the first definition of a name wins)."""
    definitions: dict[str, Definition] = {}
    for source in [text, *others]:
        definitions.update(
            {k: v for k, v in parse_definitions(source).items() if k not in definitions}
        )
    arguments = {k: v for source in others for k, v in environment_arguments(source).items()}
    math = math_in_tex(text, inline=True, arguments=arguments)
    # a label macro (\\newcommand{\\eqlabel}[1]{\\label{eq:#1}}) labels its formula too
    labelling = {name: d for name, d in definitions.items() if "\\label" in d.body}
    if labelling:
        math = [
            m if m.label is not None else replace(m, label=label_of(expand(m.source, labelling)[0]))
            for m in math
        ]
    return TexFormulas(path, definitions, math, project)


def _shown(file: Path) -> Path:
    """A project file as a user would name it: relative to the working folder when under it."""
    try:
        return file.relative_to(Path.cwd())
    except ValueError:
        return file


def prepare_tex_math(tex: TexFormulas, math: TexMath) -> Formula:
    try:
        return prepare_formula(math.source, tex.definitions)
    except InputError as exc:
        exc.location = Location(str(tex.path), math.line)
        raise
