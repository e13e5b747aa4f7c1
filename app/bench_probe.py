"""Event-loop lag probe for ``bench/pages.py``, installed by ``build_app`` only with ``ECANDIDAT_BENCH_PROBE=1``.

A task sleeps 10 ms in a loop and records how late it wakes up: the time every other visitor's websocket message
and page waits behind whatever holds the event loop. ``GET /_bench/loop-lag`` gives the percentiles (ms) of the
samples since the last ``?reset=1``.

``POST /_bench/export/{job_id}`` builds a queued export in this process's export threads, as the list's « Exporter »
does in a process that builds its own exports (role ``all``): ``bench/export_latency.py`` measures what that costs
the pages served beside it, against the same export built by ``python -m app.worker``.
"""

import asyncio
import contextlib

from nicegui import app

PATH = "/_bench/loop-lag"
EXPORT_PATH = "/_bench/export/{job_id}"
INTERVAL_S = 0.010
MAX_SAMPLES = 1_000_000

_samples: list[float] = []
_task: asyncio.Task | None = None


async def _probe() -> None:
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(INTERVAL_S)
        _samples.append(max(0.0, loop.time() - start - INTERVAL_S))
        if len(_samples) > MAX_SAMPLES:
            del _samples[: MAX_SAMPLES // 2]


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(samples: list[float]) -> dict[str, float | int | None]:
    ordered = sorted(samples)
    if not ordered:
        return {"samples": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "samples": len(ordered),
        "p50_ms": round(_percentile(ordered, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def install() -> None:
    async def start() -> None:
        global _task
        _task = asyncio.get_running_loop().create_task(_probe())

    async def stop() -> None:
        if _task is not None:
            _task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await _task

    app.on_startup(start)
    app.on_shutdown(stop)

    @app.get(PATH, include_in_schema=False)
    async def loop_lag(reset: int = 0) -> dict[str, float | int | None]:
        result = summary(_samples)
        if reset:
            _samples.clear()
        return result

    @app.post(EXPORT_PATH, include_in_schema=False)
    async def start_export(job_id: int) -> dict[str, int]:
        from app.services.exports import jobs  # the probe's only service: imported when a bench asks for it

        jobs.start(job_id)
        return {"started": job_id}
