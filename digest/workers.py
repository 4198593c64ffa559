"""Running one pure per-article function over many articles: inline, on all cores, or on Dask.

Normalization is a pure function of a capture and the settings, so it can run anywhere: in
this process, in a ``concurrent.futures.ProcessPoolExecutor`` on the machine's cores, or on a
Dask cluster through ``distributed.Client(address).get_executor()``, which is the same
``Executor`` interface. A capture that kills its worker process (a crash in a C library, the
kernel's out-of-memory killer) breaks a process pool and every task in flight with it; the
tasks in flight are then run again one at a time in a pool of their own, so the one that
kills its worker is named and every other article still gets its result.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from digest.errors import InputError

Item = TypeVar("Item")
Result = TypeVar("Result")

TASKS_IN_FLIGHT_PER_WORKER = 2  # enough to keep workers busy; few to re-run after a crash
# Items a local worker gets at once: each task costs the building process a submission, a
# wake-up and two trips through a queue (several seconds over 10,000 captures, taken from the
# workers' cores), so items travel in chunks; small ones, so the last chunk ends soon.
ITEMS_PER_TASK = 8


@dataclass(frozen=True)
class Workers:
    """Where per-article work runs: ``jobs`` local processes (None: one per core) or a Dask scheduler."""

    jobs: int | None = None
    dask_scheduler: str | None = None

    @property
    def local_jobs(self) -> int:
        return self.jobs or os.cpu_count() or 1


@dataclass(frozen=True)
class WorkerCrash:
    """The worker running ``item`` died or failed outside the function's own error handling."""

    reason: str


def run_all(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: Workers,
    on_result: Callable[[int, Result | WorkerCrash], None] = lambda index, result: None,
) -> list[Result | WorkerCrash]:
    """``function`` on every item, results in the items' order. ``on_result`` is called with
    each item's index and result as it arrives, in any order, so that the caller's own work on
    a result (a progress bar, a cache entry) overlaps the workers' instead of following it."""
    if not items:
        return []
    if workers.dask_scheduler:
        with _dask_executor(workers.dask_scheduler) as executor:
            return _run_on(executor, function, items, on_result, in_flight=len(items))
    jobs = workers.local_jobs
    if jobs == 1 or len(items) == 1:
        results = []
        for index, item in enumerate(items):
            results.append(function(item))
            on_result(index, results[-1])
        return results
    return _run_on_processes(function, items, jobs, on_result)


@contextmanager
def _dask_executor(address: str) -> Iterator[Executor]:
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask-scheduler needs Dask: pip install 'digest[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as err:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    with client:
        yield client.get_executor()


def _run_on(
    executor: Executor,
    function: Callable[[Item], Result],
    items: Sequence[Item],
    on_result: Callable[[int, Result | WorkerCrash], None],
    in_flight: int,
) -> list[Result | WorkerCrash]:
    """Results from an executor that reports a failed task on that task alone (Dask)."""
    results: list[Result | WorkerCrash | None] = [None] * len(items)
    for index, outcome in _submit_windowed(executor, function, items, deque(range(len(items))), in_flight):
        results[index] = outcome if not isinstance(outcome, BaseException) else WorkerCrash(_describe(outcome))
        on_result(index, results[index])
    return results  # type: ignore[return-value]


def _run_on_processes(
    function: Callable[[Item], Result], items: Sequence[Item], jobs: int,
    on_result: Callable[[int, Result | WorkerCrash], None],
) -> list[Result | WorkerCrash]:
    results: list[Result | WorkerCrash | None] = [None] * len(items)
    size = max(1, min(ITEMS_PER_TASK, len(items) // (jobs * 4)))  # a small digest still spreads over every worker
    chunks = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    chunk_items = [[items[index] for index in chunk] for chunk in chunks]
    run_chunk = functools.partial(_each, function)
    pending = deque(range(len(chunks)))
    while pending:
        suspects: list[int] = []
        with ProcessPoolExecutor(jobs) as pool:
            for n, outcome in _submit_windowed(pool, run_chunk, chunk_items, pending, jobs * TASKS_IN_FLIGHT_PER_WORKER):
                if isinstance(outcome, BrokenProcessPool):
                    suspects.extend(chunks[n])  # in flight when a worker died: maybe the cause
                    continue
                if isinstance(outcome, BaseException):
                    outcome = [WorkerCrash(_describe(outcome))] * len(chunks[n])
                for index, result in zip(chunks[n], outcome):
                    results[index] = result
                    on_result(index, result)
        for index in suspects:
            results[index] = _run_alone(function, items[index])
            on_result(index, results[index])
    return results  # type: ignore[return-value]


def _each(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result | WorkerCrash]:
    """``function`` on each item of a chunk, in a worker; an item that raises fails alone."""
    results: list[Result | WorkerCrash] = []
    for item in chunk:
        try:
            results.append(function(item))
        except Exception as err:  # noqa: BLE001 - a failure outside the function's own handling
            results.append(WorkerCrash(_describe(err)))
    return results


def _run_alone(function: Callable[[Item], Result], item: Item) -> Result | WorkerCrash:
    with ProcessPoolExecutor(1) as pool:
        try:
            return pool.submit(function, item).result()
        except BrokenProcessPool:
            return WorkerCrash("its worker process died (a crash or the out-of-memory killer)")
        except Exception as err:  # noqa: BLE001 - a failure outside the function's own handling
            return WorkerCrash(_describe(err))


def _submit_windowed(
    executor: Executor,
    function: Callable[[Item], Result],
    items: Sequence[Item],
    pending: deque[int],
    window: int,
) -> Iterator[tuple[int, Result | BaseException]]:
    """(index, result or exception) as tasks finish, with at most ``window`` submitted at once.

    After a BrokenProcessPool the executor takes no more work: the tasks still in flight are
    yielded with that exception and the rest stay in ``pending`` for a new pool.
    """
    in_flight: dict[Future, int] = {}
    broken = False
    while in_flight or (pending and not broken):
        while pending and not broken and len(in_flight) < window:
            index = pending.popleft()
            try:
                in_flight[executor.submit(function, items[index])] = index
            except BrokenProcessPool:
                pending.appendleft(index)
                broken = True
        if not in_flight:
            break
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            index = in_flight.pop(future)
            try:
                yield index, future.result()
            except BrokenProcessPool as err:
                broken = True
                yield index, err
            except Exception as err:  # noqa: BLE001 - reported against its item by the caller
                yield index, err


def _describe(err: BaseException) -> str:
    return f"its worker failed ({type(err).__name__}: {err})"
