"""``sanwang rescreen`` killed with SIGKILL half-way and started again gives exactly the uninterrupted result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.test_cli import SANWANG
from tests.services.test_rescreen import petitions


def _run(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SANWANG_HOME": str(home)}
    return subprocess.Popen(
        [SANWANG, "rescreen", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


# Two workers: the parent is killed while workers forked from the fork server hold chunks; they finish them (whole
# files) and exit, and the rerun gives the same bytes.
@pytest.mark.parametrize(("workers", "n"), [("1", 3000), ("2", 6000)])
def test_kill_9_then_resume_gives_the_same_bytes(tmp_path: Path, workers: str, n: int) -> None:
    src = petitions(tmp_path / "p.jsonl", n)
    args = ["--workers", workers, "--chunk", "100", "--json"]
    killed = tmp_path / "killed.csv"
    proc = _run(tmp_path, str(src), "--out", str(killed), *args)
    work = Path(f"{killed}.work")
    deadline = time.monotonic() + 120
    while len(list(work.glob("chunk-*.jsonl"))) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed: make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()  # reap it and close its pipes
    done_before = len(list(work.glob("chunk-*.jsonl")))
    assert 3 <= done_before < n // 100 and not killed.exists()
    resumed = _run(tmp_path, str(src), "--out", str(killed), *args)
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    result = json.loads(stdout)
    assert result["resumed_chunks"] >= done_before and result["duplicate_ids"] == 0 and result["petitions"] == n
    clean = tmp_path / "clean.csv"
    whole = _run(tmp_path, str(src), "--out", str(clean), *args)
    whole.communicate(timeout=300)
    assert whole.returncode == 0
    assert killed.read_bytes() == clean.read_bytes()
    assert killed.with_suffix(".jsonl").read_bytes() == clean.with_suffix(".jsonl").read_bytes()


def test_engine_choice_is_checked_and_spark_runs_from_the_command_line(tmp_path: Path) -> None:
    import shutil

    src = petitions(tmp_path / "p.jsonl", 12)
    bad = _run(tmp_path, str(src), "--out", str(tmp_path / "x.csv"), "--engine", "hadoop")
    _, stderr = bad.communicate(timeout=60)
    assert bad.returncode != 0 and "engine must be local or spark" in stderr and "Traceback" not in stderr
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime")
    pytest.importorskip("pyspark")
    run = _run(tmp_path, str(src), "--out", str(tmp_path / "s.csv"), "--engine", "spark", "--master", "local[2]",
               "--json")  # fmt: skip
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    result = json.loads(stdout)
    assert (result["engine"], result["petitions"]) == ("spark", 12)
    assert len((tmp_path / "s.csv").read_text(encoding="utf-8").splitlines()) == 13
