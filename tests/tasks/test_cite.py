"""`galcli cite`: suggestions come only from the user's .bib, whatever the model says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from galcli.bib.load import load
from galcli.errors import ExitCode
from galcli.tasks.cite import Citer, CiteRequest

BIB = r"""
@article{vaswani2017attention,
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  title = {Attention Is All You Need},
  journal = {NeurIPS}, year = {2017},
  abstract = {The dominant sequence transduction models are based on recurrent networks.
              We propose the Transformer, based solely on attention mechanisms.}
}
@article{mobley2017predicting,
  author = {Mobley, David L. and Gilson, Michael K.},
  title = {Predicting Binding Free Energies: Frontiers and Benchmarks},
  journal = {Annu. Rev. Biophys.}, year = {2017},
  abstract = {Binding free energy calculations predict how strongly a ligand binds a protein.}
}
@article{jumper2021highly,
  author = {Jumper, John and Evans, Richard},
  title = {Highly Accurate Protein Structure Prediction with {AlphaFold}},
  journal = {Nature}, year = {2021},
  abstract = {Proteins are essential to life; AlphaFold predicts protein structures from sequence.}
}
@book{sutton2018reinforcement,
  author = {Sutton, Richard S. and Barto, Andrew G.},
  title = {Reinforcement Learning: An Introduction},
  publisher = {MIT Press}, year = {2018}
}
"""
KEYS = {
    "vaswani2017attention",
    "mobley2017predicting",
    "jumper2021highly",
    "sutton2018reinforcement",
}
INVENTED = [
    "Deep Residual Learning for Image Recognition, He",
    "Attention Is Not All You Need At All, Smith",
    "smith2019fake",
    "[99]",
    "Neural Machine Translation by Jointly Learning, Bahdanau",
]


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_retrieval_ranks_the_relevant_entry_first(cli, bib: Path) -> None:
    result = cli(
        "cite",
        "Transformers use attention instead of recurrent networks",
        "--bib",
        str(bib),
        "--no-model",
        "-f",
        "keys",
    )
    assert result.code == ExitCode.OK
    assert result.stdout.splitlines()[0] == "vaswani2017attention"


def test_galactica_proposal_matching_a_title_is_verified(cli, bib: Path, fake_model) -> None:
    model = fake_model(
        [
            {
                "text": [
                    "Highly accurate protein structure prediction with AlphaFold, Jumper [END_REF]",
                    "Reinforcement learning: an introduction, Sutton",
                ]
            }
        ]
    )
    result = cli(
        "cite",
        "Structure prediction of proteins from sequence",
        "--bib",
        str(bib),
        "-m",
        model,
        "--json",
    )
    doc = result.json()
    first = doc["suggestions"][0]
    assert first["key"] == "jumper2021highly" and first["verdict"] == "verified"
    assert first["source"] == "model+retrieval"
    sutton = next(s for s in doc["suggestions"] if s["key"] == "sutton2018reinforcement")
    assert sutton["verdict"] == "verified" and sutton["source"] == "model"
    assert doc["model"] == "fake-model" and doc["provenance"]["notice"]


def test_a_mismatch_proposal_is_rejected_everywhere(cli, bib: Path, fake_model) -> None:
    """Right title, wrong authors: rejected on stderr and in JSON, and not printed as the
    model's: the entry appears only because retrieval found it, as `unchecked`."""
    model = fake_model([{"text": "Attention is all you need, Hinton"}])
    result = cli("cite", "attention", "--bib", str(bib), "-m", model, "--json")
    doc = result.json()
    top = doc["suggestions"][0]
    assert top["key"] == "vaswani2017attention"
    assert top["verdict"] == "unchecked" and top["source"] == "retrieval"
    assert all(s["verdict"] != "mismatch" for s in doc["suggestions"])
    rejected = doc["rejected"][0]
    assert rejected["verdict"] == "mismatch" and "authors differ" in rejected["reason"]
    assert rejected["key"] == "vaswani2017attention"
    assert "model proposal rejected (mismatch)" in result.stderr


