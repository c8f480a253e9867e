"""The server's state between messages: the projects of the open files, checked again in a
worker thread once edits settle (debounced), and the diagnostics published from each check.

The protocol's event loop never waits on a check: it snapshots the unsaved buffers, hands them
to the `checker` thread, and goes on reading messages; requests (completion, hover …) run in
the `answerer` thread on the last analysis of their project and the buffer's current text.
Both are daemon threads, so `exit` never waits for a long scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types

from galcli.errors import GalcliError
from galcli.fileio import read_text
from galcli.lsp.buffers import file_text, open_buffer, overlay
from galcli.lsp.diagnostics import diagnostics
from galcli.lsp.positions import Text, kind_of, path_of, uri_of
from galcli.lsp.rankers import Rankers
from galcli.lsp.settings import ServerSettings
from galcli.lsp.worker import Worker, preload
from galcli.tasks.editor import (
    Analysis,
    EditorSettings,
    Workspace,
    analyse,
    analyse_bib,
    real_path,
)
from galcli.tasks.editor_lookup import Formulas

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

    from galcli.lookup.http import LookupConfig

LOG = logging.getLogger("galcli.lsp")
WAIT_FOR_ANALYSIS = 60.0  # seconds a request waits for its project's first check
T = TypeVar("T")


class Session:
    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self.settings = ServerSettings()
        self.initial_settings = self.settings  # at `initialize`: what a configuration is over
        self.online: LookupConfig | None = None  # look-up settings (cache only), when enabled
        self.workspace = Workspace()
        self.lock = threading.RLock()  # the workspace, rankers and contributions
        self.checker = Worker("galcli-check")
        self.answerer = Worker("galcli-answer")
        self.dirty: dict[Path, bool] = {}  # path -> find its project again (open, save)
        self.timer: asyncio.TimerHandle | None = None
        self.running: Future[None] | None = None
        self.checked = asyncio.Event()  # set after each round of checks
        self.borrowed: dict[Path, tuple[Path, ...]] = {}  # main -> .bib files it reads instead
        self.contributions: dict[str, dict[Path, list[types.Diagnostic]]] = {}
        self.sent: dict[str, list[types.Diagnostic]] = {}  # what each file shows now
        self.rankers = Rankers(self)
        self.completing = False  # a completion was asked for: keep rankers ready after checks
        self.formulas = Formulas()
        self.closed = False
        self.shut_down = False  # `shutdown` came before `exit`: exit status 0
        self.loop: asyncio.AbstractEventLoop = asyncio.new_event_loop()  # the real one: start()

    def start(self, folders: list[Path]) -> None:
        """At `initialize`, in the protocol's event loop."""
        self.loop = asyncio.get_running_loop()
        self.workspace.folders = folders
        self.checker.submit(preload)  # before the first check: see worker.SHARED_IMPORTS

    def close(self) -> None:
        """At `shutdown`: nothing more is checked or published."""
        self.closed = self.shut_down = True
        if self.timer is not None:
            self.timer.cancel()

    # -- the client ------------------------------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A line in the client's log (and the server's own, when it has one)."""
        LOG.log(logging.ERROR if kind == types.MessageType.Error else logging.INFO, message)
        if not self.closed:
            params = types.LogMessageParams(type=kind, message=f"galcli: {message}")
            self.server.window_log_message(params)

    def log_threadsafe(self, message: str, kind: types.MessageType) -> None:
        self.loop.call_soon_threadsafe(self.log, message, kind)

    def failed(self, what: str, exc: BaseException) -> None:
        """A request or check that raised: logged with its traceback; the server goes on."""
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        LOG.error("%s failed:\n%s", what, detail)
        if isinstance(exc, GalcliError):
            self.log(f"{what}: {exc}", types.MessageType.Warning)
        else:
            self.log(
                f"{what} failed ({type(exc).__name__}: {exc}); please report it with "
                f"this log\n{detail}",
                types.MessageType.Error,
            )

    @property
    def encoding(self) -> str:
        with contextlib.suppress(RuntimeError, AttributeError):
            return str(self.server.workspace.position_encoding or types.PositionEncodingKind.Utf16)
        return types.PositionEncodingKind.Utf16

    # -- buffers ---------------------------------------------------------------------------

    def overlay(self) -> dict[Path, str]:
        """The open buffers the server reads, by resolved path (event loop thread)."""
        return overlay(self.server.workspace)

    def buffer(self, uri: str) -> str | None:
        """A file's text: its open buffer, else the file on disk; None when it cannot be read
        (the request gets an empty answer)."""
        document = open_buffer(self.server.workspace, uri)
        if document is not None:
            return document.source
        path = path_of(uri)
        if path is None:
            return None
        try:
            return read_text(path)
        except GalcliError as exc:
            self.log(f"cannot read {path}: {exc.message}", types.MessageType.Warning)
            return None

    def file_text(self, file: str | Path) -> str:
        return file_text(self.server.workspace, file)

    def text_reader(self, overlay: dict[Path, str], analysis: Analysis) -> Callable[[str], Text]:
        """Texts of the files of `analysis`, to place diagnostics and locations in them."""
        texts = {str(k): v for k, v in analysis.check.texts.items()} if analysis.check else {}
        seen: dict[str, Text] = {}

        def text_of(file: str) -> Text:
            if file not in seen:
                text = overlay.get(real_path(Path(file)), texts.get(file))
                if text is None:
                    try:
                        text = read_text(file)
                    except GalcliError:
                        text = ""
                seen[file] = Text(text, self.encoding)
            return seen[file]

        return text_of

    # -- checking --------------------------------------------------------------------------

    def changed(self, path: Path, *, relocate: bool = False, now: bool = False) -> None:
        """`path` changed (event loop thread): check its projects once edits settle."""
        if kind_of(path) is None:
            return
        self.dirty[path] = self.dirty.get(path, False) or relocate
        if self.timer is not None:
            self.timer.cancel()
        delay = 0.0 if now else self.settings.debounce
        self.timer = self.loop.call_later(delay, self._start)

    def forget_shown(self, path: Path) -> None:
        """A client clears a file's diagnostics when it closes it (Neovim does): what it shows
        is unknown again, so the next check publishes the file whatever it finds."""
        self.sent.pop(uri_of(path), None)

    def closed_unsaved(self, path: Path) -> None:
        """A file that was never saved was closed: the project it made is forgotten and its
        diagnostics cleared (the project it was part of is checked again, from the disk)."""
        resolved = real_path(path)
        with self.lock:
            main = self.workspace.mains.get(resolved)
        if main is None or main == resolved:
            self.dirty.pop(path, None)
            self.checker.submit(lambda: self._drop(resolved))
        else:
            self.changed(main, relocate=True)

    def recheck_all(self) -> None:
        with self.lock:
            mains = list(self.workspace.analyses)
        for main in mains:
            self.dirty.setdefault(main, False)
        self.timer = self.loop.call_later(0, self._start)

    def _start(self) -> None:
        self.timer = None
        if self.closed or not self.dirty:
            return
        if self.running is not None and not self.running.done():
            self.running.add_done_callback(lambda _: self.loop.call_soon_threadsafe(self._start))
            return
        dirty, self.dirty = self.dirty, {}
        overlay, settings = self.overlay(), self.settings
        self.checked.clear()
        self.running = self.checker.submit(lambda: self._guarded(dirty, overlay, settings))
        self.running.add_done_callback(lambda _: self.loop.call_soon_threadsafe(self.checked.set))

    def _projects(
        self, dirty: dict[Path, bool], overlay: dict[Path, str]
    ) -> tuple[dict[Path, tuple[Path, ...]], set[Path]]:
        """(main -> .bib files it borrows) to check for the changed paths, and .bib files that
        no project reads (checked alone)."""
        mains: dict[Path, tuple[Path, ...]] = {}
        alone: set[Path] = set()
        for path, relocate in dirty.items():
            resolved = real_path(path)
            if kind_of(path) == "bib":
                with self.lock:
                    users = self.workspace.using(path)
                for main in users:
                    mains[main] = self.borrowed.get(main, ())
                if users:
                    continue
                document = self.workspace.workspace_document(overlay, path)
                if document is not None:  # the workspace's document may read it
                    found, bibs = self.workspace.locate(document, overlay)
                    mains[real_path(found)] = self.borrowed[real_path(found)] = bibs
                alone.add(path)
                continue
            with self.lock:
                known = self.workspace.mains.get(resolved)
            if known is None or relocate:
                found, bibs = self.workspace.locate(path, overlay)
                main = real_path(found)
                if known is not None and known != main and known == resolved:
                    self._drop(known)  # it was its own project; now it is part of another
                self.borrowed[main] = bibs
                with self.lock:
                    self.workspace.mains[resolved] = main
            else:
                main = known
            mains[main] = self.borrowed.get(main, ())
        return mains, alone

    def _guarded(
        self, dirty: dict[Path, bool], overlay: dict[Path, str], settings: ServerSettings
    ) -> None:
        try:
            self._check(dirty, overlay, settings)
        except Exception as exc:  # noqa: BLE001 - logged; the next edit checks again
            self.loop.call_soon_threadsafe(self.failed, "checking the project", exc)

    def _check(
        self, dirty: dict[Path, bool], overlay: dict[Path, str], settings: ServerSettings
    ) -> None:
        """Check the projects of the changed paths (checker thread), publishing each as soon
        as it is checked; with `galcli.fit`, the misfits come in a second pass (they take
        longer), unless the user has typed again by then."""
        mains, alone = self._projects(dirty, overlay)
        editor = settings.editor
        online = self.online if editor.online else None
        first = dataclasses.replace(editor, fit=False)
        done = [
            self._publish(self._analyse(m, overlay, first, b, online), overlay)
            for m, b in mains.items()
        ]
        for bib in alone:
            if not any(a.holds(bib) for a in done):
                self._publish(analyse_bib(bib, overlay), overlay)
        if editor.fit:
            for main, bibs in mains.items():
                if self.dirty:
                    break  # edited again: the next check judges the fit
                self._publish(self._analyse(main, overlay, editor, bibs, online), overlay)
        if self.completing:
            for main in mains:
                with self.lock:
                    latest = self.workspace.analyses.get(main)
                if latest is not None:
                    self.rankers.of(latest)  # ready before the next completion asks

    def _analyse(
        self,
        main: Path,
        overlay: dict[Path, str],
        editor: EditorSettings,
        bibs: tuple[Path, ...],
        online: LookupConfig | None,
    ) -> Analysis:
        started = time.perf_counter()
        analysis = analyse(main, overlay, editor, bibs, online)
        took = 1000 * (time.perf_counter() - started)
        LOG.info("checked %s%s in %.0f ms", main, " (--fit)" if editor.fit else "", took)
        return analysis

    def _publish(self, analysis: Analysis, overlay: dict[Path, str]) -> Analysis:
        with self.lock:
            absorbed = self.workspace.remember(analysis)
        for old in absorbed:  # its diagnostics now come from this project
            self._drop(old)
        found = diagnostics(analysis, self.text_reader(overlay, analysis))
        self.loop.call_soon_threadsafe(self._send, real_path(analysis.main), found)
        for failure in analysis.failures:
            self.log_threadsafe(str(failure), types.MessageType.Warning)
        return analysis

    def _drop(self, main: Path) -> None:
        with self.lock:
            self.workspace.forget(main)
        self.loop.call_soon_threadsafe(self._send, main, {})

    def _send(self, main: Path, found: dict[str, list[types.Diagnostic]]) -> None:
        """Publish the diagnostics of one project (event loop thread), merged with those other
        projects found in the same files (a .bib two projects read)."""
        with self.lock:
            touched = set(found) | {u for u, by in self.contributions.items() if main in by}
            merged: dict[str, list[types.Diagnostic]] = {}
            for uri in touched:
                by_main = self.contributions.setdefault(uri, {})
                by_main[main] = found.get(uri, [])
                seen, diagnostics_ = set(), []
                for diagnostic in (d for found_ in by_main.values() for d in found_):
                    identity = (str(diagnostic.range), diagnostic.message, diagnostic.code)
                    if identity not in seen:
                        seen.add(identity)
                        diagnostics_.append(diagnostic)
                merged[uri] = diagnostics_
        for uri, listed in merged.items():
            if self.closed:
                return  # after `shutdown`, nothing more is published
            if self.sent.get(uri) == listed:
                continue  # unchanged: a 100-file project is not sent again after each edit
            self.sent[uri] = listed
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=listed)
            )

    async def analysis_for(self, path: Path) -> Analysis | None:
        """The last analysis of `path`'s project; the first one is waited for."""
        if kind_of(path) is None:
            return None
        deadline = time.monotonic() + WAIT_FOR_ANALYSIS
        asked = False
        while True:
            with self.lock:
                analysis = self.workspace.analysis_of(path)
            if analysis is not None or time.monotonic() > deadline or self.closed:
                return analysis
            if not asked:
                self.changed(path, relocate=True, now=True)
                asked = True
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.checked.wait(), 0.5)

    # -- requests --------------------------------------------------------------------------

    async def answer(
        self,
        what: str,
        uri: str,
        job: Callable[[Analysis, Path, Text], T],
        empty: T,
    ) -> T:
        """Run `job` on the answerer thread with the file's project and current text; `empty`
        (logged) when the file is not one the server reads, or the job fails."""
        path = path_of(uri)
        if path is None or kind_of(path) is None:
            return empty
        source = self.buffer(uri)
        if source is None:
            return empty
        analysis = await self.analysis_for(path)
        if analysis is None:
            self.log(f"{what}: {path} belongs to no project yet", types.MessageType.Warning)
            return empty
        text = Text(source, self.encoding)
        try:
            return await asyncio.wrap_future(
                self.answerer.submit(lambda: job(analysis, path, text))
            )
        except Exception as exc:  # noqa: BLE001 - logged; the server goes on
            self.failed(f"{what} in {path}", exc)
            return empty
