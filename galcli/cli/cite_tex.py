"""`galcli cite --tex`: options in, the cite_tex task, render out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from galcli.cli.session import ModelSession

if TYPE_CHECKING:
    from galcli.bib.entries import BibEntry


def run_tex(
    session: ModelSession,
    main: Path,
    bib: list[Path] | None,
    k: int,
    cite_command: str,
    diff: bool,
    use_model: bool,
) -> int:
    from galcli.render.cite import show_tex
    from galcli.tasks.cite import Citer, CiteRequest
    from galcli.tasks.cite_tex import TexCiteRequest, cite_tex, project_bibliography

    request = TexCiteRequest(
        main=main,
        bib=tuple(bib or ()),
        cite=CiteRequest("", k=k),
        todo_command="\\" + cite_command,
    )
    prepared = project_bibliography(request)  # bad input fails before any model loads
    for problem in prepared[3]:
        session.out.warn(f"{problem.file}:{problem.line}: {problem.message}")
    if use_model and prepared[0].placeholders:
        request = TexCiteRequest(
            main, request.bib, CiteRequest("", k=k, params=session.params()), request.todo_command
        )
    backend = session.backend if use_model and prepared[0].placeholders else None
    dense = session.settings.embeddings

    def citer_for(entries: list[BibEntry]) -> Citer:
        citer = Citer(entries, backend, dense=dense)
        if dense and (note := citer.lexical_only_note()):
            session.out.info(note)
        return citer

    result = cite_tex(request, citer_for, prepared)
    show_tex(session.out, result, k, diff)
    return result.exit_code