def printed_keys(stdout: str, fmt: str) -> list[str]:
    if fmt == "json":
        return [s["key"] for s in json.loads(stdout)["suggestions"]]
    if fmt == "latex":
        return (
            stdout.strip().removeprefix("\\citep{").removesuffix("}").split(",") if stdout else []
        )
    return [line.split()[0] for line in stdout.splitlines()]  # keys and text: key first


@pytest.mark.parametrize("profile", ["galactica", "chat"])
@pytest.mark.parametrize("fmt", ["keys", "latex", "text", "json"])
def test_invented_references_are_never_printed(
    cli, bib: Path, fake_model, profile: str, fmt: str
) -> None:
    model = fake_model([{"text": INVENTED}], profile=profile)
    result = cli(
        "cite",
        "Deep residual networks for image recognition",
        "--bib",
        str(bib),
        "-m",
        model,
        "-f",
        fmt,
        "-k",
        "10",
    )
    assert set(printed_keys(result.stdout, fmt)) <= KEYS
    shown = json.dumps(json.loads(result.stdout)["suggestions"]) if fmt == "json" else result.stdout
    for invented in ("Residual", "smith2019fake", "Bahdanau", "Not All"):
        assert invented not in shown
    assert "rejected" in result.stderr


def test_only_bib_keys_reach_stdout_for_any_invented_proposal(bib: Path, fake_model) -> None:
    from galcli.model.fake import FakeBackend

    entries = list(load([bib]).entries.values())
    backend = FakeBackend.from_script({"replies": [{"text": INVENTED}]})
    result = Citer(entries, backend).suggest(
        CiteRequest("image recognition with residual networks", k=10)
    )
    assert {s.key for s in result.suggestions} <= KEYS
    assert {r.proposal for r in result.rejected} >= {
        "Deep Residual Learning for Image Recognition, He"
    }
    assert all(r.verdict == "not_in_bib" for r in result.rejected)


def test_a_proposal_the_model_repeats_is_rejected_once(cli, bib: Path, fake_model) -> None:
    model = fake_model(
        [{"text": "An Invented Paper, Nobody\nAn Invented Paper, Nobody"}], profile="chat"
    )
    result = cli("cite", "attention", "--bib", str(bib), "-m", model, "--json")
    assert [r["proposal"] for r in result.json()["rejected"]] == ["An Invented Paper, Nobody"]
    assert result.stderr.count("model proposal rejected") == 1


def test_chat_picks_by_number(bib: Path) -> None:
    from galcli.model.fake import FakeBackend

    entries = list(load([bib]).entries.values())
    backend = FakeBackend.from_script({"profile": "chat", "replies": [{"text": "2, 7"}]})
    citer = Citer(entries, backend, dense=False)
    result = citer.suggest(
        CiteRequest("binding free energies of ligands and protein structure", k=3)
    )
    prompt = backend.prompts[0].chat_messages()[-1].content
    assert "Numbers to cite" in prompt
    # The expected key comes from what the model was shown, not from the ranking code.
    second = next(line for line in prompt.splitlines() if line.startswith("[2] "))
    titles = {
        "Predicting Binding Free Energies": "mobley2017predicting",
        "Highly Accurate Protein Structure": "jumper2021highly",
        "Attention Is All You Need": "vaswani2017attention",
        "Reinforcement Learning": "sutton2018reinforcement",
    }
    expected = next(key for title, key in titles.items() if second[4:].startswith(title))
    assert result.suggestions[0].key == expected  # the model's first pick leads
    assert result.suggestions[0].verdict == "picked"  # chosen from a list: not "verified"
    assert result.suggestions[0].source == "model+retrieval"
    assert [r.reason for r in result.rejected] == ["there is no paper [7] in the list"]


def test_latex_and_keys_formats(cli, bib: Path) -> None:
    keys = cli(
        "cite",
        "protein structure prediction",
        "-b",
        str(bib),
        "--no-model",
        "-f",
        "keys",
        "-k",
        "1",
    )
    assert keys.stdout == "jumper2021highly\n"
    latex = cli(
        "cite",
        "protein structure and binding free energies",
        "-b",
        str(bib),
        "--no-model",
        "-f",
        "latex",
        "-k",
        "2",
        "--cite-command",
        "parencite",
    )
    assert latex.stdout.startswith("\\parencite{") and latex.stdout.count(",") == 1


