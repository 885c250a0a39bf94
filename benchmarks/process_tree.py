"""Run a command and watch the memory of its whole process tree."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    """A finished command: exit code, wall time, peak resident memory of its tree."""

    returncode: int
    seconds: float
    peak_rss_bytes: int


def run_measured(
    args: list[str], *, env: dict[str, str], log_path: Path, interval: float = 0.2
) -> Measured:
    """Run `args` to completion, its output appended to `log_path`, sampling the summed
    resident memory of the process and all its descendants every `interval` seconds."""
    peak = 0
    began = time.monotonic()
    with log_path.open("a") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        finished = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not finished.wait(interval):
                peak = max(peak, tree_rss_bytes(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        finished.set()
        sampler.join()
    return Measured(returncode, time.monotonic() - began, peak)


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and its descendants (0 once it has exited)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parent, resident_pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(parent, []).append(pid)
        rss[pid] = resident_pages * _PAGE_SIZE
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total
