from galcli.latex.sentences import complete_sentences, sentence_at, split_sentences


def test_abbreviations_initials_and_numbers_do_not_end_a_sentence() -> None:
    text = (
        "Smith et al. showed this in Fig. 3. J. Doe disagreed (e.g. in 2010). "
        "The gap was 3.5 eV! Is it? Yes. See Eq. 2 and Refs. 4-6 for details."
    )
    assert split_sentences(text) == [
        "Smith et al. showed this in Fig. 3.",
        "J. Doe disagreed (e.g. in 2010).",
        "The gap was 3.5 eV!",
        "Is it?",
        "Yes.",
        "See Eq. 2 and Refs. 4-6 for details.",
    ]


def test_a_sentence_may_start_with_a_latex_command_or_a_bracket() -> None:
    assert split_sentences(r"It converges. \citet{a} proved it. (Later work agreed.)") == [
        "It converges.",
        r"\citet{a} proved it.",
        "(Later work agreed.)",
    ]


def test_sentence_at_finds_the_sentence_around_an_offset() -> None:
    text = "First one. Second one, cited~\\cite{?}. Third."
    start, end = sentence_at(text, text.index("?"))
    assert text[start:end] == "Second one, cited~\\cite{?}."


def test_complete_sentences_counts_only_ended_ones_in_a_stream() -> None:
    assert complete_sentences("It works. Fig. 2 and ") == 1
    assert complete_sentences("It works. Fig. 2 shows it. ") == 2
    assert complete_sentences("It works") == 0
