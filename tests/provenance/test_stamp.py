"""Provenance stamps say what was applied, and provenance/ stands below model/."""

from __future__ import annotations

import ast
from pathlib import Path

from galcli.model.base import GenerationParams, Prompt
from galcli.model.fake import FakeBackend, Reply
from galcli.provenance.stamp import provenance_for, watermark_status
from galcli.tasks.generate import GenerateRequest, run_generate

PROVENANCE = Path(__file__).resolve().parents[2] / "galcli" / "provenance"


def fake() -> FakeBackend:
    return FakeBackend([Reply(texts=("a reply",))])


def test_a_backend_that_cannot_watermark_is_never_stamped_on() -> None:
    """The Python API's defaults ask for the watermark; the fake backend cannot apply it."""
    params = GenerationParams()
    assert params.watermark
    assert watermark_status(fake(), params) == "not available on the fake backend"


def test_the_generate_task_called_from_python_stamps_what_was_applied() -> None:
    result = run_generate(GenerateRequest("Graphene is", GenerationParams()), fake())
    assert result.provenance.watermark == "not available on the fake backend"
    assert "watermark on" not in result.provenance.summary()


def test_watermark_off_is_off_where_it_could_have_been_on(tiny_galactica: Path) -> None:
    from galcli.model.hf import load_pretrained

    backend = load_pretrained(tiny_galactica, model_id="g", device="cpu", allow_download=False)
    assert watermark_status(backend, GenerationParams(watermark=False)) == "off"
    # A backend that cannot watermark says so, whatever was asked.
    assert watermark_status(fake(), GenerationParams(watermark=False)) == (
        "not available on the fake backend"
    )


def test_a_local_model_is_stamped_on_only_for_watermarked_runs(tiny_galactica: Path) -> None:
    from galcli.model.hf import load_pretrained

    backend = load_pretrained(tiny_galactica, model_id="g", device="cpu", allow_download=False)
    params = GenerationParams(max_new_tokens=8)
    prompt = Prompt("The Transformer")
    backend.generate(prompt, params)
    assert provenance_for(backend, prompt, params).watermark == "on"
    backend.sample(prompt, params, 2)  # greedy with n > 1: beam search, not watermarked
    assert watermark_status(backend, params).startswith("partial")


def test_provenance_imports_nothing_from_model_not_even_for_types() -> None:
    """model/ imports provenance/ (the watermark); the reverse would be a cycle."""
    for path in PROVENANCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("galcli.model"), f"{path.name}: {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("galcli.model") for a in node.names), path.name
