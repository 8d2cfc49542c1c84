"""What the production tests share to run `lumbung` as an operator would: a separate process with
a clean environment (none of the test run's LUMBUNG_*/DATABASE_* or Django settings), and a free
port on loopback."""

from __future__ import annotations

import os
import socket


def clean_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUMBUNG_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixtures
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
