from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from galcli.errors import ExitCode
from tests.conftest import interruptible


def test_stdout_is_the_completion_and_notice_goes_to_stderr(cli, fake_model) -> None:
    model = fake_model([{"text": "describes how the quantum state evolves."}])
    result = cli("generate", "The Schrödinger equation", "-m", model)
    assert result.code == ExitCode.OK
    assert result.stdout == "describes how the quantum state evolves.\n"
    assert "machine-generated; check before use" in result.stderr


def test_quiet_hides_the_notice(cli, fake_model) -> None:
    result = cli("generate", "x", "-m", fake_model([{"text": "y"}]), "-q")
    assert result.stdout == "y\n" and result.stderr == ""


def test_json_document_has_the_documented_fields(cli, fake_model) -> None:
    model = fake_model([{"text": "a b c d"}], model_id="scripted")
    result = cli("generate", "prompt text", "-m", model, "--json", "--max-new-tokens", "3")
    doc = result.json()
    assert doc["model"] == "scripted" and doc["prompt"] == "prompt text" and doc["text"] == "a b c"
    generation = doc["generation"]
    assert generation["new_tokens"] == 3 and generation["finish_reason"] == "length"
    assert set(generation) >= {"new_tokens", "seconds", "tokens_per_second", "load_seconds"}
    provenance = doc["provenance"]
    assert provenance["tool"] == "galcli" and provenance["model"] == "scripted"
    assert provenance["notice"] == "machine-generated; check before use"
    assert provenance["watermark"] == "not available on the fake backend"
    assert len(provenance["prompt_sha256"]) == 64


def test_prompt_from_stdin(cli, fake_model) -> None:
    model = fake_model([{"match": "from a pipe", "text": "ok"}, {"text": "wrong"}])
    assert cli("generate", "-m", model, stdin="text from a pipe").stdout == "ok\n"
    assert cli("generate", "-", "-m", model, stdin="text from a pipe").stdout == "ok\n"


def test_empty_prompt_is_bad_input(cli, fake_model) -> None:
    result = cli("generate", "   ", "-m", fake_model([{"text": "x"}]))
    assert result.code == ExitCode.BAD_INPUT and result.stdout == ""
    assert "TEXT is empty" in result.stderr


def test_missing_prompt_on_a_terminal_is_a_usage_error(cli, fake_model) -> None:
    result = cli("generate", "-m", fake_model([{"text": "x"}]))
    assert result.code == ExitCode.USAGE and "missing argument TEXT" in result.stderr


def test_missing_model_directory_is_exit_4_in_one_line(cli) -> None:
    result = cli("generate", "-m", "/no/such/model", "x")
    assert result.code == ExitCode.MODEL_UNAVAILABLE
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "galcli: error: model not found: /no/such/model"
    assert lines[1].startswith("hint:") and len(lines) == 2
    assert result.stdout == ""


def test_hub_id_without_download_permission_names_the_flag(cli) -> None:
    result = cli("generate", "-m", "facebook/galactica-125m", "x")
    assert result.code == ExitCode.MODEL_UNAVAILABLE
    assert "--allow-download" in result.stderr


def test_unknown_option_is_exit_2(cli) -> None:
    result = cli("generate", "--frobnicate", "x")
    assert result.code == ExitCode.USAGE
    assert "No such option: --frobnicate" in result.stderr
    assert "galcli generate --help" in result.stderr


@pytest.mark.parametrize("value", ["-1", "abc"])
def test_bad_option_values_are_exit_2(cli, value: str) -> None:
    assert cli("generate", "--temperature", value, "x").code == ExitCode.USAGE


@pytest.mark.parametrize(
    "args",
    [
        ("detect", "-", "--threshold", "-5"),
        ("detect", "-", "--threshold", "nan"),
        ("cite", "x", "--bib", "refs.bib", "--cite-command", ""),
        ("cite", "x", "--bib", "refs.bib", "--cite-command", "cite{"),
        ("lit-review", "x", "--bib", "refs.bib", "--cite-command", "two words"),
    ],
)
def test_meaningless_values_of_other_options_are_exit_2(cli, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert (
        result.code == ExitCode.USAGE
        and "Invalid value for" in result.stderr
        and result.stdout == ""
    )


def test_options_are_accepted_after_the_subcommand(cli, fake_model) -> None:
    model = fake_model([{"text": "a b c d e"}])
    result = cli(
        "generate",
        "x",
        "--model",
        model,
        "--device",
        "cpu",
        "--max-new-tokens",
        "2",
        "--temperature",
        "0",
        "--seed",
        "1",
        "--no-stream",
        "--allow-download",
        "--json",
        "--quiet",
        "--no-watermark",
        "--no-log",
    )
    assert result.code == 0 and result.json()["text"] == "a b"


def test_debug_shows_the_traceback_for_internal_errors(cli, fake_model, monkeypatch) -> None:
    import galcli.tasks.generate as task

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(task, "run_generate", boom)
    model = fake_model([{"text": "x"}])
    plain = cli("generate", "x", "-m", model, internal_error=True)
    assert plain.code == ExitCode.INTERNAL
    assert (
        "internal error: RuntimeError: kaboom" in plain.stderr and "Traceback" not in plain.stderr
    )
    debug = cli("generate", "x", "-m", model, "--debug", internal_error=True)
    assert debug.code == ExitCode.INTERNAL and "Traceback" in debug.stderr


def test_ctrl_c_exits_130_and_prints_no_partial_result(fake_model, tmp_path) -> None:
    model = fake_model([{"text": " ".join(["word"] * 200)}], delay=0.05)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "galcli", "generate", "x", "-m", model],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=interruptible,
    )
    time.sleep(2.0)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == ExitCode.INTERRUPTED
    assert stdout == b""
    assert b"interrupted" in stderr and b"Traceback" not in stderr


def test_python_dash_m_and_version(cli) -> None:
    from galcli import __version__

    assert cli("--version").stdout == f"galcli {__version__}\n"
    completed = subprocess.run(
        [sys.executable, "-m", "galcli", "--help"], capture_output=True, text=True, check=True
    )
    assert "Usage: galcli" in completed.stdout
    for command in ("generate", "models"):
        assert command in completed.stdout


def test_json_output_is_parseable_when_piped(fake_model) -> None:
    model = fake_model([{"text": "piped"}])
    completed = subprocess.run(
        [sys.executable, "-m", "galcli", "generate", "x", "-m", model, "--json"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0
    assert json.loads(completed.stdout)["text"] == "piped"
    assert "\x1b[" not in completed.stdout + completed.stderr  # no escape codes in pipes


def _styled_stderr(env_extra: dict[str, str], fake_model) -> str:
    model = fake_model([{"text": "x"}])
    env = {**os.environ, "FORCE_COLOR": "1", **env_extra}
    env.pop("NO_COLOR", None) if "NO_COLOR" not in env_extra else None
    completed = subprocess.run(
        [sys.executable, "-m", "galcli", "generate", "x", "-m", model, "--no-log", "--no-stream"],
        capture_output=True,
        text=True,
        env=env,
    )
    return completed.stderr


def test_no_color_means_no_styling_even_on_a_terminal(fake_model) -> None:
    import re

    styles = re.compile(r"\x1b\[[0-9;]*m")
    assert styles.search(_styled_stderr({}, fake_model))  # FORCE_COLOR makes stderr a "terminal"
    assert not styles.search(_styled_stderr({"NO_COLOR": "1"}, fake_model))
