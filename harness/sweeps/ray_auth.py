"""Joining a Ray cluster that uses token authentication (`--executor ray --address HOST:PORT`).

Ray (2.59+) turns token authentication on for a cluster `ray start --head` starts on a machine that
has a token (`~/.ray/auth_token`, written by `ray get-auth-token --generate` or by any local
`ray.init()`). A driver that joins with an explicit address does not turn it on by itself: without
`RAY_AUTH_MODE=token` Ray's client retries the unauthenticated call once a second for ~20 s, each
time printing an `InvalidAuthToken` warning, and then reports that there is no cluster.

So before `ray.init(address=...)` the driver asks the cluster's GCS, with one gRPC call, whether it
wants a token and whether it accepts ours; it then sets `RAY_AUTH_MODE=token` for Ray, or raises
the one line that says what is wrong. The token is found where Ray looks for it, in Ray's order:
`RAY_AUTH_TOKEN`, the file `RAY_AUTH_TOKEN_PATH` names, `~/.ray/auth_token`. The trainers need
nothing from the driver: a node's raylet is started with the cluster's token (`ray start` on that
node) and its workers inherit it.
"""

import os
from pathlib import Path

from harness.errors import HarnessError

# A cheap call every GCS answers (Ray's `gcs_service.proto`); its reply is not needed.
PROBE = "/ray.rpc.NodeInfoGcsService/GetClusterId"
PROBE_TIMEOUT_S = 10.0
FIX = ("copy the head node's ~/.ray/auth_token to ~/.ray/auth_token here (or set RAY_AUTH_TOKEN to "
       "what `ray get-auth-token` prints on the head node)")


def find_token() -> tuple[str, str] | None:
    """The token Ray would use, and where it came from; None without one.

    Returns:
        `(token, source)`, e.g. `("ab12...", "~/.ray/auth_token")`, or None.
    """
    if os.environ.get("RAY_AUTH_TOKEN", "").strip():
        return os.environ["RAY_AUTH_TOKEN"].strip(), "RAY_AUTH_TOKEN"
    named = os.environ.get("RAY_AUTH_TOKEN_PATH")
    path, source = (Path(named), "RAY_AUTH_TOKEN_PATH") if named else (
        Path.home() / ".ray" / "auth_token", "~/.ray/auth_token")
    try:
        token = path.read_text().strip()
    except OSError:
        return None
    return (token, f"{source} ({path})") if token else None


def probe(address: str, token: str | None):
    """The gRPC status of one call to the GCS at `address`, with `token` if given."""
    import grpc

    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with grpc.insecure_channel(address) as channel:
        call = channel.unary_unary(PROBE, request_serializer=bytes,
                                   response_deserializer=bytes)
        try:
            call(b"", metadata=metadata, timeout=PROBE_TIMEOUT_S)
        except grpc.RpcError as e:
            return e.code()
    return grpc.StatusCode.OK


def authenticate(address: str) -> None:
    """Before `ray.init(address=address)`: turns token authentication on if the cluster wants it.

    Args:
        address: `HOST:PORT` of the cluster's head (other forms, `auto` or `ray://...`, are left
            to Ray).

    Raises:
        HarnessError: the cluster wants a token and none is found here, or it refuses ours.
    """
    import grpc

    if "://" in address or ":" not in address \
            or os.environ.get("RAY_AUTH_MODE", "").lower() == "disabled":
        return
    if probe(address, None) != grpc.StatusCode.UNAUTHENTICATED:
        return  # no authentication, or no cluster (which ray.init reports)
    found = find_token()
    if found is None:
        raise HarnessError(f"--address {address}: the Ray cluster there requires token "
                           f"authentication and no token was found; {FIX}")
    token, source = found
    if probe(address, token) == grpc.StatusCode.UNAUTHENTICATED:
        raise HarnessError(f"--address {address}: the Ray cluster there refused the "
                           f"authentication token from {source}; it is not this cluster's; "
                           f"{FIX}")
    os.environ["RAY_AUTH_MODE"] = "token"
    # Ray reads the mode into its cached config once; refresh it as Ray's own `ray start` does.
    from ray._raylet import Config

    Config.initialize("")
