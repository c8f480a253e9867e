from __future__ import annotations

import pytest

from galcli.errors import ModelUnavailable
from galcli.model.base import GenerationParams, Prompt
from galcli.model.fake import FakeBackend
from galcli.model.registry import load_backend
from galcli.settings import Settings


def backend(replies, **kwargs) -> FakeBackend:
    return FakeBackend.from_script({"replies": replies, **kwargs})


def test_first_matching_reply_wins_and_default_catches_the_rest() -> None:
    fake = backend([{"match": "ethanol", "text": "CCO"}, {"text": "fallback"}])
    params = GenerationParams()
    assert fake.generate(Prompt("name: ethanol"), params).text == "CCO"
    assert fake.generate(Prompt("name: water"), params).text == "fallback"


def test_reply_lists_give_one_text_per_sample() -> None:
    fake = backend([{"text": ["a", "b", "c"]}])
    texts = [g.text for g in fake.sample(Prompt("x"), GenerationParams(seed=0), 4)]
    assert texts == ["a", "b", "c", "a"]


def test_stop_strings_and_token_limit() -> None:
    fake = backend([{"text": "one two [END_REF] three"}])
    stopped = fake.generate(Prompt("q", stop=("[END_REF]",)), GenerationParams())
    assert stopped.text == "one two " and stopped.finish_reason == "stop"
    limited = fake.generate(Prompt("q"), GenerationParams(max_new_tokens=2))
    assert limited.text == "one two" and limited.new_tokens == 2
    assert limited.finish_reason == "length"


def test_streaming_yields_several_deltas() -> None:
    fake = backend([{"text": "alpha beta gamma"}])
    assert list(fake.stream(Prompt("q"), GenerationParams())) == ["alpha", " beta", " gamma"]


def test_bad_script_is_a_model_error() -> None:
    with pytest.raises(ModelUnavailable, match="profile"):
        backend([], profile="klingon")
    with pytest.raises(ModelUnavailable):
        FakeBackend.from_script({"replies": [{"no_text": 1}]})


def test_loaded_through_the_registry(fake_model) -> None:
    spec = fake_model([{"text": "hello"}], model_id="scripted")
    loaded = load_backend(Settings.defaults(model=spec))
    assert isinstance(loaded, FakeBackend) and loaded.model_id == "scripted"


@pytest.mark.parametrize(
    "spec, message", [("fake:", "needs a script"), ("fake:/no/such.json", "not found")]
)
def test_registry_errors_for_missing_scripts(spec: str, message: str) -> None:
    with pytest.raises(ModelUnavailable, match=message):
        load_backend(Settings.defaults(model=spec))
