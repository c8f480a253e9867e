"""galcli's own Llama forward pass against transformers' `LlamaForCausalLM` on the same weights."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from galcli.model.llama import CompactLlama, read_shape

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

PLAIN = {
    "model_type": "llama",
    "hidden_size": 64,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_hidden_layers": 3,
    "vocab_size": 97,
    "rms_norm_eps": 1e-6,
    "rope_parameters": {"rope_type": "default", "rope_theta": 500.0},
    "tie_word_embeddings": False,
}


def _checkpoint(directory: Path, **overrides) -> Path:
    """A random Llama with grouped-query attention, saved as transformers saves it."""
    config = transformers.LlamaConfig(
        vocab_size=97,
        hidden_size=64,
        intermediate_size=96,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        rope_theta=500.0,
        **overrides,
    )
    torch.manual_seed(0)
    model = transformers.LlamaForCausalLM(config)
    with torch.no_grad():  # norms away from 1, so that a missing norm weight shows
        for name, parameter in model.named_parameters():
            if "norm" in name:
                parameter.uniform_(0.5, 1.5)
    model.save_pretrained(directory)
    return directory


@pytest.mark.parametrize("tied", [False, True])
def test_logits_match_transformers_in_prefill_decoding_and_a_split_prompt(
    tmp_path: Path, tied: bool
) -> None:
    directory = _checkpoint(tmp_path / "m", tie_word_embeddings=tied)
    reference = transformers.AutoModelForCausalLM.from_pretrained(directory).eval()
    compact = CompactLlama.load(directory, torch.float32, "cpu")
    assert compact is not None and compact.shape.tied is tied and compact.shape.kv_heads == 2
    ids = torch.tensor([[5, 17, 3, 88, 42, 9, 60, 1, 23]])
    with torch.inference_mode():
        expected = reference(ids).logits[0]
        cache = compact.cache(16)
        torch.testing.assert_close(compact.logits(ids, 0, cache)[0], expected[-1])
        # One token at a time after a prefill: each step sees the cached keys and values.
        cache = compact.cache(16)
        compact.logits(ids[:, :4], 0, cache)
        for position in range(4, ids.shape[1]):
            step = compact.logits(ids[:, position : position + 1], position, cache)
            torch.testing.assert_close(step[0], expected[position])
        # A prompt in two pieces: the second attends causally to the first.
        cache = compact.cache(16)
        compact.logits(ids[:, :3], 0, cache)
        torch.testing.assert_close(compact.logits(ids[:, 3:], 3, cache)[0], expected[-1])


def test_greedy_tokens_match_generate(tmp_path: Path) -> None:
    directory = _checkpoint(tmp_path / "m")
    reference = transformers.AutoModelForCausalLM.from_pretrained(directory).eval()
    compact = CompactLlama.load(directory, torch.float32, "cpu")
    assert compact is not None
    prompt = torch.tensor([[5, 17, 3, 88]])
    with torch.inference_mode():
        expected = reference.generate(
            prompt, max_new_tokens=40, min_new_tokens=40, do_sample=False, pad_token_id=0
        )[0, 4:].tolist()
        cache = compact.cache(4 + 40)
        step, start, produced = prompt, 0, []
        for _ in range(40):
            logits = compact.logits(step, start, cache)
            start += step.shape[1]
            step = logits.argmax(-1, keepdim=True)
            produced.append(int(step))
    assert produced == expected


def test_log_likelihoods_match_transformers(tmp_path: Path) -> None:
    """Each continuation runs on the prefix's cached keys and values; the sums equal those of a
    full forward pass over prefix + continuation."""
    directory = _checkpoint(tmp_path / "m")
    reference = transformers.AutoModelForCausalLM.from_pretrained(directory).eval()
    compact = CompactLlama.load(directory, torch.float32, "cpu")
    assert compact is not None
    prefix, tails = [5, 17, 3], [[88, 42, 9], [60], [1, 2, 3, 4, 5, 6], []]
    with torch.inference_mode():
        ours = compact.log_likelihoods(prefix, tails)
        expected = []
        for tail in tails:
            ids = torch.tensor([prefix + tail])
            logprobs = reference(ids).logits[0].log_softmax(-1)
            expected.append(
                sum(float(logprobs[len(prefix) - 1 + i, t]) for i, t in enumerate(tail))
            )
    assert ours == pytest.approx(expected, abs=1e-4)
    assert ours[-1] == 0.0


def test_read_shape_takes_only_the_plain_architecture() -> None:
    shape = read_shape(PLAIN)
    assert shape is not None
    assert (shape.heads, shape.kv_heads, shape.head_dim, shape.rope_theta) == (4, 2, 16, 500.0)
    for change in (
        {"model_type": "mistral"},
        {"attention_bias": True},
        {"mlp_bias": True},
        {"hidden_act": "gelu"},
        {"pretraining_tp": 2},
        {"rope_parameters": {"rope_type": "llama3", "rope_theta": 5e5, "factor": 8.0}},
        {"rope_scaling": {"type": "linear", "factor": 2.0}, "rope_parameters": None},
        {"hidden_size": None},
    ):
        assert read_shape({**PLAIN, **change}) is None, change
    older = {k: v for k, v in PLAIN.items() if k != "rope_parameters"}
    shape = read_shape({**older, "rope_theta": 10000.0})
    assert shape is not None and shape.rope_theta == 10000.0


def test_checkpoints_it_cannot_read_are_left_to_transformers(tmp_path: Path) -> None:
    directory = _checkpoint(tmp_path / "m")
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    (directory / "config.json").write_text(
        json.dumps({**config, "attention_bias": True}), encoding="utf-8"
    )
    assert CompactLlama.load(directory, torch.float32, "cpu") is None
    (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert CompactLlama.load(directory, torch.float32, "cpu") is not None
    from safetensors.torch import load_file, save_file

    weights = directory / "model.safetensors"
    tensors = load_file(weights)
    tensors["model.final_norm.weight"] = tensors.pop("model.norm.weight")  # another naming
    save_file(tensors, weights, metadata={"format": "pt"})
    assert CompactLlama.load(directory, torch.float32, "cpu") is None
    (directory / "config.json").write_text("{not json", encoding="utf-8")
    assert CompactLlama.load(directory, torch.float32, "cpu") is None


def test_a_llama_decodes_without_importing_transformers_model_code(tiny_chat: Path) -> None:
    script = (
        "import sys\n"
        "from galcli.model.base import GenerationParams, Prompt\n"
        "from galcli.model.hf import load_pretrained\n"
        f"backend = load_pretrained({str(tiny_chat)!r}, model_id='c', device='cpu',"
        " allow_download=False)\n"
        "print(backend.generate(Prompt('What is ethanol?'), GenerationParams()).text)\n"
        "print(sorted(m for m in sys.modules if m.startswith('transformers.models.')))\n"
        "print(backend.import_seconds)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    text, modules, import_seconds = done.stdout.splitlines()
    assert text == "Ethanol is CCO, an alcohol."
    assert "modeling_llama" not in modules and "modeling_auto" not in modules
    assert float(import_seconds) == 0.0
