"""`harness sweep --executor ray --address` on a cluster started the README's way (`ray start
--head`) with token authentication on: the sweep finds the token where Ray keeps it, and a missing
token is one line saying so, not ~20 s of InvalidAuthToken warnings ending in "no Ray cluster".

The cluster has its own HOME (its token), temp dir and port, and is stopped by killing its process
group (`ray stop` would stop every Ray on the machine, other tests' too).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
import pytest
from test_parallel_sweep import experiment

from harness.sweeps.ray_auth import find_token, probe

RAY = Path(sys.executable).parent / "ray"


def clean_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAY_AUTH", "RAY_ADDRESS"))}
    return env | {"HOME": str(home)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    """A one-CPU head started as the README says, on a machine that has a Ray token."""
    root = Path(tempfile.mkdtemp(prefix="rayauth", dir="/tmp"))  # short: Ray's socket paths
    home = root / "home"
    home.mkdir()
    env = clean_env(home)
    subprocess.run([RAY, "get-auth-token", "--generate"], env=env, check=True,
                   capture_output=True)
    port = free_port()
    head = subprocess.Popen(
        [RAY, "start", "--head", "--port", str(port), "--num-cpus", "1", "--block",
         "--temp-dir", str(root / "rt"), "--include-dashboard=false", "--disable-usage-stats"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        address, token = f"127.0.0.1:{port}", (home / ".ray/auth_token").read_text().strip()
        deadline = time.time() + 300  # a loaded machine starts Ray slowly
        while probe(address, token) != grpc.StatusCode.OK:
            assert time.time() < deadline and head.poll() is None, "the Ray head did not start"
            time.sleep(1)
        assert probe(address, None) == grpc.StatusCode.UNAUTHENTICATED  # token auth is on
        yield address, home
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(head.pid, sig)
            except ProcessLookupError:
                break
            time.sleep(10 if sig == signal.SIGTERM else 0)
        head.wait(timeout=60)


def sweep(address: str, home: Path, out: Path, **env) -> subprocess.CompletedProcess:
    path = experiment(out.parent, epochs=1, seeds=(0,))
    return subprocess.run(
        [sys.executable, "-m", "harness", "sweep", path, "--out", out, "--executor", "ray",
         "--address", address], env=clean_env(home) | env, capture_output=True, text=True,
        timeout=600)


@pytest.mark.slow
def test_a_sweep_joins_a_token_authenticated_cluster_with_the_token_in_home(cluster, tmp_path):
    address, home = cluster
    done = sweep(address, home, tmp_path / "out")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "InvalidAuthToken" not in done.stderr + done.stdout
    assert len(list((tmp_path / "out").glob("*/summary.json"))) == 2


@pytest.mark.slow
def test_without_the_token_the_sweep_is_one_line_saying_how_to_get_it(cluster, tmp_path):
    address, _ = cluster
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    started = time.time()
    done = sweep(address, elsewhere, tmp_path / "out")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "requires token authentication" in lines[0] and "auth_token" in lines[0]
    assert not (tmp_path / "out").exists()
    wrong = sweep(address, elsewhere, tmp_path / "out", RAY_AUTH_TOKEN="not-the-token")
    assert wrong.returncode == 2 and "refused the authentication token from RAY_AUTH_TOKEN" \
        in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1, wrong.stderr
    assert time.time() - started < 120  # not Ray's 20 s of retries per sweep, twice


def test_the_token_is_found_where_ray_looks_in_rays_order(tmp_path, monkeypatch):
    for name in ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert find_token() is None
    (tmp_path / ".ray").mkdir()
    (tmp_path / ".ray/auth_token").write_text("home-token\n")
    assert find_token()[0] == "home-token"
    (tmp_path / "other").write_text("path-token")
    monkeypatch.setenv("RAY_AUTH_TOKEN_PATH", str(tmp_path / "other"))
    assert find_token() == ("path-token", f"RAY_AUTH_TOKEN_PATH ({tmp_path / 'other'})")
    monkeypatch.setenv("RAY_AUTH_TOKEN", "env-token")
    assert find_token() == ("env-token", "RAY_AUTH_TOKEN")
