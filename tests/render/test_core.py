"""The output layer: drafts and progress on a terminal, nothing on pipes, one live display."""

from __future__ import annotations

import io

from rich.console import Console

from galcli.render import Output


def terminal_output(**kwargs) -> tuple[Output, io.StringIO]:
    out = Output(**kwargs)
    buffer = io.StringIO()
    out._err = Console(file=buffer, force_terminal=True, width=80)
    return out, buffer


def test_draft_is_drawn_on_a_terminal_and_cleared() -> None:
    out, buffer = terminal_output()
    with out.draft("model") as on_text:
        on_text("hello ")
        on_text("world")
    drawn = buffer.getvalue()
    assert "draft · model · unverified" in drawn and "hello world" in drawn
    # cleared: after the last frame the cursor goes back up over the panel's three lines,
    # erasing each (a draft left on screen would pass for a result)
    last_frame = drawn.rindex("╯")
    assert drawn[last_frame:].count("\x1b[1A\x1b[2K") == 3


def test_no_draft_when_quiet_or_not_streaming_or_piped() -> None:
    for out, buffer in (terminal_output(quiet=True), terminal_output(stream=False)):
        with out.draft("model") as on_text:
            on_text("hello")
        assert buffer.getvalue() == ""
    piped = Output()
    piped._err = Console(file=io.StringIO(), force_terminal=False)
    with piped.draft("model") as on_text:
        on_text("hello")
    assert piped._err.file.getvalue() == ""


def test_a_draft_inside_a_progress_bar_does_not_start_a_second_live_display() -> None:
    out, buffer = terminal_output()
    with out.progress("working", total=2) as advance:
        with out.draft("model") as on_text:  # would raise rich's LiveError if drawn
            on_text("text")
        advance()
    assert "draft ·" not in buffer.getvalue()
    with out.draft("model") as on_text:  # the bar is gone: drafts are drawn again
        on_text("x")
    assert "draft ·" in buffer.getvalue()


def test_latex_and_brackets_in_messages_are_printed_verbatim(cli) -> None:
    result = cli("explain-formula", r"\[ \frac{a}{b \]", "--no-model")
    assert r"\frac{a}{b" in result.stderr and "[bold" not in result.stderr
    [line, caret] = [row for row in result.stderr.splitlines() if row.startswith("  ")][:2]
    assert line.strip() == r"\frac{a}{b" and caret.index("^") == len(line)  # under the end
