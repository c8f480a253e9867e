from __future__ import annotations

import os
from pathlib import Path

import pytest

from galcli.errors import ExitCode, InputError
from galcli.forked import Forked


def test_the_result_comes_from_the_child() -> None:
    parent = os.getpid()
    child = Forked(lambda: os.getpid())
    assert child.result() != parent
    child.close()


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_hint() -> None:
    def work() -> None:
        raise InputError("cannot read refs.bib", hint="check the path")

    child = Forked(work)
    with pytest.raises(InputError) as raised:
        child.result()
    child.close()
    assert raised.value.hint == "check the path" and raised.value.exit_code == ExitCode.BAD_INPUT


def test_a_dead_child_means_the_work_is_done_here() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            os._exit(9)  # killed before sending anything
        return 42

    child = Forked(work)
    assert child.result() == 42
    child.close()


def test_then_runs_after_the_result_is_sent_and_close_waits_for_it(tmp_path: Path) -> None:
    marker = tmp_path / "cached"

    def then(value: int) -> None:
        marker.write_text(f"{value} from {os.getpid()}")

    child = Forked(lambda: 7, then=then)
    assert child.result() == 7
    child.close()
    value, _, pid = marker.read_text().partition(" from ")
    assert value == "7" and int(pid) != os.getpid()
