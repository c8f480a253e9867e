"""bench/lsp.py: `galcli lsp` as an editor sees it, over stdio (pygls's own client).

Completion ranking: in a copy of each paper in ../shared/corpora/latex, the keys of 30 random
cite commands (fixed seed, as bench/cite.py) are removed (`\\cite{}`); the copy is opened and a
completion is asked for inside each emptied key list; a hit is a removed key among the first 5
items (by sortText). Baseline, same answers: the keys in alphabetical order, as texlab lists
them. Once with sentence embeddings (when installed) and once with BM25 alone
(GALCLI_NO_EMBEDDINGS=1).

Latency: completion and hover at 100 citations of a paper whose .bib holds the corpus papers'
.bib files together (1,000+ entries), after the first request; median and 95th percentile.
Baseline, same run: a hover where there is nothing to show (the protocol's round trip).

Re-check: a 100-file project (the corpus papers' text cut into 100 \\input files, the same
1,000-entry .bib): an undefined key typed into one file, the time until the client has its
diagnostic (debounce 0). Baseline, same run: `galcli check` on the same project, from the
command line (warm .bib cache).

    python bench/lsp.py [--corpora PATH] [--skip-dense]

The machine is shared (2 cores, several engineers): times are as measured, noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import CORPORA, ROOT, galcli_command, time_command

from galcli.latex.project import scan_project

PAPERS = {
    "sympy": ("sympy_peerj2017", "paper.tex"),
    "scipy": ("scipy_1.0_natmeth2020", "paper.tex"),
    "simoulin": ("simoulin_phd_thesis_biblatex", "main.tex"),
    "mobley": ("mobley_benchmarksets_perpetual_review", "benchmarkset.tex"),
}
HIDDEN = 30
SEED = 17
FILES = 100
REQUESTS = 100


def hide(source: Path, main_name: str, into: Path, paper: str) -> tuple[Path, list, list[str]]:
    """A copy of the paper with HIDDEN random cite commands' keys removed: (main, [(file,
    offset inside the braces, gold keys)], every key of its .bib)."""
    copy = into / source.name
    shutil.copytree(source, copy)
    main = copy / main_name
    project = scan_project(main)
    from galcli.bib.load import dialect_of, load, project_files

    defined = set(load(project_files(project), dialect_of(project)).entries)
    commands: dict[tuple[str, int], list] = {}
    for c in project.citations:
        if c.end > c.start and not c.command.startswith("\\nocite"):
            commands.setdefault((c.file, c.command_start), []).append(c)
    usable = [cs for cs in commands.values() if {c.key for c in cs} & defined]
    usable = [cs for cs in usable if cs[0].start < cs[-1].end]
    chosen = random.Random(f"{SEED}-{paper}").sample(usable, min(HIDDEN, len(usable)))
    places = []
    for file in {cs[0].file for cs in chosen}:
        path = Path(file)
        text = path.read_text(encoding="utf-8")
        mine = sorted((cs for cs in chosen if cs[0].file == file), key=lambda cs: cs[0].start)
        for cs in reversed(mine):
            text = text[: cs[0].start] + text[cs[-1].end :]
        path.write_text(text, encoding="utf-8")
        shift = 0
        for cs in mine:
            places.append((path, cs[0].start - shift, {c.key for c in cs} & defined))
            shift += cs[-1].end - cs[0].start
    return main, places, sorted(defined)


def position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


class Client:
    """pygls's client on `galcli lsp`, collecting diagnostics and log messages."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        from lsprotocol import types
        from pygls.lsp.client import LanguageClient

        self.types = types
        self.root, self.env = root, env
        self.client = LanguageClient("bench", "1")
        self.diagnostics: dict[str, list] = {}
        self.logs: list[str] = []

        def diagnostics(params) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)

        def log(params) -> None:
            self.logs.append(params.message)

        self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(diagnostics)
        self.client.feature(types.WINDOW_LOG_MESSAGE)(log)

    async def start(self) -> None:
        t = self.types
        await self.client.start_io(
            sys.executable, "-m", "galcli", "lsp", env=self.env, cwd=str(ROOT)
        )
        self.stderr = asyncio.ensure_future(self._drain())
        await self.client.initialize_async(
            t.InitializeParams(
                capabilities=t.ClientCapabilities(),
                root_uri=self.root.as_uri(),
                initialization_options={"galcli": {"debounce": 0}},
            )
        )
        self.client.initialized(t.InitializedParams())

    def open(self, path: Path, text: str | None = None) -> str:
        t = self.types
        text = path.read_text(encoding="utf-8") if text is None else text
        item = t.TextDocumentItem(uri=path.as_uri(), language_id="latex", version=1, text=text)
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=item))
        return text

    def change(self, path: Path, text: str, version: int) -> None:
        t = self.types
        self.client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                text_document=t.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def wait(self, predicate, timeout: float = 300.0) -> float:
        started = time.perf_counter()
        while not predicate():
            if time.perf_counter() - started > timeout:
                raise SystemExit("timed out waiting for the server")
            await asyncio.sleep(0.002)
        return time.perf_counter() - started

    async def completion(self, path: Path, line: int, character: int) -> list[str]:
        t = self.types
        answer = await self.client.text_document_completion_async(
            t.CompletionParams(
                text_document=t.TextDocumentIdentifier(uri=path.as_uri()),
                position=t.Position(line=line, character=character),
            )
        )
        items = answer.items if isinstance(answer, t.CompletionList) else answer or []
        return [i.label for i in sorted(items, key=lambda i: i.sort_text or "")]

    async def hover(self, path: Path, line: int, character: int):
        t = self.types
        return await self.client.text_document_hover_async(
            t.HoverParams(
                text_document=t.TextDocumentIdentifier(uri=path.as_uri()),
                position=t.Position(line=line, character=character),
            )
        )

    async def _drain(self) -> None:
        """Read what the server writes to stderr (pygls's client pipes it and never reads it:
        a full pipe would stop the server), and show it."""
        server = self.client._server
        while server is not None and server.stderr is not None:
            line = await server.stderr.readline()
            if not line:
                break
            sys.stderr.write(line.decode("utf-8", "replace"))

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await asyncio.sleep(0.2)
        await self.client.stop()


