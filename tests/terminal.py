"""Commands run on a pseudo-terminal, as a user at a shell sees them."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from collections.abc import Mapping

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def drain(fd: int, chunks: list[bytes]) -> None:
    """Read ``fd`` into ``chunks`` until the terminal closes with its process."""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal closed with the process
            return
        if not data:
            return
        chunks.append(data)


def on_terminal(argv: list[str], env: Mapping[str, str], columns: int) -> tuple[int, list[str]]:
    """The exit code and the non-blank lines ``argv`` writes to a terminal ``columns`` wide, its
    escape codes removed."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        argv, env={**env, "COLUMNS": str(columns)}, stdout=child, stderr=subprocess.DEVNULL
    )
    os.close(child)
    chunks: list[bytes] = []
    drain(main, chunks)
    proc.wait(60)
    os.close(main)
    text = _ESCAPES.sub("", b"".join(chunks).decode())
    return proc.returncode, [line for line in text.replace("\r", "").splitlines() if line.strip()]
