"""The watermark galcli puts into generated text, and its parameters.

galcli uses transformers' green-list watermark (Kirchenbauer et al., 2023): at every step the
previous token seeds a pseudo-random split of the vocabulary, and a `bias` is added to the logits
of the "green" share. Text generated this way holds far more green tokens than chance, which
`galcli detect` measures as a z-score. The key is fixed and public on purpose: the point is that
anyone can check whether a text came from galcli, not secrecy.
"""

from __future__ import annotations

from typing import Any

#: The public watermark key (transformers' default hashing key, a prime).
HASHING_KEY = 15485863
GREENLIST_RATIO = 0.25
BIAS = 2.5
SEEDING_SCHEME = "lefthash"
CONTEXT_WIDTH = 1
#: `galcli detect` calls a text watermarked from this z-score on (see bench/watermark.py) …
Z_THRESHOLD = 4.0
#: … and does not judge texts with fewer scored tokens than this.
MIN_TOKENS = 50


def watermarking_config() -> Any:
    from transformers import WatermarkingConfig

    return WatermarkingConfig(
        greenlist_ratio=GREENLIST_RATIO,
        bias=BIAS,
        hashing_key=HASHING_KEY,
        seeding_scheme=SEEDING_SCHEME,
        context_width=CONTEXT_WIDTH,
    )