def server_env(home: Path, dense: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "GALCLI_NO_EMBEDDINGS"}
    env["PYTHONPATH"] = str(ROOT)
    env["GALCLI_CONFIG_DIR"] = str(home / "config")
    env["GALCLI_DATA_DIR"] = str(home / "data")
    if not dense:
        env["GALCLI_NO_EMBEDDINGS"] = "1"
    return env


def hit(keys: list[str], gold: set[str]) -> float:
    folded = {g.lower() for g in gold}
    return float(bool(folded & {k.lower() for k in keys[:5]}))


async def ranking(corpora: Path, scratch: Path, dense: bool) -> dict[str, tuple[float, float, int]]:
    """paper -> (hit@5 of galcli lsp, hit@5 of alphabetical order, placeholders)."""
    results = {}
    for paper, (folder, main_name) in PAPERS.items():
        main, places, keys = hide(corpora / "latex" / folder, main_name, scratch / paper, paper)
        results[paper] = await rank_paper(main, places, keys, scratch, dense)
    return results


async def rank_paper(
    main: Path, places: list, keys: list[str], scratch: Path, dense: bool
) -> tuple[float, float, int]:
    """hit@5 of the server's completion, and of the .bib's keys in alphabetical order (what
    texlab offers in an empty key list: every key, by name)."""
    alphabetical_order = sorted(keys, key=str.lower)
    client = Client(main.parent, server_env(scratch / "home", dense))
    await client.start()
    client.open(main)
    await client.wait(lambda: main.as_uri() in client.diagnostics)

    async def complete(path: Path, offset: int) -> list[str]:
        return await client.completion(path, *position(path.read_text(encoding="utf-8"), offset))

    if dense:  # the first completion asks for the ranker: the embeddings start then
        await complete(*places[0][:2])
        await client.wait(lambda: any("sentence embeddings" in m for m in client.logs))
        if not any("ready for" in m for m in client.logs):
            print("  (sentence embeddings are not installed: this is BM25 alone)")
    ours, alphabetical = [], []
    for path, offset, gold in places:
        ours.append(hit(await complete(path, offset), gold))
        alphabetical.append(hit(alphabetical_order, gold))
    await client.stop()
    return statistics.mean(ours), statistics.mean(alphabetical), len(places)