def test_nothing_to_suggest_exits_1(cli, bib: Path) -> None:
    result = cli("cite", "zzzz qqqq", "-b", str(bib), "--no-model")
    assert result.code == ExitCode.FINDINGS and result.stdout == ""
    assert "no entry" in result.stderr


def test_batch_writes_json_lines_in_order(cli, bib: Path, tmp_path: Path, fake_model) -> None:
    batch = tmp_path / "sentences.txt"
    batch.write_text(
        'attention and transformers\n\n{"text": "protein structure prediction"}\n'
        "reinforcement learning introduction\n"
    )
    model = fake_model([{"text": "Invented Title Of Nothing At All, Nobody"}])
    result = cli("cite", "--batch", str(batch), "-b", str(bib), "-m", model)
    lines = result.json_lines()
    assert [line["line"] for line in lines] == [1, 3, 4]  # lines of the file: the blank one skipped
    assert [line["suggestions"][0]["key"] for line in lines] == [
        "vaswani2017attention",
        "jumper2021highly",
        "sutton2018reinforcement",
    ]
    assert "3 model proposals were left out" in result.stderr


def test_bad_inputs(cli, bib: Path, tmp_path: Path) -> None:
    assert cli("cite", "x", "--no-model").code == ExitCode.USAGE  # no --bib
    missing = cli("cite", "x", "-b", str(tmp_path / "none.bib"), "--no-model")
    assert missing.code == ExitCode.BAD_INPUT and "bibliography not found" in missing.stderr
    empty = tmp_path / "empty.bib"
    empty.write_text("% nothing\n")
    assert cli("cite", "x", "-b", str(empty), "--no-model").code == ExitCode.BAD_INPUT
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"txt": 1}\n')
    bad = cli("cite", "--batch", str(batch), "-b", str(bib), "--no-model")
    assert bad.code == ExitCode.BAD_INPUT and "b.jsonl:1" in bad.stderr
    assert cli("cite", "x", "--batch", str(batch), "-b", str(bib)).code == ExitCode.USAGE


def test_batch_reports_a_line_without_text_and_goes_on(cli, bib: Path, tmp_path: Path) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        '{"id": "s1", "text": "attention and transformers"}\n{"txt": "no text"}\n'
        '{"id": 7, "text": "protein structure prediction"}\n'
    )
    result = cli("cite", "--batch", str(batch), "-b", str(bib), "--no-model")
    lines = result.json_lines()
    assert result.code == ExitCode.OK
    assert [(line["line"], line["id"]) for line in lines] == [(1, "s1"), (3, 7)]
    assert f"{batch}:2" in result.stderr and '"text"' in result.stderr


def test_batch_with_latex_format_is_a_usage_error(cli, bib: Path, tmp_path: Path) -> None:
    batch = tmp_path / "b.txt"
    batch.write_text("attention\n")
    result = cli("cite", "--batch", str(batch), "-b", str(bib), "-f", "latex")
    assert result.code == ExitCode.USAGE and "-f latex" in result.stderr


def test_authors_keep_their_names_as_written(cli, tmp_path: Path) -> None:
    bib = tmp_path / "names.bib"
    bib.write_text(
        "@article{k, title = {Zeolite membranes\n  for water},"
        " author = {M{\\\"u}ller, Hans and O'Brien, Pat and Juan de la Cruz}, year = {2020}}\n"
        "@article{m, title = {Model cards}, author = {McMillan-Major, Angelina}, year = {2019}}\n"
    )
    doc = cli("cite", "zeolite membranes model cards", "-b", str(bib), "--no-model", "--json")
    authors = {s["key"]: s["authors"] for s in doc.json()["suggestions"]}
    assert authors == {"k": "Müller, O'Brien, de la Cruz", "m": "McMillan-Major"}
    text = cli("cite", "zeolite membranes", "-b", str(bib), "--no-model", "-f", "text")
    assert text.stdout.splitlines()[0].split() == [
        "k", "unchecked", "Zeolite", "membranes", "for", "water", "(2020)"
    ]  # fmt: skip


