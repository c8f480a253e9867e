"""`galcli smiles`: chemical names to SMILES that RDKit accepts, cross-checked between sources.

Candidates come from the model (several beams or samples), OPSIN and the `chemicals` name
database. Each is validated by RDKit, canonicalised and grouped by InChIKey with the list of
sources that produced it. Identity: `confirmed` when two or more independent sources give the
same InChIKey, `contradicted` when other sources gave a different structure and none supports
this one, `unverified` when only one source produced anything.

The model is consulted only when it can add something: when the offline sources do not confirm
a structure (or always, with `ask_model`). It is loaded on first use, so a run whose names the
offline sources confirm never loads it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from galcli.errors import ExitCode
from galcli.model.base import CHAT, Backend, GenerationParams, Message, Prompt
from galcli.provenance.stamp import Provenance, provenance_for
from galcli.tasks.session import HistoryEntry
from galcli.verify.chemnames import CHEMICALS, OPSIN, NameResolutions, resolve_names, similar_names
from galcli.verify.smiles import Validator, mol_from_smiles, properties

if TYPE_CHECKING:
    from galcli.lookup.http import LookupConfig
    from galcli.tasks.batch import BatchResult

MODEL = "model"
PUBCHEM = "pubchem"  # with --online (tasks/online_names.py)
CONFIRMED, CONTRADICTED, UNVERIFIED = "confirmed", "contradicted", "unverified"
SOURCE_PRIORITY = {OPSIN: 0, CHEMICALS: 1, PUBCHEM: 2, MODEL: 3}
CHAT_SYSTEM = (
    "You are a chemistry assistant. Reply with the SMILES string of the molecule the "
    "user names, and nothing else."
)
_SMILES_TOKEN = re.compile(r"^[A-Za-z0-9@+\-\[\]()=#$/\\%.:*]+$")
_ATOM = re.compile(r"Cl|Br|[BCNOPSFI]|[cnops]|\[")


@dataclass(frozen=True)
class SmilesRequest:
    name: str
    n: int = 3  # model samples (beams with greedy decoding)
    params: GenerationParams | None = None  # None: the resolver's (computed when the model runs)


@dataclass
class Candidate:
    smiles: str
    inchikey: str | None
    formula: str
    mol_weight: float
    exact_mass: float
    sources: list[str]
    identity: str = UNVERIFIED
    model_score: float | None = None
    names: list[str] = field(default_factory=list)  # spellings that resolved, e.g. a PCB rewrite

    def to_dict(self) -> dict[str, Any]:
        return {
            "smiles": self.smiles,
            "sources": self.sources,
            "identity": self.identity,
            "formula": self.formula,
            "mol_weight": round(self.mol_weight, 4),
            "exact_mass": round(self.exact_mass, 6),
            "inchikey": self.inchikey,
            "model_score": None if self.model_score is None else round(self.model_score, 4),
            "resolved_names": self.names,
        }


@dataclass
class RejectedSmiles:
    smiles: str
    source: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"smiles": self.smiles, "source": self.source, "reason": self.reason}


@dataclass
class SmilesResult:
    query: str
    candidates: list[Candidate]
    rejected: list[RejectedSmiles]
    model: str | None
    unavailable: dict[str, str] = field(default_factory=dict)
    provenance: Provenance | None = None
    did_you_mean: list[str] = field(default_factory=list)  # only when no source knew the name
    problem: str | None = None  # why the query cannot be resolved (a CAS check digit)
    model_skipped: str | None = None  # why the model was not consulted, when it could have been

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.candidates else ExitCode.FINDINGS

    def history_entry(self) -> HistoryEntry | None:
        if self.model is None:
            return None  # the name sources alone are not a model run
        verdicts = {c.smiles: c.identity for c in self.candidates}
        return HistoryEntry(
            self.query,
            self.to_dict(),
            self.provenance,
            {**verdicts, "rejected": len(self.rejected)},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "candidates": [c.to_dict() for c in self.candidates],
            "rejected": [r.to_dict() for r in self.rejected],
            "model": self.model,
            "unavailable_sources": self.unavailable,
            "did_you_mean": self.did_you_mean,
            "problem": self.problem,
            "provenance": self.provenance.as_dict() if self.provenance else None,
        }


def model_prompt(name: str) -> Prompt:
    return Prompt(
        raw=f"Name: {name}\nSMILES: [START_I_SMILES]",
        stop=("[END_I_SMILES]", "\n"),
        messages=(
            Message("system", CHAT_SYSTEM),
            Message("user", f"What is the SMILES of {name}?"),
        ),
    )


def smiles_in_answer(text: str, profile: str) -> list[str]:
    """SMILES-looking tokens in a model's answer: all of it for Galactica (the markers delimit
    it), the tokens made of SMILES characters for an instruction model's prose."""
    text = text.strip()
    if profile != CHAT:
        return [text]
    tokens = [t.strip("`'\".,;:") for t in text.replace("`", " ").split()]
    found = [
        t
        for t in tokens
        if t
        and t not in ("SMILES", "IUPAC", "CAS")
        and _SMILES_TOKEN.match(t)
        and _ATOM.search(t)
        and (not t.isalpha() or t.isupper())
    ]
    return found or [text]


