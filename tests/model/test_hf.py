"""The transformers backend on tiny local models (no download, no embedded model)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from galcli.errors import ExitCode, ModelUnavailable
from galcli.model.base import CHAT, GALACTICA, GenerationParams, Prompt
from galcli.model.decode import TransformersStepper
from galcli.model.hf import check_local_dir, is_hub_id, load_pretrained
from tests.tiny_models import CHAT_TEXT, GALACTICA_TEXT

PARAMS = GenerationParams(max_new_tokens=40, watermark=False)


@pytest.fixture(scope="module")
def galactica(tiny_galactica: Path):
    return load_pretrained(
        tiny_galactica, model_id="tiny-galactica", device="cpu", allow_download=False
    )


@pytest.fixture(scope="module")
def chat(tiny_chat: Path):
    return load_pretrained(tiny_chat, model_id="tiny-chat", device="cpu", allow_download=False)


def test_profiles_are_picked_from_the_model(galactica, chat) -> None:
    assert galactica.profile == GALACTICA
    assert chat.profile == CHAT


def test_galactica_profile_stops_at_the_matching_end_token(galactica) -> None:
    result = galactica.generate(Prompt("The Transformer [START_REF]", stop=("[END_REF]",)), PARAMS)
    assert result.text == " Attention Is All You Need, Vaswani "
    assert result.finish_reason == "stop" and result.new_tokens >= 5


def test_galactica_profile_keeps_special_tokens_and_drops_eos(galactica) -> None:
    result = galactica.generate(Prompt("The Transformer [START_REF]"), PARAMS)
    assert "[END_REF]" in result.text and "[START_I_SMILES]CCO[END_I_SMILES]" in result.text
    assert GALACTICA_TEXT.endswith(result.text.strip())
    assert "</s>" not in result.text


def test_chat_profile_uses_the_template_and_stops_at_eos(chat) -> None:
    result = chat.generate(Prompt("What is ethanol?"), PARAMS)
    assert result.text == "Ethanol is CCO, an alcohol."
    assert result.finish_reason == "stop"


def test_streaming_yields_the_text_in_pieces(chat) -> None:
    pieces = list(chat.stream(Prompt("What is ethanol?"), PARAMS))
    assert len(pieces) > 2 and "".join(pieces) == "Ethanol is CCO, an alcohol."


def test_token_limit_reports_length(galactica) -> None:
    result = galactica.generate(
        Prompt("The Transformer [START_REF]"), GenerationParams(max_new_tokens=3, watermark=False)
    )
    assert result.new_tokens == 3 and result.finish_reason == "length"


def test_beams_give_distinct_scored_candidates(galactica) -> None:
    beams = galactica.sample(Prompt("The Transformer [START_REF]", stop=("[END_REF]",)), PARAMS, 3)
    assert len(beams) == 3
    assert all(b.score is not None for b in beams)
    assert beams[0].score >= beams[-1].score
    assert beams[0].text == " Attention Is All You Need, Vaswani "


def test_watermarked_generation_is_detected(untrained_chat: Path) -> None:
    """The backend's watermark is the one `galcli detect` tests for: on, it is found; off, not."""
    from galcli.settings import Settings
    from galcli.tasks.detect import NOT_WATERMARKED, WATERMARKED, WatermarkScorer

    backend = load_pretrained(untrained_chat, model_id="u", device="cpu", allow_download=False)
    scorer = WatermarkScorer(Settings.defaults(model=str(untrained_chat)))
    prompt = Prompt("Write about ethanol.")
    # Sampled: greedy decoding of a random model loops on a few tokens, which any key can call
    # green or not by chance.
    params = GenerationParams(max_new_tokens=120, temperature=1.0, seed=2)
    marked = backend.generate(prompt, params)
    plain = backend.generate(prompt, replace(params, watermark=False))
    assert scorer.score(marked.text).verdict == WATERMARKED
    assert scorer.score(plain.text).verdict == NOT_WATERMARKED


def test_local_weights_load_without_from_pretrained(tiny_chat: Path, monkeypatch) -> None:
    """Safetensors are assigned to an empty model: no initialisation that is then overwritten,
    and the same weights, buffers and generation settings as `from_pretrained`."""
    import torch
    import transformers

    reference = transformers.AutoModelForCausalLM.from_pretrained(tiny_chat)

    def refuse(*args, **kwargs):
        raise AssertionError("from_pretrained was called for a local safetensors directory")

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", refuse)
    backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
    loaded = dict(backend.model.state_dict())
    for name, tensor in reference.state_dict().items():
        assert torch.equal(loaded[name], tensor), name
    for name, buffer in backend.model.named_buffers():
        assert buffer.device.type == "cpu", name
    assert backend.model.generation_config.eos_token_id == reference.generation_config.eos_token_id
    result = backend.generate(Prompt("What is ethanol?"), PARAMS)
    assert result.text == "Ethanol is CCO, an alcohol."


def test_sampling_is_reproducible_with_a_seed(chat) -> None:
    params = GenerationParams(max_new_tokens=12, temperature=1.5, seed=4, watermark=False)
    first = chat.generate(Prompt("What is ethanol?"), params).text
    assert chat.generate(Prompt("What is ethanol?"), params).text == first


def test_weights_digest_is_sha256_of_the_safetensors(galactica, tiny_galactica: Path) -> None:
    import hashlib

    expected = hashlib.sha256((tiny_galactica / "model.safetensors").read_bytes()).hexdigest()
    assert galactica.weights_sha256() == expected


