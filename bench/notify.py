"""`make bench`, reminders: how long `flask notify send` takes on the national data set (the first
run, which queues and delivers what is due, and a second run, which finds nothing new).

From bench/run.py after the national seed: ``for name, value in notify_commands(flask_cli,
env).items(): say(name, value)``. On its own (`python bench/notify.py`): seeds a national data
set in a temporary SQLite database (or BENCH_DATABASE_URL's server is not used here) and prints
the same lines. E-mails go to the log (no MAIL_SERVER), so the timing is the planning, the
queueing and the bookkeeping, not an SMTP server's speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-0123456789abcdef-not-for-production"


def notify_commands(flask_cli: Callable[..., str], env: dict[str, str]) -> dict[str, str]:
    """Seconds and the summary line of `notify send`, run twice."""
    found = {}
    env = {k: v for k, v in env.items() if not k.startswith("MAIL_")}
    for name in ("notify_send", "notify_send_again"):
        started = time.perf_counter()
        output = flask_cli(env, "notify", "send")
        found[f"{name}_seconds"] = f"{time.perf_counter() - started:.1f}"
        found[f"{name}_output"] = output.strip().splitlines()[-1] if output.strip() else ""
    return found


def _flask_cli(env: dict[str, str], *args: str) -> str:
    command = [str(VENV_BIN / "flask"), "--app", "app", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1100)
    parser.add_argument("--actions-per-school", type=int, default=225)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lp-bench-notify-"))
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
            "SECRET_KEY": SECRET,
        }
        env.pop("LEARNINGPACK_ENV", None)
        _flask_cli(env, "db", "upgrade")
        started = time.perf_counter()
        _flask_cli(env, "national", "seed", "--schools", str(args.schools),
                   "--actions-per-school", str(args.actions_per_school))  # fmt: skip
        print(f"seed_seconds: {time.perf_counter() - started:.1f}", flush=True)
        for name, value in notify_commands(_flask_cli, env).items():
            print(f"{name}: {value}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
