"""The openai backend against a real server (`transformers serve` on 127.0.0.1) and a scripted
local HTTP server for retries and errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from galcli.errors import ExitCode


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tiny_chat: Path) -> Iterator[str]:
    """`transformers serve` with the tiny chat model, on loopback only."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "transformers.cli.transformers",
            "serve",
            str(tiny_chat),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.skip("transformers serve did not start")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.skip("transformers serve did not answer in 120 s")
        yield f"{base}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_generate_streams_from_a_real_server(cli, server: str, tiny_chat: Path) -> None:
    result = cli(
        "generate",
        "What is ethanol?",
        "-m",
        f"openai:{tiny_chat}",
        "--base-url",
        server,
        "--json",
        "--no-log",
    )
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["text"].strip() and doc["model"] == f"openai:{tiny_chat}"
    assert doc["provenance"]["watermark"] == "not available on the openai backend"
    # Same weights, same chat template, greedy: the server says what galcli says locally.
    local = cli(
        "generate", "What is ethanol?", "-m", str(tiny_chat), "--no-watermark", "--json", "--no-log"
    ).json()
    assert doc["text"] == local["text"]


@pytest.mark.slow
def test_cite_batch_runs_concurrently_in_order(
    cli, server: str, tiny_chat: Path, tmp_path: Path
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{ethanol2020, author={A, B}, title={Ethanol as a solvent}, year=2020,"
        " journal={J}}\n"
        "@article{water2021, author={C, D}, title={Water in proteins}, year=2021, journal={J}}\n"
    )
    batch = tmp_path / "s.txt"
    batch.write_text("ethanol solvent\nwater proteins\nethanol\nwater\n")
    result = cli(
        "cite",
        "--batch",
        str(batch),
        "-b",
        str(bib),
        "-m",
        f"openai:{tiny_chat}",
        "--base-url",
        server,
        "-j",
        "4",
        "--no-log",
    )
    lines = result.json_lines()
    assert [line["line"] for line in lines] == [1, 2, 3, 4]
    assert [line["suggestions"][0]["key"] for line in lines] == [
        "ethanol2020",
        "water2021",
        "ethanol2020",
        "water2021",
    ]


@pytest.mark.slow
def test_unknown_model_on_a_real_server_lists_what_it_serves(
    cli, server: str, tiny_chat: Path
) -> None:
    result = cli("generate", "x", "-m", "openai:no-such-model", "--base-url", server)
    assert result.code == ExitCode.MODEL_UNAVAILABLE
    assert "has no model 'no-such-model'" in result.stderr and str(tiny_chat) in result.stderr


def test_detect_explains_that_remote_text_is_not_watermarked(cli) -> None:
    result = cli("detect", "-", "-m", "openai:galactica-30b", stdin="Some generated text.")
    assert result.code == ExitCode.MODEL_UNAVAILABLE and "does not watermark" in result.stderr


# -- a scripted server: retries, keys, refusals ----------------------------------------------


class Script:
    def __init__(self, statuses: list[int], *, usage: bool = True) -> None:
        self.statuses = statuses
        self.usage = usage  # whether the last chunk carries a usage report
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self.keys: list[str] = []


def start_fake(script: Script) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _json(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            served = [{"id": name, "object": "model"} for name in ("m", "galactica-1.3b")]
            self._json(200, {"object": "list", "data": served})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            script.requests.append(json.loads(self.rfile.read(length)))
            script.paths.append(self.path)
            script.keys.append(self.headers.get("Authorization", ""))
            chat = self.path.endswith("/chat/completions")
            status = script.statuses.pop(0) if script.statuses else 200
            if status != 200:
                self._json(status, {"error": {"message": f"scripted {status}"}})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            kind = "chat.completion.chunk" if chat else "text_completion"
            for piece in ("Hello", " from", " the server"):
                choice = (
                    {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                    if chat
                    else {"index": 0, "text": piece, "finish_reason": None}
                )
                chunk = {"id": "x", "object": kind, "created": 0, "model": "m", "choices": [choice]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            last = (
                {"index": 0, "delta": {}, "finish_reason": "stop"}
                if chat
                else {"index": 0, "text": "", "finish_reason": "stop"}
            )
            done = {"id": "x", "object": kind, "created": 0, "model": "m", "choices": [last]}
            if script.usage:
                done["usage"] = {"completion_tokens": 7, "prompt_tokens": 5, "total_tokens": 12}
            self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


@pytest.fixture
def fake_server():
    servers = []

    def make(statuses: list[int], *, usage: bool = True) -> tuple[Script, str]:
        script = Script(statuses, usage=usage)
        httpd, url = start_fake(script)
        servers.append(httpd)
        return script, url

    yield make
    for httpd in servers:
        httpd.shutdown()


def test_retries_rate_limits_and_server_errors_then_succeeds(cli, fake_server) -> None:
    script, url = fake_server([429, 503])
    result = cli("generate", "hi", "-m", "openai:m", "--base-url", url, "--json", "--no-log")
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["text"] == "Hello from the server"
    assert doc["generation"]["new_tokens"] == 7  # the server's count, not the 4 words
    assert doc["generation"]["tokens_estimated"] is False
    assert len(script.requests) == 3
    assert script.requests[0]["stream_options"] == {"include_usage": True}
    assert (
        script.requests[0]["stream"] is True
        and script.requests[0]["messages"][-1]["content"] == "hi"
    )


def test_persistent_server_errors_are_exit_4(cli, fake_server) -> None:
    script, url = fake_server([500] * 10)
    result = cli("generate", "hi", "-m", "openai:m", "--base-url", url, "--no-log")
    assert result.code == ExitCode.MODEL_UNAVAILABLE and "answered 500" in result.stderr
    assert len(script.requests) == 4  # the request and three retries


def test_refused_key_is_exit_4_and_the_key_comes_from_the_environment(
    cli, fake_server, monkeypatch
) -> None:
    monkeypatch.setenv("GALCLI_API_KEY", "sk-secret-test")
    script, url = fake_server([401])
    result = cli("generate", "hi", "-m", "openai:m", "--base-url", url)
    assert result.code == ExitCode.MODEL_UNAVAILABLE and "refused the API key" in result.stderr
    assert script.keys == ["Bearer sk-secret-test"]
    assert "sk-secret-test" not in result.stderr


def test_the_api_key_is_never_recorded(cli, fake_server, monkeypatch) -> None:
    monkeypatch.setenv("GALCLI_API_KEY", "sk-secret-test")
    _, url = fake_server([])
    assert cli("generate", "hi", "-m", "openai:m", "--base-url", url).code == 0
    assert "sk-secret-test" not in json.dumps(cli("log", "--json").json())


def test_connection_refused_is_exit_4(cli) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = cli("generate", "hi", "-m", "openai:m", "--base-url", url)
    assert result.code == ExitCode.MODEL_UNAVAILABLE and "cannot reach" in result.stderr


def test_galactica_models_use_raw_completions(cli, fake_server) -> None:
    script, url = fake_server([])
    result = cli(
        "generate", "The Transformer", "-m", "openai:galactica-1.3b", "--base-url", url, "--json"
    )
    assert result.code == 0, result.stderr
    assert script.paths == ["/v1/completions"]
    assert script.requests[0]["prompt"] == "The Transformer"
    assert "messages" not in script.requests[0]
    assert result.json()["text"] == "Hello from the server"


def test_instruction_models_use_chat_completions(cli, fake_server) -> None:
    script, url = fake_server([])
    assert cli("generate", "hi", "-m", "openai:m", "--base-url", url, "--no-log").code == 0
    assert script.paths == ["/v1/chat/completions"]


def test_the_profile_setting_overrides_the_name(cli, fake_server, monkeypatch) -> None:
    monkeypatch.setenv("GALCLI_PROFILE", "galactica")
    script, url = fake_server([])
    assert cli("generate", "hi", "-m", "openai:m", "--base-url", url, "--no-log").code == 0
    assert script.paths == ["/v1/completions"]


def test_without_a_usage_report_the_count_is_marked_an_estimate(cli, fake_server) -> None:
    _, url = fake_server([], usage=False)
    doc = cli("generate", "hi", "-m", "openai:m", "--base-url", url, "--json", "--no-log").json()
    generation = doc["generation"]
    assert generation["tokens_estimated"] is True and generation["new_tokens"] == 4
    assert generation["tokens_per_second"] is None  # no speed from a word count


def test_models_show_check_contacts_the_server(cli, fake_server, monkeypatch) -> None:
    _, url = fake_server([])
    monkeypatch.setenv("GALCLI_BASE_URL", url)
    unchecked = cli("models", "show", "openai:m", "--json").json()
    assert unchecked["status"] == "configured (not checked)" and unchecked["ready"] is None
    checked = cli("models", "show", "openai:m", "--check", "--json")
    assert checked.code == 0 and checked.json()["ready"] is True
    missing = cli("models", "show", "openai:other", "--check", "--json")
    assert missing.code == ExitCode.MODEL_UNAVAILABLE
    assert missing.json()["ready"] is False and "has no model 'other'" in missing.json()["status"]
