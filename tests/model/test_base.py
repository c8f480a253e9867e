from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from galcli.model.base import CHAT, GALACTICA, GenerationParams, Message, Prompt, cut_at_stops


def test_cut_at_stop_split_across_deltas() -> None:
    deltas = ["Attention is all ", "you need [EN", "D_REF] and more"]
    assert "".join(cut_at_stops(deltas, ["[END_REF]"])) == "Attention is all you need "


def test_cut_without_stops_passes_everything() -> None:
    assert list(cut_at_stops(["a", "b"], [])) == ["a", "b"]


def test_cut_picks_earliest_of_several_stops() -> None:
    assert "".join(cut_at_stops(["x</s>y[END_REF]"], ["[END_REF]", "</s>"])) == "x"


def test_cut_closes_the_source_when_stopping_early() -> None:
    closed = []

    def source():
        try:
            yield "abc STOP"
            yield "never"
        finally:
            closed.append(True)

    assert "".join(cut_at_stops(source(), ["STOP"])) == "abc "
    assert closed == [True]


@given(st.lists(st.text(max_size=8), max_size=12), st.text(min_size=1, max_size=5))
def test_cut_equals_cutting_the_joined_text(deltas: list[str], stop: str) -> None:
    joined = "".join(deltas)
    expected = joined[: joined.find(stop)] if stop in joined else joined
    assert "".join(cut_at_stops(deltas, [stop])) == expected


def test_prompt_chat_messages_default_to_raw_as_user_turn() -> None:
    prompt = Prompt(raw="Explain E=mc^2")
    assert prompt.chat_messages() == (Message("user", "Explain E=mc^2"),)
    assert prompt.text_for(GALACTICA) == "Explain E=mc^2"
    assert prompt.text_for(CHAT) == "user: Explain E=mc^2"


def test_params_greedy_and_seed() -> None:
    params = GenerationParams(temperature=0.0, seed=3)
    assert params.greedy
    assert params.with_seed(9).seed == 9 and params.seed == 3
    assert not GenerationParams(temperature=0.7).greedy
