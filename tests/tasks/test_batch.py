"""Running a task over many inputs on threads: order kept, nothing new started after a failure."""

from __future__ import annotations

import threading
import time

import pytest

from galcli.tasks.batch import map_in_threads, ordered_map


def _slow_square(value: int) -> int:
    time.sleep(0.01 * (5 - value % 5))  # later inputs finish first
    return value * value


@pytest.mark.parametrize("workers", [1, 3])
def test_results_come_in_input_order(workers: int) -> None:
    assert map_in_threads(_slow_square, range(10), workers) == [v * v for v in range(10)]
    assert list(ordered_map(_slow_square, range(10), workers)) == [v * v for v in range(10)]


def test_the_first_input_runs_alone_then_the_rest_at_once() -> None:
    events: list[str] = []
    lock = threading.Lock()

    def work(value: int) -> int:
        with lock:
            events.append(f"start {value}")
        time.sleep(0.3)
        with lock:
            events.append(f"end {value}")
        return value

    assert list(ordered_map(work, range(4), 3)) == [0, 1, 2, 3]
    assert events[:2] == ["start 0", "end 0"]  # its first-use imports on one thread
    assert {"start 1", "start 2", "start 3"} == set(events[2:5])  # the rest, three at once


@pytest.mark.parametrize("run", ["map_in_threads", "ordered_map"])
def test_a_failure_stops_what_is_queued(run: str) -> None:
    started: list[int] = []
    lock = threading.Lock()

    def work(value: int) -> int:
        with lock:
            started.append(value)
        if value == 0:
            raise ValueError("bad input")
        time.sleep(0.05)
        return value

    with pytest.raises(ValueError, match="bad input"):
        if run == "map_in_threads":
            map_in_threads(work, range(100), 2)
        else:
            list(ordered_map(work, range(100), 2))
    time.sleep(0.4)  # without cancelling, two workers would start about 16 more meanwhile
    assert len(started) <= 6, "queued inputs kept starting after the failure"
