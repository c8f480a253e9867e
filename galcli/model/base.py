"""The one interface every backend implements, and the data that crosses it.

A task builds a `Prompt` in both dialects (raw Galactica-style text and chat messages); the
backend's prompt profile decides which one the model sees. `stream` yields text deltas;
`generate` and `sample` are built on it so every backend behaves the same way.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

GALACTICA = "galactica"
CHAT = "chat"
PROFILES = (GALACTICA, CHAT)


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Prompt:
    """What a task asks, in the two dialects a model may speak.

    `raw` is the text a Galactica-style (or any base) model continues, e.g. ending in
    `[START_REF]`. `messages` is the same request for instruction models; when empty, the chat
    profile sends `raw` as a single user turn. Generation stops at the first of `stop`.
    """

    raw: str
    messages: tuple[Message, ...] = ()
    stop: tuple[str, ...] = ()

    def chat_messages(self) -> tuple[Message, ...]:
        return self.messages or (Message("user", self.raw),)

    def text_for(self, profile: str) -> str:
        """The prompt as one string (for hashing, logging and servers without chat support)."""
        if profile == CHAT:
            return "\n\n".join(f"{m.role}: {m.content}" for m in self.chat_messages())
        return self.raw


@dataclass(frozen=True)
class GenerationParams:
    max_new_tokens: int = 128
    temperature: float = 0.0  # 0 means greedy decoding
    top_p: float = 0.95
    seed: int = 0
    watermark: bool = True
    # >1 discourages repeating tokens; small models loop without it on long prose.
    repetition_penalty: float = 1.0

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0

    def with_seed(self, seed: int) -> GenerationParams:
        return replace(self, seed=seed)


@dataclass
class Generation:
    text: str
    new_tokens: int
    seconds: float
    finish_reason: str = "stop"  # "stop" (stop string / end of sequence) or "length"
    score: float | None = None  # mean log-probability per token, where the backend knows it
    #: True when `new_tokens` is a guess (a remote server that sent no usage report).
    tokens_estimated: bool = False

    @property
    def tokens_per_second(self) -> float | None:
        """Decoding speed; None where the token count is only an estimate."""
        if self.tokens_estimated:
            return None
        return self.new_tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class TokenStream:
    """An iterator of text deltas that also reports, once exhausted, how it ended."""

    deltas: Iterator[str]
    new_tokens: int | None = None
    finish_reason: str = "stop"

    def __iter__(self) -> TokenStream:
        return self

    def __next__(self) -> str:
        return next(self.deltas)

    def close(self) -> None:
        close_quietly(self.deltas)


def close_quietly(stream: object) -> None:
    """Close a generator or response if it can be closed (stops the generation behind it)."""
    close = getattr(stream, "close", None)
    if close is not None:
        close()


def cut_at_stops(deltas: Iterable[str], stops: Sequence[str]) -> Iterator[str]:
    """Yield text until the first stop string appears; the stop string is not yielded.

    Up to `len(longest stop) - 1` characters are held back so a stop string split across two
    deltas is still caught. Leaving early closes `deltas`, which stops the generation behind it.
    """
    stops = [s for s in stops if s]
    iterator = iter(deltas)
    if not stops:
        yield from iterator
        return
    hold = max(len(s) for s in stops) - 1
    buffer = ""
    try:
        for delta in iterator:
            buffer += delta
            hits = [index for s in stops if (index := buffer.find(s)) >= 0]
            if hits:
                if head := buffer[: min(hits)]:
                    yield head
                return
            if len(buffer) > hold:
                cut = len(buffer) - hold
                yield buffer[:cut]
                buffer = buffer[cut:]
        if buffer:
            yield buffer
    finally:
        close_quietly(iterator)


class Backend(ABC):
    """A loaded model that can stream text for a prompt."""

    #: backend kind, e.g. "transformers", "fake", "openai"
    kind: str = "abstract"
    #: Whether `count_tokens` uses the model's own tokenizer (False: an estimate).
    exact_token_count: bool = True
    #: Whether `log_likelihoods` works (local models only).
    scores_text: bool = False

    def __init__(self, model_id: str, profile: str, load_seconds: float = 0.0) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown prompt profile {profile!r}")
        self.model_id = model_id
        self.profile = profile
        self.load_seconds = load_seconds
        #: Importing the model's code, before `load_seconds` starts (local models only).
        self.import_seconds = 0.0
        #: For each generation run so far, the numbers it computed with, where known (provenance).
        self.precision_record: list[str] = []
        #: For each generation run so far, whether the watermark went into it (provenance).
        self.watermark_record: list[bool] = []

    @property
    def precision(self) -> str | None:
        """The numbers the model decodes with, where the backend knows them ("float32", …)."""
        return None

    @property
    def watermark_supported(self) -> bool:
        """Whether `GenerationParams.watermark` is honoured by this backend."""
        return False

    def weights_sha256(self) -> str | None:
        """A digest of the weights, for provenance; None where the backend cannot know it."""
        return None

    @abstractmethod
    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        """Yield the completion as text deltas, stopping at `prompt.stop`."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Number of tokens `text` takes in this model's tokenizer."""

    def generate(
        self, prompt: Prompt, params: GenerationParams, on_text: Callable[[str], None] | None = None
    ) -> Generation:
        started = time.perf_counter()
        stream = self.stream(prompt, params)
        parts: list[str] = []
        try:
            for delta in stream:
                parts.append(delta)
                if on_text is not None:
                    on_text(delta)
        finally:
            close_quietly(stream)
        seconds = time.perf_counter() - started
        text = "".join(parts)
        new_tokens = getattr(stream, "new_tokens", None)
        estimated = False
        if new_tokens is None:
            new_tokens = self.count_tokens(text)
            estimated = not self.exact_token_count
        finish_reason = getattr(stream, "finish_reason", "stop")
        return Generation(
            text=text,
            new_tokens=new_tokens,
            seconds=seconds,
            finish_reason=finish_reason,
            tokens_estimated=estimated,
        )

    def sample(
        self,
        prompt: Prompt,
        params: GenerationParams,
        n: int,
        on_text: Callable[[str], None] | None = None,
    ) -> list[Generation]:
        """`n` completions: one per seed (seed, seed+1, …). Backends may do better (beams)."""
        return [self.generate(prompt, params.with_seed(params.seed + i), on_text) for i in range(n)]

    def log_likelihoods(self, prefix: str, continuations: Sequence[str]) -> list[float]:
        """For each continuation, the sum of log P(its tokens | prefix)."""
        raise NotImplementedError(f"the {self.kind} backend does not score text")

    def close(self) -> None:
        """Release resources (threads, connections)."""
        return None
