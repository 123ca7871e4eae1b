"""One pool of worker processes for every command (SPEC §8): work mapped over items in input order, in chunks, with a
progress bar on a terminal, so the result is the same for any number of jobs.

Each worker holds the pool's state (what every task needs: the framework, prepared templates, a spool): a forked
worker has the parent's, a spawned one rebuilds it. Worker processes start, and tasks are handed to them, with
signals deferred, so Ctrl+C as they start never leaves a half-started pool. When the pool ends early (an interrupt,
an error) its workers are stopped at once and killed if they do not stop within a second (a worker can hang holding
a lock), so none writes into a folder being removed and the run ends within seconds.
"""

from __future__ import annotations

import gc
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .interrupts import ignore_interrupts_in_worker, interrupts_raised, signals_deferred

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.process import BaseProcess

CHUNK = 8  # items per task sent to a worker
WINDOW = 4  # tasks in flight per worker
KILL_AFTER = 1.0  # seconds a stopped worker has before it is killed
POLL = 0.2  # seconds between checks while waiting for a worker (signals are handled in between)
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

# Each pool's state by pool id, in this process and in its workers; keyed by id, so pools one after another, or at
# once in threads, never share state.
_states: dict[str, Any] = {}


class Pool(Generic[S]):
    """Runs work in this process (``jobs`` = 1) or in ``jobs`` worker processes; use as a context manager. A spawned
    worker gets ``rebuild(*rebuild_args)`` as its state, or without ``rebuild`` a pickled copy of ``state``."""

    def __init__(self, state: S, jobs: int = 1, *, progress: bool = False, rebuild: Callable[..., S] | None = None,
                 rebuild_args: tuple[Any, ...] = ()) -> None:
        self.state = state
        self.jobs = jobs
        self.progress = progress
        self.id = secrets.token_hex(8)
        self.rebuild = rebuild
        self.rebuild_args = rebuild_args
        self.executor: ProcessPoolExecutor | None = None
        self._interrupts = interrupts_raised()

    def __enter__(self) -> Pool[S]:
        _states[self.id] = self.state
        if self.jobs > 1:
            self._interrupts.__enter__()
            gc.freeze()  # forked workers then neither scan nor copy-on-write the parent's objects
            rebuild = (self.rebuild, self.rebuild_args) if self.rebuild is not None else (_given, (self.state,))
            from concurrent.futures import ProcessPoolExecutor  # loaded only for workers (a UDF module never needs it)

            try:
                with signals_deferred():
                    self.executor = ProcessPoolExecutor(self.jobs, initializer=_init_worker, initargs=(self.id, *rebuild))
            except BaseException as exc:
                self.__exit__(type(exc), exc, exc.__traceback__)
                raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        try:
            if self.executor is not None:
                with signals_deferred():
                    _close(self.executor, stop=error is not None)
        finally:
            _states.pop(self.id, None)
            if self.jobs > 1:
                gc.unfreeze()
                self._interrupts.__exit__(kind, error, trace)

    def map(self, fn: Callable[[S, T], R], items: Iterable[T], total: int, label: str, unit: str = "file",
            chunk: int = CHUNK) -> Iterator[R]:
        """``fn(state, item)`` for each item, in input order; with workers, items are drawn lazily, a few chunks ahead
        of the results, and the first chunks start at once."""
        results = (fn(self.state, item) for item in items) if self.executor is None else self._pooled(fn, items, chunk)
        return self._progress(results, total, label, unit)

    def submit(self, fn: Callable[..., R], *args: Any) -> Callable[[], R]:
        """Start ``fn(state, *args)`` (in a worker, if any); call the result to wait for its value."""
        if self.executor is None:
            value = fn(self.state, *args)
            return lambda: value
        future = self._submit(_call, self.id, fn, *args)
        return lambda: _result(future)

    def _pooled(self, fn: Callable[[S, T], R], items: Iterable[T], size: int) -> Iterator[R]:
        chunks = _chunks(items, size)
        pending = deque(self._submit(_apply, self.id, fn, c) for c in islice(chunks, self.jobs * WINDOW))
        return self._drain(fn, chunks, pending)

    def _drain(self, fn: Callable[[S, T], R], chunks: Iterator[list[T]], pending: deque[Future[list[R]]]) -> Iterator[R]:
        for chunk in chunks:
            done = pending.popleft()
            pending.append(self._submit(_apply, self.id, fn, chunk))
            yield from _result(done)
        while pending:
            yield from _result(pending.popleft())

    def _submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        """Hand a task to the workers (starting them the first time) with signals deferred."""
        assert self.executor is not None
        with signals_deferred():
            return self.executor.submit(fn, *args)

    def _progress(self, results: Iterator[R], total: int, label: str, unit: str) -> Iterator[R]:
        if not self.progress:  # the macros and xlwings Lite show none, and the lean install has no tqdm
            yield from results
            return
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: a thread running while workers are forked can leave them a lock held
        with tqdm(total=total, desc=label, unit=unit, leave=False) as bar:
            for result in results:
                bar.update()
                yield result


def _result(future: Future[R]) -> R:
    """A worker's result, waiting in short steps so a signal is handled at once on every platform."""
    while True:
        try:
            return future.result(timeout=POLL)
        except TimeoutError:
            continue


def _close(executor: ProcessPoolExecutor, stop: bool) -> None:
    """End a pool: its workers finish (or, with ``stop``, are stopped now); any still running after KILL_AFTER is killed."""
    processes: list[BaseProcess] = list((getattr(executor, "_processes", None) or {}).values())
    results = getattr(executor, "_result_queue", None)
    executor.shutdown(wait=False, cancel_futures=True)
    if stop:
        for process in processes:
            process.terminate()
    deadline = time.monotonic() + KILL_AFTER
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    writer = getattr(results, "_writer", None)
    if stop and writer is not None:
        # Every worker is dead: closing the parent's end of the results pipe lets the pool's own thread, which may be
        # waiting for the rest of a result a killed worker was sending, see the end of it and exit (it is joined at exit).
        writer.close()


def _init_worker(pool_id: str, rebuild: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Prepare a worker: signals as a worker takes them, and the pool's state (a forked worker has the parent's)."""
    ignore_interrupts_in_worker()
    state = _states[pool_id] if pool_id in _states else rebuild(*args)
    _states.clear()  # nothing of other pools in a worker
    _states[pool_id] = state


def _given(state: S) -> S:
    """The state as the parent sent it (to a spawned worker, pickled)."""
    return state


def _apply(pool_id: str, fn: Callable[[Any, T], R], chunk: list[T]) -> list[R]:
    """Run ``fn`` over a chunk of items with this process's state of the pool (in a worker)."""
    state = _states[pool_id]
    return [fn(state, item) for item in chunk]


def _call(pool_id: str, fn: Callable[..., R], *args: Any) -> R:
    """Run ``fn`` once with this process's state of the pool (in a worker)."""
    return fn(_states[pool_id], *args)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
