"""A scripted backend: replies come from a JSON file instead of a model.

It is registered like any other backend, so `galcli cite --model fake:replies.json …` runs the
real command end to end without weights. The test suite uses it to prove properties that must not
depend on luck (for instance: an invented reference is never printed as a key), and pipeline
authors can use it to dry-run scripts.

Script format::

    {
      "profile": "galactica",           # or "chat": which prompt dialect to answer
      "model_id": "fake-galactica",     # shown in provenance and history
      "delay": 0.0,                     # seconds per token, to watch streaming or test Ctrl-C
      "replies": [
        {"match": "ethanol", "text": "CCO[END_I_SMILES]"},
        {"match": "benzene", "text": ["c1ccccc1", "C1=CC=CC=C1"]},   # one per seed / sample
        {"text": "the reply when nothing else matches"}
      ]
    }

The first reply whose `match` occurs in the prompt (its raw or chat text) is used; a reply
without `match` matches everything. A list of texts gives sample `i` the text `i mod len`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from galcli.errors import ModelUnavailable
from galcli.model.base import (
    CHAT,
    GALACTICA,
    Backend,
    GenerationParams,
    Prompt,
    TokenStream,
    cut_at_stops,
)

if TYPE_CHECKING:
    from galcli.model.registry import ModelSpec, Notify
    from galcli.settings import Settings

_TOKEN = re.compile(r"\s*\S+|\s+")


@dataclass(frozen=True)
class Reply:
    texts: tuple[str, ...]
    match: str | None = None


class FakeBackend(Backend):
    kind = "fake"

    def __init__(
        self,
        replies: list[Reply],
        *,
        profile: str = GALACTICA,
        model_id: str = "fake",
        delay: float = 0.0,
    ) -> None:
        super().__init__(model_id=model_id, profile=profile)
        self.replies = replies
        self.delay = delay
        self.prompts: list[Prompt] = []  # what was asked, for tests to inspect

    @classmethod
    def from_script(cls, data: dict[str, Any], *, source: str = "script") -> FakeBackend:
        try:
            replies = []
            for item in data.get("replies", []):
                text = item["text"]
                texts = (text,) if isinstance(text, str) else tuple(str(t) for t in text)
                if not texts:
                    raise ValueError("a reply's text list is empty")
                replies.append(Reply(texts=texts, match=item.get("match")))
            profile = data.get("profile", GALACTICA)
            if profile not in (GALACTICA, CHAT):
                raise ValueError(f"profile must be {GALACTICA!r} or {CHAT!r}")
            return cls(
                replies,
                profile=profile,
                model_id=str(data.get("model_id", "fake")),
                delay=float(data.get("delay", 0.0)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelUnavailable(
                f"invalid fake-backend script {source}: {exc}",
                hint="see galcli/model/fake.py for the script format",
            ) from exc

    def _reply(self, prompt: Prompt, seed: int) -> str:
        haystacks = (prompt.raw, prompt.text_for(CHAT))
        for reply in self.replies:
            if reply.match is None or any(reply.match in text for text in haystacks):
                return reply.texts[seed % len(reply.texts)]
        return ""

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        self.prompts.append(prompt)
        tokens = _TOKEN.findall(self._reply(prompt, params.seed))
        result = TokenStream(iter(()))

        def deltas() -> Iterator[str]:
            emitted = 0
            try:
                for token in tokens[: params.max_new_tokens]:
                    if self.delay:
                        time.sleep(self.delay)
                    emitted += 1
                    yield token
            finally:
                result.new_tokens = emitted
                if emitted >= params.max_new_tokens and len(tokens) > params.max_new_tokens:
                    result.finish_reason = "length"

        result.deltas = cut_at_stops(deltas(), prompt.stop)
        return result


def load(spec: ModelSpec, settings: Settings, notify: Notify) -> FakeBackend:
    if not spec.name:
        raise ModelUnavailable(
            "the fake backend needs a script file",
            hint="use --model fake:replies.json (format: galcli/model/fake.py)",
        )
    path = Path(spec.name).expanduser()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelUnavailable(
            f"fake-backend script not found: {path}", hint="check the path after 'fake:'"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelUnavailable(
            f"cannot read fake-backend script {path}: {exc}",
            hint="the script must be a JSON object; see galcli/model/fake.py",
        ) from exc
    if not isinstance(data, dict):
        raise ModelUnavailable(
            f"fake-backend script {path} is not a JSON object",
            hint="see galcli/model/fake.py for the format",
        )
    return FakeBackend.from_script(data, source=str(path))
