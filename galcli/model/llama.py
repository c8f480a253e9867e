"""The Llama architecture in plain torch, for decoding one sequence: what SmolLM2 (the embedded
default) and other Llama checkpoints run on, without importing transformers' model code.

transformers' `LlamaForCausalLM` serves training, batches, many attention kernels and cache
types; on a 2-core CPU its per-layer bookkeeping costs about as much as the arithmetic. This
module does the same arithmetic with fewer operations per token: the query/key/value
projections in one matrix product, the gate/up projections in another, rotary tables computed
once, a key/value cache allocated once per run, logits for the last position only. Loading it
imports torch and safetensors, not transformers' model code (2.2 s on the embedded model).

It reads only checkpoints whose `config.json` describes the plain architecture (`read_shape`
says which); everything else goes through transformers. tests/model/test_llama.py checks its
logits and its greedy tokens against `LlamaForCausalLM` on the same weights.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from galcli.model import quantized
from galcli.model.runtime import dtype_name, import_torch

#: config.json values that leave the arithmetic as this module does it.
_PLAIN = {
    "hidden_act": "silu",
    "attention_bias": False,
    "mlp_bias": False,
    "pretraining_tp": 1,
}


@dataclass(frozen=True)
class LlamaShape:
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    eps: float
    rope_theta: float
    tied: bool


def read_shape(config: dict[str, Any]) -> LlamaShape | None:
    """The shape of a plain Llama checkpoint, or None when `config` asks for anything else
    (another architecture, rope scaling, biases, another activation)."""
    if config.get("model_type") != "llama":
        return None
    for key, plain in _PLAIN.items():
        if config.get(key, plain) != plain:
            return None
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    if rope.get("rope_type", rope.get("type", "default")) != "default":
        return None
    theta = rope.get("rope_theta", config.get("rope_theta", 10000.0))
    try:
        hidden = int(config["hidden_size"])
        heads = int(config["num_attention_heads"])
        kv_heads = int(config.get("num_key_value_heads") or heads)
        return LlamaShape(
            layers=int(config["num_hidden_layers"]),
            hidden=hidden,
            heads=heads,
            kv_heads=kv_heads,
            head_dim=int(config.get("head_dim") or hidden // heads),
            vocab=int(config["vocab_size"]),
            eps=float(config.get("rms_norm_eps", 1e-6)),
            rope_theta=float(theta),
            tied=bool(config.get("tie_word_embeddings", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None


class Dense:
    """`x @ W.T` for a floating-point weight."""

    def __init__(self, weight: Any) -> None:
        self.weight = weight
        self._linear = import_torch().nn.functional.linear

    def __call__(self, x: Any) -> Any:
        return self._linear(x, self.weight)


@dataclass
class _Layer:
    attention_norm: Any
    qkv: Callable[[Any], Any]  # query, key and value projections stacked: one matrix product
    out: Callable[[Any], Any]
    mlp_norm: Any
    gate_up: Callable[[Any], Any]  # gate and up projections stacked
    down: Callable[[Any], Any]


class Cache:
    """Keys and values for every layer and position of one run, allocated once."""

    def __init__(self, shape: LlamaShape, length: int, dtype: Any, device: Any) -> None:
        torch = import_torch()
        # keys at [0], values at [1]: one copy stores both
        size = (2, shape.kv_heads, length, shape.head_dim)
        self.entries = [torch.zeros(size, dtype=dtype, device=device) for _ in range(shape.layers)]


class CompactLlama:
    """A loaded plain-Llama checkpoint: `cache(n)`, then `logits(ids, start, cache)` per step."""

    def __init__(
        self,
        shape: LlamaShape,
        tensors: dict[str, Any],
        dtype: Any,
        device: str,
        four_bit: dict[str, Any] | None = None,
    ):
        """`four_bit`: Q4_1 weights (`quantized.FILE`); a stack of projections all of which it
        holds is multiplied in 4 bits, any other from `tensors`."""
        torch = import_torch()
        four_bit = four_bit or {}
        held = set(quantized.names(four_bit))
        scratch = quantized.Scratch()

        def weight(name: str) -> Any:
            return tensors[name].to(device=device, dtype=dtype)

        def projection(prefix: str, parts: tuple[str, ...]) -> Callable[[Any], Any]:
            names = [f"{prefix}{part}_proj.weight" for part in parts]
            if held.issuperset(names):
                try:
                    return quantized.Int4Linear(
                        four_bit, names, scratch, [weight(n) for n in names]
                    )
                except RuntimeError:  # a shape or build of torch the kernel does not take
                    pass
            return Dense(torch.cat([weight(name) for name in names]))

        self.shape = shape
        self.dtype = dtype
        self.device = torch.device(device)
        self.embed = weight("model.embed_tokens.weight")
        self.norm = weight("model.norm.weight")
        self.lm_head = self.embed if shape.tied else weight("lm_head.weight")
        self.layers = []
        for i in range(shape.layers):
            prefix = f"model.layers.{i}."
            attention, mlp = prefix + "self_attn.", prefix + "mlp."
            self.layers.append(
                _Layer(
                    attention_norm=weight(prefix + "input_layernorm.weight"),
                    qkv=projection(attention, ("q", "k", "v")),
                    out=projection(attention, ("o",)),
                    mlp_norm=weight(prefix + "post_attention_layernorm.weight"),
                    gate_up=projection(mlp, ("gate", "up")),
                    down=projection(mlp, ("down",)),
                )
            )
        #: what the matrix products compute with, for the run's metadata
        self.precision = dtype_name(dtype)
        products = [p for x in self.layers for p in (x.qkv, x.out, x.gate_up, x.down)]
        if any(isinstance(product, quantized.Int4Linear) for product in products):
            self.precision = (
                f"4-bit Q4_1 weights in bfloat16 products ({self.precision} for "
                f"{quantized.DENSE_FROM_ROWS}+ tokens at once and outside the products)"
            )
        self._inv_freq = 1.0 / (
            shape.rope_theta
            ** (torch.arange(0, shape.head_dim, 2, dtype=torch.int64).float() / shape.head_dim)
        )
        self._rope_length = 0

    @classmethod
    def load(
        cls, directory: Path, dtype: Any, device: str, *, four_bit: bool = True
    ) -> CompactLlama | None:
        """The checkpoint in `directory`, or None when it is not a plain Llama one. With
        `four_bit`, weights that `directory` also holds in 4 bits (`quantized.FILE`) are
        multiplied in 4 bits where torch can on `device`."""
        try:
            config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        shape = read_shape(config) if isinstance(config, dict) else None
        if shape is None:
            return None
        from safetensors.torch import load_file

        tensors: dict[str, Any] = {}
        for path in quantized.weight_files(directory):
            tensors.update(load_file(path))  # memory-mapped
        small: dict[str, Any] = {}
        held = directory / quantized.FILE
        if four_bit and held.is_file() and quantized.supported(device, dtype):
            small = load_file(held)
        try:
            return cls(shape, tensors, dtype, device, small)
        except KeyError:  # tensor names this module does not know: transformers maps them
            return None

    def cache(self, length: int) -> Cache:
        self._rope(length)
        return Cache(self.shape, length, self.dtype, self.device)

    def _rope(self, length: int) -> None:
        """Rotary tables for positions below `length`, as transformers computes them, laid out
        for all heads of the stacked projection: x*cos + roll(x, half)*sin rotates queries and
        keys (the sign of rotate_half folded into sin) and leaves values alone (cos 1, sin 0)."""
        if length <= self._rope_length:
            return
        torch = import_torch()
        shape = self.shape
        positions = torch.arange(length, dtype=torch.float32)
        freqs = torch.outer(positions, self._inv_freq)
        angles = torch.cat((freqs, freqs), dim=-1)[:, None, :]
        rotated = shape.heads + shape.kv_heads  # queries and keys; then the values
        sign = torch.ones(shape.head_dim)
        sign[: shape.head_dim // 2] = -1
        kept = (length, shape.kv_heads, shape.head_dim)
        cos = torch.cat((angles.cos().expand(-1, rotated, -1), torch.ones(kept)), dim=1)
        sin = torch.cat((angles.sin().expand(-1, rotated, -1) * sign, torch.zeros(kept)), dim=1)
        self._cos = cos.to(device=self.device, dtype=self.dtype)
        self._sin = sin.to(device=self.device, dtype=self.dtype)
        self._rope_length = length

    def logits(self, ids: Any, start: int, cache: Cache, *, every: bool = False) -> Any:
        """Next-token logits, shape (1, vocab), after `ids` (1, n) at positions start…end-1;
        with `every`, the logits after each of them, shape (n, vocab)."""
        torch = import_torch()
        functional = torch.nn.functional
        linear, rms_norm = functional.linear, functional.rms_norm
        shape = self.shape
        n = int(ids.shape[-1])
        end = start + n
        cos = self._cos[start:end]
        sin = self._sin[start:end]
        half = shape.head_dim // 2
        heads, kv_heads, head_dim = shape.heads, shape.kv_heads, shape.head_dim
        width = (shape.hidden,)
        stacked = heads + 2 * kv_heads
        mask = self._prefix_mask(n, start) if n > 1 and start else None
        causal = n > 1 and not start
        gqa = heads != kv_heads
        hidden = functional.embedding(ids[0], self.embed)  # (n, hidden)
        for layer, entries in zip(self.layers, cache.entries, strict=True):
            qkv = layer.qkv(rms_norm(hidden, width, layer.attention_norm, shape.eps))
            qkv = qkv.view(n, stacked, head_dim)
            qkv = torch.addcmul(qkv * cos, qkv.roll(half, -1), sin).transpose(0, 1)
            entries[:, :, start:end] = qkv[heads:].view(2, kv_heads, n, head_dim)
            attended = functional.scaled_dot_product_attention(
                qkv[None, :heads],
                entries[0:1, :, :end],
                entries[1:2, :, :end],
                is_causal=causal,
                attn_mask=mask,
                enable_gqa=gqa,
            )
            hidden = hidden + layer.out(attended[0].transpose(0, 1).reshape(n, -1))
            gate, up = layer.gate_up(rms_norm(hidden, width, layer.mlp_norm, shape.eps)).chunk(
                2, dim=-1
            )
            hidden = hidden + layer.down(functional.silu(gate) * up)
        last = rms_norm(hidden if every else hidden[-1:], width, self.norm, shape.eps)
        return linear(last, self.lm_head)

    def log_likelihoods(self, prefix: list[int], continuations: list[list[int]]) -> list[float]:
        """For each continuation, the sum of log P(its tokens | prefix). The prefix runs once;
        each continuation then runs on its cached keys and values."""
        torch = import_torch()
        start = len(prefix)
        longest = max((len(c) for c in continuations), default=0)
        cache = self.cache(start + longest)
        ids = torch.tensor([prefix], device=self.device)
        first = self.logits(ids, 0, cache).float().log_softmax(-1)[0]  # the first token's
        results = []
        for tail in continuations:
            total = float(first[tail[0]]) if tail else 0.0
            if len(tail) > 1:
                ids = torch.tensor([tail[:-1]], device=self.device)
                logprobs = self.logits(ids, start, cache, every=True).float().log_softmax(-1)
                targets = torch.tensor(tail[1:], device=self.device)[:, None]
                total += float(logprobs.gather(-1, targets).sum())
            results.append(total)
        return results

    def _prefix_mask(self, n: int, start: int) -> Any:
        """Causal mask for `n` new positions after `start` cached ones."""
        torch = import_torch()
        rows = torch.arange(n, device=self.device)[:, None] + start
        return torch.arange(start + n, device=self.device)[None, :] <= rows