def big_bib(corpora: Path, into: Path) -> Path:
    """The corpus papers' .bib files together (1,000+ entries)."""
    parts = [p.read_text(encoding="utf-8") for p in sorted((corpora / "latex").glob("*/*.bib"))]
    target = into / "all.bib"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def latency(corpora: Path, scratch: Path, dense: bool) -> dict[str, list[float]]:
    """Completion and hover times at REQUESTS citations of the mobley paper with the
    1,000-entry .bib; a hover on nothing as the baseline."""
    folder = scratch / "latency"
    shutil.copytree(corpora / "latex" / PAPERS["mobley"][0], folder)
    bib = big_bib(corpora, folder)
    main = folder / PAPERS["mobley"][1]
    text = main.read_text(encoding="utf-8")
    text = re.sub(r"\\bibliography\{[^}]*\}", lambda _: "\\bibliography{" + bib.stem + "}", text)
    main.write_text(text, encoding="utf-8")
    citations = [c for c in scan_project(main).citations if c.end > c.start][:REQUESTS]
    from galcli.bib.load import load

    print(f"  {len(load([bib]).entries)} entries in {bib.name}, {len(citations)} places")
    client = Client(folder, server_env(scratch / "home", dense))
    await client.start()
    client.open(main)
    await client.wait(lambda: main.as_uri() in client.diagnostics)
    times: dict[str, list[float]] = {"completion": [], "hover": [], "hover on nothing": []}
    first = position(text, citations[0].start)
    started = time.perf_counter()
    await client.completion(main, *first)
    print(
        f"  first completion (builds the ranker): {1000 * (time.perf_counter() - started):.0f} ms"
    )
    if dense:
        await client.wait(lambda: any("sentence embeddings" in m for m in client.logs))
    blank = position(text, text.index("\\begin{document}"))
    for citation in citations:
        line, character = position(text, citation.start)
        started = time.perf_counter()
        await client.completion(main, line, character)
        times["completion"].append(time.perf_counter() - started)
        started = time.perf_counter()
        await client.hover(main, line, character + 1)
        times["hover"].append(time.perf_counter() - started)
        started = time.perf_counter()
        await client.hover(main, *blank)
        times["hover on nothing"].append(time.perf_counter() - started)
    await client.stop()
    return times


