"""`galcli models`: what it says about a model is what it checked."""

from __future__ import annotations

from pathlib import Path

from galcli.errors import ExitCode
from galcli.model.base import CHAT, GALACTICA
from galcli.model.profiles import profile_of_directory


def test_a_fake_default_is_configured_not_ready(cli, fake_model, monkeypatch) -> None:
    monkeypatch.setenv("GALCLI_MODEL", fake_model([{"text": "x"}]))
    listed = cli("models", "--json").json()
    fake = next(m for m in listed if m["backend"] == "fake")
    assert fake["status"] == "configured (not checked)" and fake["ready"] is None
    assert "configured (not checked)" in cli("models").stdout


def test_show_check_loads_the_model(cli, fake_model, tmp_path: Path) -> None:
    model = fake_model([{"text": "x"}])
    checked = cli("models", "show", model, "--check", "--json")
    assert checked.code == 0 and checked.json()["ready"] is True
    assert checked.json()["status"].startswith("ready (checked")
    broken = cli("models", "show", f"fake:{tmp_path / 'missing.json'}", "--check", "--json")
    assert broken.code == ExitCode.MODEL_UNAVAILABLE
    assert broken.json()["ready"] is False
    assert broken.json()["status"].startswith(
        "unavailable (checked): fake-backend script not found"
    )


def test_show_check_on_a_local_directory(cli, tiny_galactica: Path) -> None:
    result = cli("models", "show", str(tiny_galactica), "--check", "--json")
    assert result.code == 0 and result.json()["ready"] is True
    assert result.json()["profile"] == GALACTICA


def test_the_profile_read_from_files_is_the_profile_the_loaded_model_gets(
    tiny_galactica: Path, tiny_chat: Path, untrained_chat: Path, tmp_path: Path
) -> None:
    """One rule (model/profiles.py) for files on disk and a loaded tokenizer."""
    from galcli.model.hf import load_pretrained

    for directory in (tiny_galactica, tiny_chat, untrained_chat):
        loaded = load_pretrained(directory, model_id="m", device="cpu", allow_download=False)
        assert profile_of_directory(directory) == loaded.profile
    assert profile_of_directory(tiny_chat) == CHAT
    # A base model that merely mentions [START_REF] once is not a Galactica checkpoint.
    (tmp_path / "tokenizer.json").write_text(
        '{"model": {"vocab": {"[START_REF]": 0, "a": 1}}, "added_tokens": []}', encoding="utf-8"
    )
    (tmp_path / "tokenizer_config.json").write_text('{"chat_template": "x"}', encoding="utf-8")
    assert profile_of_directory(tmp_path) == CHAT