class SmilesResolver:
    """Resolves names with OPSIN and chemicals, and the model where it can add something;
    reusable for batches.

    `backend` is a loaded Backend, or a function that loads one (called at most once, and only
    when a name needs the model); `params` likewise gives the generation parameters. With
    `ask_model` the model is asked about every name, not only those the offline sources do not
    confirm.
    """

    def __init__(
        self,
        backend: Backend | Callable[[], Backend] | None = None,
        sources: tuple[str, ...] = (OPSIN, CHEMICALS),
        *,
        params: Callable[[], GenerationParams] | None = None,
        ask_model: bool = False,
        online: LookupConfig | None = None,
    ) -> None:
        self._backend_source = backend
        self._backend: Backend | None = backend if isinstance(backend, Backend) else None
        self._params_source = params
        self._params: GenerationParams | None = None
        self._lock = threading.Lock()
        self.sources = sources
        self.ask_model = ask_model
        self.validator = Validator()
        self.online = online  # --online: PubChem for names the offline sources don't confirm

    @property
    def has_model(self) -> bool:
        return self._backend_source is not None

    def backend(self) -> Backend:
        with self._lock:  # batches resolve names on several threads
            if self._backend is None:
                assert callable(self._backend_source)
                self._backend = self._backend_source()
            return self._backend

    def _generation_params(self, request: SmilesRequest) -> GenerationParams:
        if request.params is not None:
            return request.params
        with self._lock:
            if self._params is None:
                self._params = self._params_source() if self._params_source else GenerationParams()
            return self._params

    def lookup(self, names: Sequence[str]) -> NameResolutions:
        """What the offline sources make of `names` (one OPSIN run for all of them), and with
        --online what PubChem says about the names they do not confirm."""
        found = resolve_names(list(names), self.sources)
        if self.online is not None:
            from galcli.tasks.online_names import add_pubchem

            add_pubchem(found, list(names), self.online)
        return found

    def needs_model(self, name: str, names: NameResolutions) -> bool:
        """Whether resolving `name` would consult the model, given the offline results."""
        if not self.has_model or name in names.problems:
            return False
        if self.ask_model:
            return True
        proposals = [(f.smiles, f.source, f.name, None) for f in names.by_name.get(name, [])]
        candidates, _ = self._group(proposals)
        return not any(c.identity == CONFIRMED for c in candidates)

    def resolve(
        self,
        request: SmilesRequest,
        on_text: Callable[[str], None] | None = None,
        names: NameResolutions | None = None,
    ) -> SmilesResult:
        names = names or self.lookup([request.name])
        proposals: list[tuple[str, str, str, float | None]] = []  # (smiles, source, name, score)
        for found in names.by_name.get(request.name, []):
            proposals.append((found.smiles, found.source, found.name, None))
        provenance = None
        backend: Backend | None = None
        skipped = None
        if self.needs_model(request.name, names):
            backend = self.backend()
            params = self._generation_params(request)
            prompt = model_prompt(request.name)
            for generation in backend.sample(prompt, params, request.n, on_text):
                tokens = smiles_in_answer(generation.text, backend.profile)
                # The first token RDKit accepts; if none, the first, to be rejected with a reason.
                smiles = next((t for t in tokens if self.validator.check(t).valid), tokens[0])
                proposals.append((smiles, MODEL, request.name, generation.score))
            # stamped after sampling: the stamp says what the runs did (beams are not watermarked)
            provenance = provenance_for(backend, prompt, params)
        elif self.has_model and request.name not in names.problems:
            skipped = "the offline sources confirm the structure"
        candidates, rejected = self._group(proposals)
        resolved = any(s != MODEL for c in candidates for s in c.sources)
        problem = names.problems.get(request.name)
        return SmilesResult(
            query=request.name,
            candidates=candidates,
            rejected=rejected,
            model=backend.model_id if backend else None,
            unavailable=names.unavailable,
            provenance=provenance,
            did_you_mean=[]
            if resolved or problem or CHEMICALS not in self.sources
            else similar_names(request.name),
            problem=problem,
            model_skipped=skipped,
        )

    def resolve_many(
        self,
        requests: Sequence[SmilesRequest],
        concurrency: int = 1,
        names: NameResolutions | None = None,
        record: Callable[[SmilesResult], object] | None = None,
    ) -> BatchResult[SmilesResult]:
        """One OPSIN run for all names (unless `names` holds the offline results already), then
        the model for each name that needs it (`concurrency` at once); each result recorded."""
        from galcli.tasks.batch import run_batch

        known = names or self.lookup([r.name for r in requests])
        return run_batch(
            lambda request: self.resolve(request, names=known),
            requests,
            concurrency=concurrency,
            record=record,
        )

    def _group(
        self, proposals: Sequence[tuple[str, str, str, float | None]]
    ) -> tuple[list[Candidate], list[RejectedSmiles]]:
        by_key: dict[str, Candidate] = {}
        rejected: list[RejectedSmiles] = []
        for smiles, source, name, score in proposals:
            check = self.validator.check(smiles)
            if not check.valid:
                if not any(r.smiles == smiles and r.source == source for r in rejected):
                    rejected.append(RejectedSmiles(smiles, source, check.error or "invalid"))
                continue
            facts = properties(mol_from_smiles(check.canonical or smiles))
            key = facts.inchikey or facts.smiles
            candidate = by_key.get(key)
            if candidate is None:
                candidate = by_key[key] = Candidate(
                    smiles=facts.smiles,
                    inchikey=facts.inchikey,
                    formula=facts.formula,
                    mol_weight=facts.mol_weight,
                    exact_mass=facts.exact_mass,
                    sources=[],
                )
            if source not in candidate.sources:
                candidate.sources.append(source)
            if name not in candidate.names:
                candidate.names.append(name)
            if score is not None and (
                candidate.model_score is None or score > candidate.model_score
            ):
                candidate.model_score = score
        candidates = list(by_key.values())
        for candidate in candidates:
            others = {s for c in candidates if c is not candidate for s in c.sources}
            if len(candidate.sources) >= 2:
                candidate.identity = CONFIRMED
            elif others - set(candidate.sources):
                candidate.identity = CONTRADICTED
            else:
                candidate.identity = UNVERIFIED
            candidate.sources.sort(
                key=lambda source: SOURCE_PRIORITY.get(source, len(SOURCE_PRIORITY))
            )
        candidates.sort(key=_rank)
        return candidates, rejected


def _rank(candidate: Candidate) -> tuple[Any, ...]:
    """Confirmed first, then more sources, then resolvers before the model, then model score."""
    return (
        candidate.identity != CONFIRMED,
        -len(candidate.sources),
        min(SOURCE_PRIORITY[s] for s in candidate.sources),
        -(candidate.model_score if candidate.model_score is not None else float("-inf")),
    )


def draw_candidate(candidate: Candidate, path: str, *, legend: str) -> bytes:
    """The candidate's structure drawn as SVG or PNG (by `path`'s suffix)."""
    from galcli.verify.smiles import draw, mol_from_smiles

    return draw(mol_from_smiles(candidate.smiles), path, legend=legend)
