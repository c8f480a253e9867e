"""The run history: recording, flags, export, deletion, migrations, concurrent writers."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from galcli.errors import ExitCode, UsageError
from galcli.provenance.history import MIGRATIONS, History


def test_record_and_read_back(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    run_id = history.record(
        command="cite",
        arguments={"text": "x", "k": 5},
        model="m",
        model_sha256="abc",
        prompt="x",
        output="{}",
        verdicts={"a": "verified"},
        timings={"total_seconds": 1.5},
        watermark="on",
    )
    run = history.get(run_id)
    assert (run.command, run.arguments, run.verdicts, run.watermark) == (
        "cite",
        {"text": "x", "k": 5},
        {"a": "verified"},
        "on",
    )


def test_flags_filter_and_cascade(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    first = history.record(
        command="generate", arguments={}, model="m", model_sha256=None, prompt="p1", output="o1"
    )
    second = history.record(
        command="generate", arguments={}, model="m", model_sha256=None, prompt="p2", output="o2"
    )
    history.flag(second, reason="invented a journal", category="wrong-citation")
    assert [r.id for r in history.runs(flagged=True)] == [second]
    assert [r.id for r in history.runs()] == [second, first]
    with pytest.raises(UsageError, match="unknown category"):
        history.flag(first, reason="x", category="bad")
    with pytest.raises(UsageError, match="needs a reason"):
        history.flag(first, reason="  ", category="other")
    history.delete(second)
    with sqlite3.connect(tmp_path / "h.sqlite3") as connection:
        assert connection.execute("SELECT COUNT(*) FROM flags").fetchone()[0] == 0
    assert history.delete() == 1 and history.runs() == []


def test_migrations_bring_an_old_database_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:  # a version-1 database, as galcli 0.1 wrote it
        connection.executescript(MIGRATIONS[0])
        connection.execute("PRAGMA user_version = 1")
        connection.execute(
            "INSERT INTO runs (created, command, arguments, version) "
            "VALUES ('2026-01-01', 'generate', '{}', '0.0.9')"
        )
    history = History(path)
    [run] = history.runs()
    assert run.command == "generate" and run.watermark is None
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_parallel_processes_do_not_corrupt_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    writer = (
        "import sys\nfrom pathlib import Path\nfrom galcli.provenance.history import History\n"
        "h = History(Path(sys.argv[1]))\n"
        "for i in range(25):\n"
        "    h.record(command='generate', arguments={'i': i}, model='m', model_sha256=None,"
        " prompt=sys.argv[2], output='o')\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", writer, str(path), f"worker{n}"]) for n in range(6)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0] * 6
    runs = History(path).runs()
    assert len(runs) == 150 and len({r.id for r in runs}) == 150
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Exception) as info:
        History(path).runs()
    assert info.value.exit_code == ExitCode.BAD_INPUT and "move" in info.value.hint


def test_model_runs_are_recorded_unless_disabled(cli, fake_model, monkeypatch) -> None:
    model = fake_model([{"text": "generated words"}], model_id="scripted")
    assert cli("generate", "first prompt", "-m", model).code == 0
    assert cli("generate", "second prompt", "-m", model, "--no-log").code == 0
    monkeypatch.setenv("GALCLI_NO_LOG", "1")
    assert cli("generate", "third prompt", "-m", model).code == 0
    monkeypatch.delenv("GALCLI_NO_LOG")
    runs = cli("log", "list", "--json").json()
    assert [r["prompt"] for r in runs] == ["first prompt"]
    assert runs[0]["output"] == "generated words" and runs[0]["model"] == "scripted"
    assert runs[0]["arguments"] == {"text": "first prompt"}
    assert set(runs[0]) >= {"id", "created", "command", "model", "prompt", "output", "flags"}


def test_log_commands_end_to_end(cli, fake_model, tmp_path: Path) -> None:
    model = fake_model([{"text": "Smith et al. showed [1]"}])
    cli("generate", "Citations for graphene", "-m", model)
    run_id = cli("log", "--json").json()[0]["id"]
    flagged = cli("log", "flag", str(run_id), "--reason", "invented author", "-c", "wrong-citation")
    assert flagged.code == 0 and "flagged run" in flagged.stderr
    assert (
        cli("log", "list", "--flagged", "--json").json()[0]["flags"][0]["reason"]
        == "invented author"
    )
    shown = cli("log", "show", str(run_id))
    assert "Citations for graphene" in shown.stdout and "wrong-citation" in shown.stdout
    report = tmp_path / "report.jsonl"
    assert cli("log", "export", "--flagged", "-o", str(report)).code == 0
    [line] = report.read_text().splitlines()
    assert json.loads(line)["flags"][0]["category"] == "wrong-citation"
    to_stdout = cli("log", "export", "--flagged", "-o", "-")
    assert (
        to_stdout.code == 0 and to_stdout.stdout == line + "\n" and "to stdout" in to_stdout.stderr
    )
    into_dir = cli("log", "export", "--flagged", "-o", str(tmp_path))
    assert into_dir.code == ExitCode.BAD_INPUT and "it is a directory" in into_dir.stderr
    assert cli("log", "delete", str(run_id)).code == 0
    assert cli("log", "show", str(run_id)).code == ExitCode.USAGE
    assert cli("log", "export", "--flagged", "-o", str(report)).code == ExitCode.USAGE
    assert cli("log", "delete").code == ExitCode.USAGE