TEX = r"""\documentclass{article}
\title{Learning protein structures}
\begin{document}
\maketitle
\section{Background}
Proteins fold into structures that AlphaFold predicts from sequence \citep{?}.
Attention \cite{vaswani2017attention, ?} predicts protein structures.

Protein structure prediction was transformed by deep learning \citep{}.

Reinforcement learning agents improve by trial and error. % TODO cite
% \cite{?} in a comment is not a placeholder
\begin{verbatim}
\cite{?}
\end{verbatim}
\bibliography{refs}
\end{document}
"""


@pytest.fixture
def paper(tmp_path: Path, bib: Path) -> Path:
    main = tmp_path / "paper.tex"
    main.write_text(TEX, encoding="utf-8")
    return main


def test_tex_fills_placeholders_in_document_order(cli, paper: Path, monkeypatch) -> None:
    monkeypatch.chdir(paper.parent)
    result = cli("cite", "--tex", "paper.tex", "-k", "1")
    assert result.code == ExitCode.OK
    lines = TEX.splitlines()

    def at(number: int, text: str, offset: int = 0) -> str:
        """gcc style: the 1-based column of the placeholder key (`offset` into `text`), the
        column `galcli check` gives the same placeholder."""
        return f"paper.tex:{number}:{lines[number - 1].index(text) + offset + 1}: "

    out = result.stdout.splitlines()
    assert out[0] == at(6, "\\citep{?}", 7) + "\\citep{jumper2021highly}"
    assert out[1].startswith(at(7, "?}") + "\\cite{vaswani2017attention,")
    assert out[1].count("vaswani2017attention") == 1  # already cited: not suggested again
    assert out[2] == at(9, "\\citep{}", 7) + "\\citep{jumper2021highly}"
    assert out[3] == at(11, "% TODO") + "\\citep{sutton2018reinforcement}"
    assert len(out) == 4  # the commented and verbatim \cite{?} are not placeholders


def test_tex_json_lines(cli, paper: Path) -> None:
    lines = cli("cite", "--tex", str(paper), "--json", "-k", "2").json_lines()
    assert [(line["line"], line["command"]) for line in lines] == [
        (6, "\\citep"),
        (7, "\\cite"),
        (9, "\\citep"),
        (11, "\\citep"),
    ]
    assert lines[0]["sentence"].startswith("Proteins fold into structures")
    assert lines[0]["suggestions"][0]["key"] == "jumper2021highly"
    assert {"key", "title", "verdict", "authors"} <= set(lines[0]["suggestions"][0])
    assert lines[0]["rejected"] == []


def test_tex_diff_applies_with_git_and_patch(cli, paper: Path, monkeypatch) -> None:
    import shutil
    import subprocess

    monkeypatch.chdir(paper.parent)
    before = paper.read_text()
    result = cli("cite", "--tex", "paper.tex", "-k", "1", "--diff")
    assert result.code == ExitCode.OK and paper.read_text() == before  # never modified
    patch = paper.parent / "fill.diff"
    patch.write_text(result.stdout)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=paper.parent, check=True)
        subprocess.run(["git", "apply", "--check", "fill.diff"], cwd=paper.parent, check=True)
    if shutil.which("patch"):
        subprocess.run(["patch", "-p1", "-s", "-i", "fill.diff"], cwd=paper.parent, check=True)
        after = paper.read_text()
        assert "\\citep{jumper2021highly}." in after
        assert "trial and error~\\citep{sutton2018reinforcement}." in after
        assert "% \\cite{?} in a comment" in after and "\\citep{?}" not in after


