"""Run svexcel with its standard error on a pseudo-terminal, as an officer's console is (POSIX only)."""

from __future__ import annotations

import os
import subprocess
import sys


def run_on_a_terminal(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess[bytes], bytes]:
    """``python -m svexcel ARGS`` with stdin and stderr on a 100-column pseudo-terminal; the process and what it drew there."""
    import fcntl
    import select
    import struct
    import termios

    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a real terminal's size
    process = subprocess.run([sys.executable, "-m", "svexcel", *args], stdin=follower, stdout=subprocess.PIPE, stderr=follower,
                             timeout=timeout)
    os.close(follower)
    terminal = b""
    while select.select([leader], [], [], 0.1)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    return process, terminal
