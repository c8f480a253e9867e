"""`% galcli-ignore:` comments in LaTeX (galcli/latex/directives.py)."""

from __future__ import annotations

from galcli.latex.directives import ignored_lines

TEXT = r"""\documentclass{article}
\cite{a} % galcli-ignore: undefined_key
\cite{b} \% galcli-ignore: undefined_key
\begin{verbatim}
x % galcli-ignore: missing_file
\end{verbatim}
\cite{c}% galcli-ignore: undefined_key,citation_placeholder -- kept for the appendix
\verb|% galcli-ignore: undefined_key| \cite{d}
% galcli-ignore undefined_key (no colon: not a directive)
"""


def test_only_real_comments_count_and_each_names_its_line() -> None:
    assert ignored_lines(TEXT) == {
        2: ("undefined_key",),
        7: ("undefined_key", "citation_placeholder"),
    }


def test_a_text_without_the_marker_is_not_searched() -> None:
    assert ignored_lines("\\cite{a} % an ordinary comment\n") == {}