def test_tex_without_placeholders_says_so(cli, tmp_path: Path, bib: Path) -> None:
    main = tmp_path / "done.tex"
    main.write_text("Attention \\cite{vaswani2017attention}.\n\\bibliography{refs}\n")
    result = cli("cite", "--tex", str(main))
    assert result.code == ExitCode.OK and result.stdout == ""
    assert "no citation placeholder" in result.stderr


def test_tex_exit_codes(cli, tmp_path: Path, bib: Path) -> None:
    main = tmp_path / "nothing.tex"
    main.write_text("Zzzz qqqq \\cite{?}.\n\\bibliography{refs}\n")
    result = cli("cite", "--tex", str(main))
    assert result.code == ExitCode.FINDINGS and "no entry fits" in result.stderr
    assert cli("cite", "--tex", str(tmp_path / "missing.tex")).code == ExitCode.BAD_INPUT
    nobib = tmp_path / "nobib.tex"
    nobib.write_text("Attention \\cite{?}.\n")
    assert cli("cite", "--tex", str(nobib)).code == ExitCode.BAD_INPUT
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a, title={Unclosed\n", encoding="utf-8")
    unreadable = cli("cite", "--tex", str(main), "--bib", str(broken))
    assert unreadable.code == ExitCode.BAD_INPUT
    assert "no entries: " in unreadable.stderr and "cannot parse entry 'a'" in unreadable.stderr
    assert cli("cite", "--diff", "x", "-b", str(bib)).code == ExitCode.USAGE
    assert cli("cite", "--tex", str(main), "-f", "latex").code == ExitCode.USAGE


@pytest.mark.parametrize("profile", ["galactica", "chat"])
def test_tex_with_a_lying_model_prints_only_bib_keys(
    cli, paper: Path, fake_model, profile: str
) -> None:
    model = fake_model([{"text": INVENTED}], profile=profile)
    result = cli("cite", "--tex", str(paper), "-m", model, "--json", "-k", "10")
    lines = result.json_lines()
    assert len(lines) == 4
    for line in lines:
        assert {s["key"] for s in line["suggestions"]} <= KEYS
    assert "Residual" not in json.dumps([line["suggestions"] for line in lines])
    assert "rejected" in result.stderr


def test_cite_through_a_tiny_galactica_model(cli, bib: Path, tiny_galactica: Path) -> None:
    """The beam/sampling and likelihood paths of a Galactica-profile model run end to end;
    whatever the untrained model writes, only .bib keys are printed."""
    result = cli(
        "cite", "protein structure prediction", "-b", str(bib), "-m", str(tiny_galactica),
        "--json", "--max-new-tokens", "8",
    )  # fmt: skip
    doc = result.json()
    assert doc["model"] and doc["suggestions"]
    assert {s["key"] for s in doc["suggestions"]} <= KEYS
    assert "likelihood" in doc["suggestions"][0]["source"] or any(
        "likelihood" in s["source"] for s in doc["suggestions"]
    )


def test_relevance_floor_says_no_entry_fits(cli, bib: Path) -> None:
    """One common word in a long sentence about something else: ranked, but nothing fits."""
    unrelated = " ".join(f"quagga{i} okapi{i} zebra{i}" for i in range(20)) + " attention"
    result = cli("cite", unrelated, "-b", str(bib), "--no-model", "--json")
    assert result.code == ExitCode.FINDINGS
    doc = result.json()
    assert doc["suggestions"] == [] and doc["no_entry_fits"] is True
    fitting = cli("cite", "attention networks", "-b", str(bib), "--no-model", "--json").json()
    assert fitting["suggestions"][0]["key"] == "vaswani2017attention"
    assert fitting["no_entry_fits"] is False


def test_tex_without_a_model_imports_no_torch(paper: Path) -> None:
    """The default (no -m) loads no model: `cite --tex` stays a retrieval run."""
    import subprocess
    import sys

    code = (
        "import contextlib, io, sys\nfrom galcli.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    try: main(['cite', '--tex', {str(paper)!r}, '--no-log'])\n"
        "    except SystemExit: pass\n"
        "print(out.getvalue().count('\\\\cite'), "
        "','.join(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4"]  # four placeholders filled, and no torch
