"""The live page's server on a folder written by hand: server-sent events as files grow, the end
once summary.json appears, control requests, and every bad request a 4xx (no browser here)."""

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("starlette")
import uvicorn  # noqa: E402

from harness.live.server import make_app  # noqa: E402

HISTORY = "epoch,loss,val_loss,accuracy,val_accuracy\n"


@pytest.fixture
def served(tmp_path):
    """(run folder, base address, token) of a server over a run folder, in this process."""
    run = tmp_path / "run"
    run.mkdir()
    (run / "meta.json").write_text("{}")
    (run / "config.yaml").write_text("model: {activation: sigmoid, depth: 3}\n")
    (run / "history.csv").write_text(HISTORY)
    (tmp_path / "secret.txt").write_text("outside")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    token = "t0ken"
    server = uvicorn.Server(uvicorn.Config(make_app(run, token), log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield run, f"http://127.0.0.1:{sock.getsockname()[1]}", token
    server.should_exit = True
    thread.join(timeout=10)


def request(url, body=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(
                url, data=body, method="POST" if body is not None else "GET"), timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def events(url):
    """Yields (event, data) from a server-sent event stream."""
    with urllib.request.urlopen(url, timeout=20) as r:
        kind, data = "message", ""
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif not line and data:
                yield kind, json.loads(data)
                kind, data = "message", ""


def test_events_follow_the_files_and_end_with_the_run(served):
    run, base, token = served
    stream = events(f"{base}/events?token={token}")
    assert next(stream) == ("hello", {"kind": "run", "name": "run"})
    first = next(stream)[1]
    assert first["config"] == {"model.activation": "sigmoid", "model.depth": 3}
    with open(run / "history.csv", "a") as f:
        f.write("1,0.7,0.69,0.5,0.51\n2,0.6")  # the second line is still being written
    news = next(stream)[1]
    assert news["history"]["rows"] == [[1, 0.7, 0.69, 0.5, 0.51]]
    with open(run / "history.csv", "a") as f:
        f.write(",0.6,0.6,0.6\n")
    assert next(stream)[1]["history"]["rows"] == [[2, 0.6, 0.6, 0.6, 0.6]]
    (run / "summary.json").write_text('{"status": "interrupted"}')
    assert next(stream)[1]["summary"] == {"status": "interrupted"}
    assert next(stream) == ("end", {})  # the page stops listening: no reconnects


def test_control_writes_the_wish_and_refuses_bad_requests(served):
    run, base, token = served
    status, body = request(f"{base}/control?token={token}", b'{"state": "paused"}')
    assert status == 200 and json.loads((run / "control.json").read_text()) == {
        "state": "paused"}
    status, _ = request(f"{base}/control?token={token}", b'{"learning_rate": 0.003}')
    assert json.loads((run / "control.json").read_text()) == {
        "state": "paused", "learning_rate": 0.003}
    for bad in (b'{"state": "sleep"}', b"{nope", b"[]", b"{}", b'{"learning_rate": null}',
                b'{"learning_rate": -1}', b'{"rm": "-rf"}'):
        assert request(f"{base}/control?token={token}", bad)[0] == 400, bad
    assert json.loads((run / "control.json").read_text())["state"] == "paused"  # unchanged


def test_nothing_outside_the_folder_and_nothing_without_the_token(served):
    run, base, token = served
    assert request(f"{base}/control", b'{"state": "stopped"}')[0] == 403
    assert request(f"{base}/?token=wrong")[0] == 403
    assert request(f"{base}/events")[0] == 403
    assert not (run / "control.json").exists()
    assert request(f"{base}/files/history.csv?token={token}") == (200, HISTORY)
    for path in ("files/%2E%2E/secret.txt", "files/..%2Fsecret.txt", "files//etc/passwd",
                 "files/nothing.csv"):
        assert request(f"{base}/{path}?token={token}")[0] == 404, path
    for where in ("..", "../..", "/etc", "%2Fetc"):
        assert request(f"{base}/events?run={where}&token={token}")[0] == 404, where
        assert request(f"{base}/control?run={where}&token={token}", b"{}")[0] == 404, where
    status, page = request(f"{base}/?token={token}")
    assert status == 200 and "page.js" in page and "http" not in page.split("<body")[1][:2000]


def test_watch_refuses_a_missing_folder_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "harness", "watch", str(tmp_path / "no")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ") and "no such folder" in done.stderr


def test_the_server_process_loads_neither_tensorflow_nor_pandas():
    code = ("import sys, harness.cli.commands, harness.live.server, harness.live.launch; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'pandas', 'numpy') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_another_host_gets_a_token_in_the_address(tmp_path):
    # 127.0.0.2 is this machine too, but not the default: as any --host, it needs the token
    (tmp_path / "meta.json").write_text("{}")
    process = subprocess.Popen([sys.executable, "-m", "harness", "watch", str(tmp_path),
                                "--host", "127.0.0.2"], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("live page: http://127.0.0.2:") and "?token=" in line
        address = line.split(": ", 1)[1].strip()
        assert request(address)[0] == 200
        assert request(address.split("?")[0])[0] == 403
        assert request(address.replace("?token=", "?token=x"))[0] == 403
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0  # a stopped page server is no error
