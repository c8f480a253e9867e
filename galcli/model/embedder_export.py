"""One-time export of the sentence-embedding model (all-MiniLM-L6-v2) to ONNX.

Retrieval embeds every query with onnxruntime, which starts in a fraction of a second; torch is
needed only for this export, once per model file. retrieve/ may not import torch, so it runs this
module in a subprocess:

    python -m galcli.model.embedder_export MODEL_DIRECTORY TARGET.onnx

The exported graph takes `input_ids`, `attention_mask`, `token_type_ids` and returns the
sentence vector itself (mean pooling over the last hidden state, L2-normalised), so the query
side needs nothing but onnxruntime, the tokenizers library and numpy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


def export(directory: Path, target: Path) -> None:
    """Write the pooled, normalised MiniLM graph to `target` (atomically: a crash leaves none)."""
    from galcli.model.runtime import import_torch, import_transformers

    transformers = import_transformers()  # quiet, and exit 4 with a hint when missing
    torch = import_torch()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    # Eager attention: the SDPA path's mask handling is traced with the example's shapes and
    # gives wrong vectors for other paddings (measured: 0.1 off vs 2e-7 with eager).
    model = transformers.AutoModel.from_pretrained(
        str(directory), local_files_only=True, use_safetensors=True, attn_implementation="eager"
    ).eval()

    module: Any = torch.nn.Module

    class Pooled(module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: Any,
            attention_mask: Any,
            token_type_ids: Any,
        ) -> Any:
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    example = tokenizer(["a short one", "a somewhat longer example text"], padding=True)
    args = tuple(torch.tensor(example[name]) for name in INPUTS)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with torch.no_grad():
            torch.onnx.export(
                Pooled(),
                args,
                str(partial),
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in INPUTS}
                | {"embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m galcli.model.embedder_export MODEL_DIRECTORY TARGET.onnx")
        return 2
    export(Path(argv[0]), Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
