"""The context of a citation placeholder: its sentence (a table's row), the words next to it,
and what stays suggestible."""

from __future__ import annotations

from pathlib import Path

from galcli.latex.project import scan_project
from galcli.tasks.cite_context import read_document

TABLE = r"""\documentclass{article}
\begin{document}
\begin{table}
\caption{Binding free energies of T4 lysozyme ligands.}
\begin{tabular}{l r p{2cm}}
ligand & $\Delta G$ & reference \\ \hline
benzene & -5.19 & \cite{morton1995} \\
toluene & -4.93 & \cite{?} \\
phenol & NB & \cite{graves2008}
\end{tabular}
\end{table}
\end{document}
"""


def placeholders(tmp_path: Path, text: str):
    main = tmp_path / "paper.tex"
    main.write_text(text, encoding="utf-8")
    return read_document(scan_project(main)).placeholders


def test_in_a_table_the_row_is_the_sentence_and_other_rows_are_cocited(tmp_path: Path) -> None:
    (placeholder,) = placeholders(tmp_path, TABLE)
    context = placeholder.context
    assert context.sentence == "toluene & -4.93 &"
    assert "Binding free energies" in context.paragraph  # the caption goes with the table
    # The keys of the other rows describe the table's topic; they are not "already cited
    # in this sentence", so they stay suggestible.
    assert set(context.cocited) == {"morton1995", "graves2008"}
    assert context.exclude == frozenset()


def test_local_words_are_those_next_to_the_placeholder(tmp_path: Path) -> None:
    text = (
        "We wrap QUADPACK for integration~\\cite{piessens1983}, SuperLU for sparse linear "
        "systems~\\cite{?}, and Qhull for convex hulls~\\cite{barber1996}.\n\n"
        "\\citet{?} propose denoising autoencoders for text.\n"
    )
    first, second = placeholders(tmp_path, text)
    assert first.context.local == ", SuperLU for sparse linear systems"
    assert first.context.exclude == {"piessens1983", "barber1996"}
    # Nothing before it in the sentence: the words after it.
    assert second.context.local == "propose denoising autoencoders for text."
