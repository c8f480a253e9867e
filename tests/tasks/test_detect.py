"""`galcli detect`: galcli's own watermark is found; other text is not flagged."""

from __future__ import annotations

from pathlib import Path

from galcli.errors import ExitCode


def generate(cli, model: Path, *flags: str) -> str:
    result = cli(
        "generate",
        "ethanol and water",
        "-m",
        str(model),
        "--max-new-tokens",
        "120",
        "--temperature",
        "1.0",
        "-q",
        *flags,
    )
    assert result.code == 0, result.stderr
    return result.stdout


def test_watermarked_generation_is_detected(cli, untrained_chat: Path, tmp_path: Path) -> None:
    text = tmp_path / "draft.txt"
    text.write_text(generate(cli, untrained_chat))
    result = cli("detect", str(text), "-m", str(untrained_chat), "--json")
    doc = result.json()
    assert result.code == ExitCode.OK and doc["verdict"] == "watermarked"
    assert doc["z_score"] > 4 and doc["p_value"] < 1e-4 and doc["tokens"] >= 50


def test_unwatermarked_generation_is_not(cli, untrained_chat: Path) -> None:
    text = generate(cli, untrained_chat, "--no-watermark")
    result = cli("detect", "-", "-m", str(untrained_chat), "--json", stdin=text)
    assert result.code == ExitCode.FINDINGS
    assert result.json()["verdict"] == "not watermarked" and result.json()["z_score"] < 4


def test_short_text_cannot_be_judged(cli, untrained_chat: Path) -> None:
    result = cli("detect", "-", "-m", str(untrained_chat), stdin="Only a few words here.")
    assert result.code == ExitCode.FINDINGS and result.stdout.startswith("too short to tell")


def test_bad_inputs(cli, untrained_chat: Path, tmp_path: Path, fake_model) -> None:
    missing = cli("detect", str(tmp_path / "nope.txt"), "-m", str(untrained_chat))
    assert missing.code == ExitCode.BAD_INPUT and "not found" in missing.stderr
    empty = cli("detect", "-", "-m", str(untrained_chat), stdin="   ")
    assert empty.code == ExitCode.BAD_INPUT
    remote = cli("detect", "-", "-m", fake_model([{"text": "x"}]), stdin="some text")
    assert remote.code == ExitCode.MODEL_UNAVAILABLE and "does not watermark" in remote.stderr
