"""A bounded HTTP load generator, run as a second process: `python -m bench.load --port P --token T …`.

Pure standard library so `make bench` needs nothing more: each thread keeps one HTTP/1.1
connection to 127.0.0.1 and sends GETs back to back (a closed loop) until the time or the
request budget runs out. Prints one JSON object: requests, errors, rps and latency percentiles.
"""

import argparse
import http.client
import json
import statistics
import threading
import time

HOST = "127.0.0.1"  # loopback only: this never points at another machine
MAX_SECONDS = 120
MAX_REQUESTS = 200_000


def _percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def _client(port, paths, headers, deadline, budget, lock, out):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    latencies, errors, statuses = [], 0, {}
    sent = 0
    while time.perf_counter() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        path = paths[sent % len(paths)]
        sent += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = "connection"
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies.append(time.perf_counter() - started)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        errors += status != 200
    conn.close()
    with lock:
        out["latencies"].extend(latencies)
        out["errors"] += errors
        for status, count in statuses.items():
            out["statuses"][status] = out["statuses"].get(status, 0) + count


def run(*, port, paths, tokens, seconds, concurrency, max_requests):
    """Drive `concurrency` keep-alive clients for `seconds`; client i uses tokens[i % len(tokens)]."""
    seconds = min(seconds, MAX_SECONDS)
    budget = [min(max_requests, MAX_REQUESTS)]
    out = {"latencies": [], "errors": 0, "statuses": {}}
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    threads = []
    for i in range(concurrency):
        # X-Forwarded-Proto: the app runs with production settings, as behind a TLS proxy.
        headers = {"Authorization": f"Token {tokens[i % len(tokens)]}", "X-Forwarded-Proto": "https"}
        thread = threading.Thread(target=_client, args=(port, paths, headers, deadline, budget, lock, out))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(out["latencies"])
    ms = 1000
    return {
        "requests": len(latencies),
        "errors": out["errors"],
        "statuses": out["statuses"],
        "seconds": round(elapsed, 2),
        "rps": round(len(latencies) / elapsed, 1),
        "concurrency": concurrency,
        "p50_ms": round(statistics.median(latencies) * ms, 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95) * ms, 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99) * ms, 1) if latencies else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", required=True, help="repeat: paths are cycled through")
    parser.add_argument("--token", action="append", required=True, help="repeat: clients share them round-robin")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args()
    result = run(
        port=args.port,
        paths=args.path,
        tokens=args.token,
        seconds=args.seconds,
        concurrency=args.concurrency,
        max_requests=args.max_requests,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