def hundred_files(corpora: Path, into: Path) -> Path:
    """A project of FILES \\input files cut from the corpus papers' text at blank lines."""
    folder = into / "hundred"
    (folder / "parts").mkdir(parents=True)
    bib = big_bib(corpora, folder)
    texts = []
    for source, main_name in PAPERS.values():
        project = scan_project(corpora / "latex" / source / main_name)
        for path in project.files:
            body = path.read_text(encoding="utf-8")
            if "\\begin{document}" in body:
                body = body.split("\\begin{document}", 1)[1].split("\\end{document}")[0]
            texts.append(
                re.sub(r"\\(input|include|bibliography|addbibresource)\{[^}]*\}", "", body)
            )
    paragraphs = [p for t in texts for p in re.split(r"\n\s*\n", t) if p.strip()]
    size = -(-len(paragraphs) // FILES)
    names = []
    for number in range(FILES):
        chunk = paragraphs[number * size : (number + 1) * size] or ["Empty."]
        name = f"parts/part{number:03d}"
        (folder / f"{name}.tex").write_text("\n\n".join(chunk) + "\n", encoding="utf-8")
        names.append(name)
    main = folder / "main.tex"
    inputs = "\n".join(f"\\input{{{n}}}" for n in names)
    main.write_text(
        "\\documentclass{article}\n\\usepackage{amsmath,graphicx,hyperref,natbib}\n"
        f"\\begin{{document}}\n{inputs}\n\\bibliography{{{bib.stem}}}\n\\end{{document}}\n",
        encoding="utf-8",
    )
    return main


async def recheck(main: Path, scratch: Path, rounds: int = 10) -> list[float]:
    """Seconds from an edit in one \\input file to its diagnostic, and back to none."""
    client = Client(main.parent, server_env(scratch / "home", dense=False))
    await client.start()
    client.open(main)
    await client.wait(lambda: main.as_uri() in client.diagnostics)
    part = main.parent / "parts" / "part050.tex"
    text = client.open(part)
    uri = part.as_uri()
    await client.wait(lambda: uri in client.diagnostics)
    times = []
    for number in range(rounds):
        typo = f"\nA new claim~\\cite{{nosuchkey{number}}}.\n"
        client.change(part, text + typo, 2 * number + 2)
        times.append(
            await client.wait(
                lambda n=number: any(f"nosuchkey{n}" in d.message for d in client.diagnostics[uri])
            )
        )
        client.change(part, text, 2 * number + 3)
        await client.wait(
            lambda n=number: not any(f"nosuchkey{n}" in d.message for d in client.diagnostics[uri])
        )
    await client.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--skip-dense", action="store_true", help="BM25 alone only")
    parser.add_argument(
        "--parts", default="ranking,latency,recheck", help="what to measure (comma-separated)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    corpora = args.corpora if args.corpora.is_dir() else Path("/work/shared/corpora")
    if not corpora.is_dir():
        sys.exit("bench/lsp.py needs ../shared/corpora (or --corpora PATH)")
    modes = [False] if args.skip_dense else [True, False]
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        print(f"## completion hit@5 on hidden citations ({HIDDEN} per paper, seed {SEED})")
        for dense in modes if "ranking" in parts else []:
            label = "embeddings + BM25" if dense else "BM25 alone"
            results = asyncio.run(ranking(corpora, scratch / f"rank-{dense}", dense))
            for paper, (ours, alphabetical, count) in results.items():
                print(
                    f"  {label:<17} {paper:<9} {count:>2} places: galcli lsp {ours:.3f}, "
                    f"alphabetical {alphabetical:.3f}"
                )
            mean = statistics.mean(r[0] for r in results.values())
            base = statistics.mean(r[1] for r in results.values())
            print(f"  {label:<17} all: galcli lsp {mean:.3f}, alphabetical (texlab) {base:.3f}")

        print(f"\n## latency after the first request, {REQUESTS} places each")
        for dense in modes if "latency" in parts else []:
            label = "embeddings + BM25" if dense else "BM25 alone"
            times = asyncio.run(latency(corpora, scratch / f"latency-{dense}", dense))
            for name, values in times.items():
                print(
                    f"  {label:<17} {name:<17} median {1000 * statistics.median(values):6.1f} ms, "
                    f"95th percentile {1000 * percentile(values, 0.95):6.1f} ms"
                )
            base = statistics.median(times["hover on nothing"])
            for name in ("completion", "hover"):
                ratio = statistics.median(times[name]) / base
                print(f"  {label:<17} {name} / round trip: {ratio:.1f}x")

        print(f"\n## re-check of a {FILES}-file project after an edit")
        if "recheck" not in parts:
            return
        project = hundred_files(corpora, scratch)
        seconds = asyncio.run(recheck(project, scratch))
        cli = time_command(
            galcli_command("check", str(project)), repeat=5, accept=(0, 1), cwd=str(ROOT)
        )
        print(
            f"  galcli lsp, edit to diagnostic: median {1000 * statistics.median(seconds):.0f} ms, "
            f"95th percentile {1000 * percentile(seconds, 0.95):.0f} ms ({len(seconds)} edits)"
        )
        print(f"  galcli check from the command line (warm): {1000 * cli:.0f} ms")
        print(f"  ratio lsp / check: {statistics.median(seconds) / cli:.2f}x")


if __name__ == "__main__":
    main()
