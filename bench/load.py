"""Load check of the asset server: N concurrent keep-alive clients on loopback, for a
fixed time, fetching model.json and a weight shard. Reports requests/s, bytes/s,
latency percentiles and errors (goal: zero errors).

    python -m bench.load [--server waitress|nginx|caddy] [--connections 50] [--seconds 20]
                         [--write docs/load.md]

Starts its own server on a free loopback port unless --url is given: waitress as `make
run` does, or nginx / Caddy with the config `python -m webapp.deploy` generates. Requests stay on this machine and stop by themselves.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from webapp import hosts
from webapp.server import DEFAULT_STATIC as STATIC


def client(
    base: str, paths: list[str], stop_at: float, results: list, lock: threading.Lock
) -> None:
    parsed = urlparse(base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    latencies, errors, sent_bytes, i = [], [], 0, 0
    while time.monotonic() < stop_at:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
            sent_bytes += len(body)
            latencies.append(time.perf_counter() - start)
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error}"[:80])
            connection.close()
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.close()
    with lock:
        results.append((latencies, errors, sent_bytes))


def run(base: str, connections: int, seconds: float) -> dict[str, float]:
    shard = next((STATIC / "models/default").glob("*.bin")).name
    paths = ["/models/default/model.json", f"/models/default/{shard}"]
    results: list = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(base, paths, stop_at, results, lock))
        for _ in range(connections)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for r in results for lat in r[0])
    kinds = sorted({e for r in results for e in r[1]})
    if kinds:
        print("errors seen:", "; ".join(kinds[:5]))
    return {
        "connections": connections,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "mb_per_s": round(sum(r[2] for r in results) / elapsed / 1e6, 1),
        "errors": sum(len(r[1]) for r in results),
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--server", choices=hosts.SERVERS, default="waitress")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--write", type=Path, help="append the result to this markdown file")
    args = parser.parse_args(argv)
    server = None
    base = args.url
    if base is None:
        port = hosts.free_port()
        try:
            server = hosts.start(args.server, STATIC, port)
        except hosts.ServerError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        base = f"http://127.0.0.1:{port}"
    try:
        result = {"server": args.url or args.server, **run(base, args.connections, args.seconds)}
    finally:
        if server:
            hosts.stop(server)
    print(result)
    if args.write:
        row = " | ".join(str(v) for v in result.values())
        if not args.write.exists():
            head = " | ".join(result)
            args.write.write_text(
                "# Asset server load check\n\n`python -m bench.load --write docs/load.md` "
                "(loopback, model.json + the weight shard of `default`, keep-alive clients; "
                "2-core machine shared with the clients; waitress with 8 threads, nginx and "
                "Caddy with the generated configs).\n\n"
                f"| {head} |\n|{'---|' * len(result)}\n"
            )
        with args.write.open("a") as f:
            f.write(f"| {row} |\n")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
