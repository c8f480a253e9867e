"""The `openai` backend: any OpenAI-compatible inference server (vLLM, TGI, llama.cpp's server,
`transformers serve`) for models too big for the local machine.

`--model openai:NAME --base-url URL` (or GALCLI_BASE_URL); the API key comes from GALCLI_API_KEY
only, so it never appears in shell history or galcli's run history. Galactica models are sent
raw prompts through /v1/completions; instruction models get /v1/chat/completions. The official
`openai` client does the server-sent-event parsing, timeouts and retries (with backoff on 429
and 5xx). Verification still runs locally; remote generation cannot be watermarked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from galcli.errors import ModelUnavailable
from galcli.model.base import (
    CHAT,
    Backend,
    GenerationParams,
    Prompt,
    TokenStream,
    close_quietly,
    cut_at_stops,
)
from galcli.model.profiles import profile_of_served_model

if TYPE_CHECKING:
    from galcli.model.registry import ModelSpec, Notify
    from galcli.settings import Settings

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
MAX_RETRIES = 3
TIMEOUT_SECONDS = 120.0
MAX_STOP_STRINGS = 4  # the OpenAI API accepts at most four


class OpenAIBackend(Backend):
    kind = "openai"
    exact_token_count = False  # no tokenizer here: the server's usage report is the count

    def __init__(self, client: Any, model: str, *, base_url: str, profile: str) -> None:
        super().__init__(model_id=f"openai:{model}", profile=profile)
        self.client = client
        self.model = model
        self.base_url = base_url

    def count_tokens(self, text: str) -> int:
        """An estimate (whitespace-separated words): there is no tokenizer on this side."""
        return len(text.split())

    def _request(self, prompt: Prompt, params: GenerationParams) -> Any:
        arguments: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "seed": params.seed,
            "stream": True,
            # Ask for the usage report in the last chunk: the exact token count.
            "stream_options": {"include_usage": True},
        }
        if not params.greedy:
            arguments["top_p"] = params.top_p
        if prompt.stop:
            arguments["stop"] = list(prompt.stop[:MAX_STOP_STRINGS])
        if params.repetition_penalty != 1.0:
            arguments["extra_body"] = {"repetition_penalty": params.repetition_penalty}
        with self._errors():
            if self.profile == CHAT:
                messages = [{"role": m.role, "content": m.content} for m in prompt.chat_messages()]
                return self.client.chat.completions.create(messages=messages, **arguments)
            return self.client.completions.create(prompt=prompt.raw, **arguments)

    def stream(self, prompt: Prompt, params: GenerationParams) -> Iterator[str]:
        result = TokenStream(iter(()))

        def deltas() -> Iterator[str]:
            response = self._request(prompt, params)
            try:
                with self._errors():
                    for chunk in response:
                        usage = getattr(chunk, "usage", None)
                        if usage is not None and getattr(usage, "completion_tokens", None):
                            result.new_tokens = int(usage.completion_tokens)
                        for choice in chunk.choices or []:
                            if choice.finish_reason == "length":
                                result.finish_reason = "length"
                            text = (
                                choice.delta.content
                                if self.profile == CHAT
                                else getattr(choice, "text", None)
                            )
                            if text:
                                yield text
            finally:
                close_quietly(response)

        result.deltas = cut_at_stops(deltas(), prompt.stop)
        return result

    def close(self) -> None:
        self.client.close()

    def _errors(self) -> Any:
        return _translate_errors(self.model, self.base_url)


class _translate_errors:
    """Map the client's exceptions to exit-4 errors that say what to do."""

    def __init__(self, model: str, base_url: str) -> None:
        self.model = model
        self.base_url = base_url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        if error is None:
            return
        import openai

        where = self.base_url
        if isinstance(error, openai.APITimeoutError):
            raise ModelUnavailable(
                f"the server at {where} did not answer in time",
                hint="the model may be loading or overloaded; try again, or ask for fewer tokens",
            ) from error
        if isinstance(error, openai.APIConnectionError):
            raise ModelUnavailable(
                f"cannot reach the inference server at {where}",
                hint="start the server, or set --base-url / GALCLI_BASE_URL to where it listens",
            ) from error
        if isinstance(error, (openai.AuthenticationError, openai.PermissionDeniedError)):
            raise ModelUnavailable(
                f"the server at {where} refused the API key",
                hint="set GALCLI_API_KEY to a key the server accepts",
            ) from error
        if isinstance(error, openai.NotFoundError):
            raise ModelUnavailable(
                f"the server at {where} has no model {self.model!r}",
                hint="`curl BASE_URL/models` lists what it serves",
            ) from error
        if isinstance(error, openai.RateLimitError):
            raise ModelUnavailable(
                f"the server at {where} is still overloaded after {MAX_RETRIES} retries (429)",
                hint="try again later, or lower --concurrency",
            ) from error
        if isinstance(error, openai.APIStatusError):
            detail = _detail(error)
            raise ModelUnavailable(
                f"the server at {where} answered {error.status_code}: {detail}",
                hint="check the model name and the server's log",
            ) from error


def _detail(error: Any) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        for key in ("detail", "message", "error"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if value:
                return str(value)
    return str(getattr(error, "message", error)).splitlines()[0]


def load(spec: ModelSpec, settings: Settings, notify: Notify) -> OpenAIBackend:
    if not spec.name:
        raise ModelUnavailable("openai: needs a model name", hint="use --model openai:MODEL")
    try:
        import openai
    except ImportError as exc:
        raise ModelUnavailable(
            "the openai client is not installed",
            hint='install it with: pip install "galcli[openai]"',
        ) from exc
    base_url = settings.base_url or DEFAULT_BASE_URL
    client = openai.OpenAI(
        base_url=base_url,
        api_key=os.environ.get("GALCLI_API_KEY") or "none",
        max_retries=MAX_RETRIES,
        timeout=TIMEOUT_SECONDS,
    )
    backend = OpenAIBackend(
        client,
        spec.name,
        base_url=base_url,
        profile=profile_of_served_model(spec.name, settings.profile),
    )
    with backend._errors():
        try:
            served = [model.id for model in client.models.list()]
        except openai.NotFoundError:
            served = []  # a server without /v1/models: the first request will tell
    if served and spec.name not in served:
        raise ModelUnavailable(
            f"the server at {base_url} has no model {spec.name!r}",
            hint=f"it serves: {', '.join(served[:8])}",
        )
    return backend
