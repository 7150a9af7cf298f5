"""The live page's server: a Starlette app over one run or sweep folder, served by uvicorn.

    GET  /              the page (`page.html`, `page.js`: plain SVG, no CDN, works offline)
    GET  /events?run=R  server-sent events: the folder's news (`harness.live.folder`) as it is
                        written, then `end` once the run (or every run of a sweep) has ended
    POST /control?run=R a JSON wish, `{"state": ..., "learning_rate": ...}`, merged into
                        R/control.json (`harness.rundir.control`), which the run reads between
                        epochs
    GET  /files/P       a file of the folder (a finished run's report.html and its images)

R and P are paths inside the watched folder ('' for the folder itself); anything that resolves
outside it, through `..`, an absolute path or a symbolic link, is a 404. Bound to 127.0.0.1 unless
`--host` says otherwise, and then every request must carry the token printed in the address (403
without it), as Jupyter does. The process reads files only: no TensorFlow, no pandas.
"""

import asyncio
import json
import os
import secrets
import threading
import time
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from harness.live.folder import RunFeed, SweepFeed, is_run_dir, run_dirs
from harness.rundir.control import CONTROL, BadControl, write_control

TICK_S = 0.25  # how often the server looks at the folder's files (the page itself never polls)
HEARTBEAT_S = 15.0  # a comment line this often lets a closed page's stream be noticed
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def new_token(host: str) -> str | None:
    """A random token when `host` lets other machines in; None on this machine alone."""
    return None if host in LOCAL_HOSTS else secrets.token_urlsafe(18)


def inside(root: Path, relative: str) -> Path | None:
    """`root/relative` if it stays inside `root` once resolved (links followed), else None."""
    if relative.startswith(("/", "\\")) or "\x00" in relative:
        return None
    try:
        path = (root / relative).resolve()
    except (OSError, ValueError):
        return None
    return path if path == root or root in path.parents else None


def kind_of(folder: Path) -> str:
    """`run` for a run folder (or one not yet made), `sweep` for a folder of runs."""
    if is_run_dir(folder) or not folder.exists():
        return "run"
    return "sweep" if run_dirs(folder) or (folder / "runs.csv").exists() else "run"


def finished(feed, folder: Path) -> bool:
    if isinstance(feed, RunFeed):
        return bool(feed.seen.get("summary.json"))  # summary.json is written last, and was sent
    runs = feed.last or []
    return bool(runs) and all(r["status"] for r in runs) and (folder / "summary.csv").exists()


def make_app(root: str | Path, token: str | None = None, kind: str | None = None) -> Starlette:
    """The app over `root` (a run or sweep folder; a run folder may not exist yet).

    Args:
        root: the watched folder.
        token: required as `?token=` on every request when not None.
        kind: `run` or `sweep`, what `root` is (for a folder not yet made); None to look.
    """
    root = Path(root).resolve()
    page = resources.files("harness.live")

    def allowed(request: Request) -> bool:
        return token is None or secrets.compare_digest(request.query_params.get("token", ""),
                                                       token)

    def target(request: Request) -> Path | None:
        return inside(root, request.query_params.get("run", ""))

    async def index(request: Request) -> Response:
        if not allowed(request):
            return Response("403: add the ?token=... printed with the address\n", 403)
        html = page.joinpath("page.html").read_text(encoding="utf-8")
        return Response(html.replace("{{TITLE}}", root.name), media_type="text/html")

    async def script(request: Request) -> Response:
        return Response(page.joinpath("page.js").read_text(encoding="utf-8"),
                        media_type="text/javascript")

    async def events(request: Request) -> Response:
        if not allowed(request):
            return Response("403: token missing or wrong\n", 403)
        folder = target(request)
        if folder is None or (folder != root and not folder.is_dir()):
            return Response("404: no such folder inside the watched one\n", 404)
        what = kind if kind and folder == root else kind_of(folder)
        feed = RunFeed(folder) if what == "run" else SweepFeed(folder)
        return StreamingResponse(stream(feed, folder, what), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    async def control(request: Request) -> Response:
        if not allowed(request):
            return JSONResponse({"error": "token missing or wrong"}, 403)
        folder = target(request)
        if folder is None or not folder.is_dir() or kind_of(folder) != "run":
            return JSONResponse({"error": "no run folder there"}, 404)
        try:
            body = json.loads(await request.body() or b"null")
            if (not isinstance(body, dict) or not body or set(body) - {"state", "learning_rate"}
                    or None in body.values()):
                raise BadControl('send a JSON object with "state" and/or "learning_rate"')
            wish = write_control(folder, body.get("state"), body.get("learning_rate"))
        except (ValueError, BadControl) as e:
            return JSONResponse({"error": f"{CONTROL}: {e}"}, 400)
        return JSONResponse(wish._asdict())

    async def files(request: Request) -> Response:
        if not allowed(request):
            return Response("403\n", 403)
        path = inside(root, request.path_params["path"])
        if path is None or not path.is_file():
            return Response("404\n", 404)
        return FileResponse(path)

    return Starlette(routes=[
        Route("/", index), Route("/page.js", script), Route("/events", events),
        Route("/control", control, methods=["POST"]), Route("/files/{path:path}", files)])


async def stream(feed, folder: Path, kind: str):
    """The server-sent events of one open page: `hello`, then the news, then `end`."""
    yield f"event: hello\ndata: {json.dumps({'kind': kind, 'name': folder.name})}\n\n"
    quiet = 0.0
    while True:
        news = feed.update()
        if news:
            yield f"data: {json.dumps(news, allow_nan=False)}\n\n"
            quiet = 0.0
        if finished(feed, folder):
            yield "event: end\ndata: {}\n\n"  # the page stops listening: no reconnects
            return
        await asyncio.sleep(TICK_S)
        quiet += TICK_S
        if quiet >= HEARTBEAT_S:
            yield ": still here\n\n"
            quiet = 0.0


def serve(root: str | Path, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
          ready=None, kind: str | None = None, with_parent: bool = False) -> None:
    """Serves `root` until Ctrl-C or SIGTERM.

    Args:
        root: the run or sweep folder.
        host: the address to bind; another than this machine's needs `token`.
        port: the port; 0 for a free one.
        token: see `make_app`.
        ready: called with the page's address once the server listens.
        kind: see `make_app`.
        with_parent: stop when the process that started this one ends, however it ends (a run
            killed with SIGKILL leaves no page server behind).
    """
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)  # from now on a page that connects waits for the server, not refused
    config = uvicorn.Config(make_app(root, token, kind), log_level="warning",
                            timeout_graceful_shutdown=1, lifespan="off")
    server = uvicorn.Server(config)
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{sock.getsockname()[1]}/" + (f"?token={token}" if token else ""))
    if with_parent:
        threading.Thread(target=_exit_with_parent, args=(server, os.getppid()),
                         daemon=True).start()
    server.run(sockets=[sock])


def _exit_with_parent(server, parent: int) -> None:
    while not server.should_exit:
        time.sleep(1.0)
        if os.getppid() != parent:  # re-parented: the run that started us is gone
            server.should_exit = True