def test_pickled_weights_are_refused(tmp_path: Path, tiny_galactica: Path) -> None:
    (tmp_path / "config.json").write_text((tiny_galactica / "config.json").read_text())
    (tmp_path / "pytorch_model.bin").write_bytes(b"pickle would run code here")
    with pytest.raises(ModelUnavailable, match="safetensors only"):
        check_local_dir(tmp_path)


def test_directory_without_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no config.json"):
        check_local_dir(tmp_path)


@pytest.mark.parametrize("model", ["tiny_chat", "tiny_galactica"])  # both forward passes
@pytest.mark.parametrize(
    "damaged, content, expected",
    [
        ("config.json", b"{broken", "cannot load the model in {dir}: It looks like the config"),
        ("model.safetensors", b"\x00" * 64, "cannot load broken as a causal language model"),
    ],
)
def test_a_damaged_model_directory_is_a_model_error_that_names_the_problem(
    model: str, damaged: str, content: bytes, expected: str, tmp_path: Path, request
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(request.getfixturevalue(model), broken)
    (broken / damaged).write_bytes(content)
    with pytest.raises(ModelUnavailable) as info:
        load_pretrained(broken, model_id="broken", device="cpu", allow_download=False)
    assert expected.format(dir=broken) in info.value.message
    assert "Hugging Face cache" not in info.value.message
    assert info.value.exit_code == ExitCode.MODEL_UNAVAILABLE


def test_cuda_request_without_cuda_is_exit_4(tiny_galactica: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ModelUnavailable, match="no CUDA device") as info:
        load_pretrained(tiny_galactica, model_id="t", device="cuda", allow_download=False)
    assert info.value.exit_code == ExitCode.MODEL_UNAVAILABLE


@pytest.mark.parametrize(
    "name, expected",
    [
        ("facebook/galactica-125m", True),
        ("gpt2", True),
        ("/abs/path", False),
        ("./rel", False),
        ("a/b/c", False),
    ],
)
def test_hub_ids_versus_paths(name: str, expected: bool) -> None:
    assert is_hub_id(name) is expected


def test_cli_generate_with_a_local_model_directory(cli, tiny_chat: Path) -> None:
    result = cli("generate", "What is ethanol?", "-m", str(tiny_chat), "--no-watermark", "--json")
    assert result.code == 0
    doc = result.json()
    # The task adds a system turn the tiny model never saw, so only the shape is checked here.
    assert doc["text"].strip() and doc["generation"]["new_tokens"] > 0
    assert doc["model"] == str(tiny_chat)
    assert doc["provenance"]["watermark"] == "off"
    assert doc["provenance"]["model_sha256"]


def test_cli_generate_galactica_text_mode(cli, tiny_galactica: Path) -> None:
    result = cli(
        "generate",
        "The Transformer [START_REF]",
        "-m",
        str(tiny_galactica),
        "--no-watermark",
        "--max-new-tokens",
        "12",
    )
    assert result.code == 0 and result.stdout.startswith(" Attention Is All You Need")


@pytest.mark.parametrize("model", ["tiny_galactica", "tiny_chat"])
def test_log_likelihoods_prefer_the_memorised_continuation(model: str, request) -> None:
    """Scoring (`cite -m`, likelihood ranking): on galcli's own Llama for the chat model, on
    transformers' model for the OPT one. The Llama's transformers model is never loaded."""
    directory: Path = request.getfixturevalue(model)
    backend = load_pretrained(directory, model_id=model, device="cpu", allow_download=False)
    assert backend.scores_text
    # The same words, in the memorised order and reversed.
    if model == "tiny_galactica":
        prefix, right = "The Transformer [START_REF] ", "Attention Is All You Need"
    else:
        prefix, right = CHAT_TEXT.split("assistant\n")[0] + "assistant\n", "Ethanol is CCO"
    wrong = " ".join(reversed(right.split()))
    scores = backend.log_likelihoods(prefix, [right, wrong, right])
    assert scores[0] == pytest.approx(scores[2]) and scores[0] > scores[1] + 1.0
    assert all(score < 0 for score in scores)
    assert backend.log_likelihoods(prefix, []) == []
    assert (backend._model is None) is (model == "tiny_chat")


def test_llama_scoring_matches_transformers_batched_scoring(tiny_chat: Path) -> None:
    backend = load_pretrained(tiny_chat, model_id="c", device="cpu", allow_download=False)
    prefix = "<|im_start|>user\nWhat is ethanol?<|im_end|>\n"
    continuations = ["<|im_start|>assistant\nEthanol", "CCO", "an alcohol.<|im_end|>", ""]
    ours = backend.log_likelihoods(prefix, continuations)
    assert backend._model is None
    backend.decoder.stepper = TransformersStepper(backend.model)  # transformers' batched path
    reference = backend.log_likelihoods(prefix, continuations)
    assert ours == pytest.approx(reference, abs=1e-3)
    assert ours[-1] == 0.0  # nothing to score


def test_a_backend_without_token_probabilities_says_so(fake_model) -> None:
    from galcli.model.fake import load
    from galcli.model.registry import parse_model
    from galcli.settings import Settings
    from galcli.tasks.cite_score import can_score

    backend = load(parse_model(fake_model([])), Settings.defaults(), lambda message: None)
    assert not can_score(backend)
    with pytest.raises(NotImplementedError):
        backend.log_likelihoods("a", ["b"])
