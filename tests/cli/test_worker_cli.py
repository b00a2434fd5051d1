"""``sanwang worker``: a real huey consumer picks up the job an import enqueues (SQLite queue, and Redis)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.cli.test_cli import SANWANG, home, js, run  # noqa: F401  (home is a fixture)
from tests.services.test_import import GOOD, write_csv


def _worker(h: Path, env_extra: dict[str, str]) -> subprocess.Popen[str]:
    env = {**os.environ, "SANWANG_HOME": str(h), **env_extra}
    env.pop("SANWANG_DATABASE_URL", None)
    return subprocess.Popen([SANWANG, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_done(h: Path, env_extra: dict[str, str], proc: subprocess.Popen[str]) -> dict[str, int]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        # Polled in this process: starting a new one every half second cost more than the work waited for.
        status = json.loads(run(h, "worker", "--status", "--json", env_extra=env_extra).stdout)
        if status["entities"] == 0 and status["queued_jobs"] == 0:
            return dict(status)
        time.sleep(0.5)
    raise AssertionError("the worker did not finish the pending work in time")


def _check(h: Path, queue_env: dict[str, str], tmp_path: Path) -> None:
    src = write_csv(tmp_path / "ledger.csv", GOOD)
    run(h, "clue", "import", str(src), "--json", user="clerk", env_extra=queue_env)
    before = json.loads(run(h, "worker", "--status", "--json", env_extra=queue_env).stdout)
    assert before["entities"] > 0  # the import left entity extraction to the worker
    proc = _worker(h, queue_env)
    try:
        _wait_until_done(h, queue_env, proc)
    finally:
        proc.send_signal(signal.SIGINT)  # huey's graceful stop
        proc.communicate(timeout=60)
    numbers = [c["number"] for c in js(h, "clue", "list", user="clerk")]
    shown = js(h, "clue", "show", numbers[0], user="clerk")
    assert shown["entities"] and all(shown["summary"][e["start"] : e["end"]] == e["text"] for e in shown["entities"])


def test_worker_on_the_sqlite_queue(home: Path, tmp_path: Path) -> None:  # noqa: F811
    _check(home, {}, tmp_path)
    assert (home / "jobs.db").exists()


def test_worker_on_a_redis_queue(home: Path, tmp_path: Path) -> None:  # noqa: F811
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    # A queue name of its own, so parallel runs never take each other's jobs; its keys are removed afterwards.
    name = f"test-{uuid.uuid4().hex[:8]}"
    try:
        _check(home, {"SANWANG_REDIS_URL": url, "SANWANG_QUEUE": name}, tmp_path)
        assert not (home / "jobs.db").exists()
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)
