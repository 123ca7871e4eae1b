"""The one process pool: results in input order for any number of jobs, and workers that will not stop are killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from svexcel.run.pool import Pool


def _square(offset: int, item: int) -> tuple[int, int]:
    time.sleep(0.02)  # long enough that the second worker has started before the first could take every chunk
    return item * item + offset, __import__("os").getpid()


def test_results_come_in_input_order_whatever_the_jobs() -> None:
    items = range(101)
    with Pool(1, 1) as one:
        alone = [r for r, _ in one.map(_square, iter(items), 101, "Squaring")]
    with Pool(1, 2) as two:
        pooled = list(two.map(_square, iter(items), 101, "Squaring", chunk=3))
        later = two.submit(_square, 12)()
    assert alone == [r for r, _ in pooled] == [i * i + 1 for i in items]
    assert len({pid for _, pid in pooled}) == 2 and later[0] == 145  # both workers took part


STUCK = textwrap.dedent("""
    import signal, sys, time
    from svexcel.run.interrupts import Interrupted
    from svexcel.run.pool import Pool

    def stuck(state, item):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a worker that no longer answers SIGTERM, as one holding a lock
        print("stuck", flush=True)
        time.sleep(120)

    if __name__ == "__main__":
        try:
            with Pool(None, 2) as pool:
                list(pool.map(stuck, range(4), 4, "Stuck", chunk=1))
        except Interrupted as exc:
            sys.exit(exc.exit_code)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_workers_that_do_not_stop_are_killed_within_a_second(tmp_path: Path) -> None:
    script = tmp_path / "stuck.py"
    script.write_text(STUCK)
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout is not None and process.stdout.readline().startswith(b"stuck")
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr.decode()
    assert 0.9 < time.monotonic() - sent < 5  # a second for the workers to stop, then killed
    assert b"Traceback" not in stderr
