"""Time every page in bench/pages.py against the floor, then load-test two of them.

    DJANGO_ENV=production ... python -m bench [--repeat 15] [--seconds 10] [--out FILE]

`make bench` sets the environment. Each round visits the pages in a new random order, and
before each page requests the floor (a login-required "ok") as the same user, so the floor and
the pages share the machine's ups and downs. Query counts, the time spent in SQL and the memory
a request allocates (tracemalloc's peak) come from extra requests per page outside the timed
rounds. Then gunicorn with 2 workers serves the pages marked `load`, and a few processes on
loopback request them as fast as they are answered, for a fixed time each, the floor first.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from common.startup import settle  # noqa: E402

settle()  # as bridging.wsgi does in production

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import PAGES, USERNAMES, Page, targets  # noqa: E402

FLOOR = Page(None, "floor", "bench_floor")


def main():
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--seconds", type=float, default=10, help="per load test (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="load generators (default 4)")
    parser.add_argument("--only", help="only pages whose label contains one of these (a,b,c)")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--out", default="var/bench/latest.json")
    args = parser.parse_args()

    found = targets()
    only = [text.strip() for text in (args.only or "").split(",") if text.strip()]
    pages = [p for p in PAGES if not only or any(text in p.label for text in only)]
    clients = _clients()
    floor_url = reverse("bench_floor")

    def request(page: Page, number=0) -> int:
        """Make the request and read the answer to the end; return its size in bytes."""
        client = clients[page.user or "koordinator"]
        url = floor_url if page.url_name == "bench_floor" else page.url(found)
        headers = {"HX-Request": "true"} if page.htmx else {}
        headers.update(page.headers(found) if page.headers else {})
        if page.method == "post":
            # Encoded as a browser posts a form without files, and as htmx does: the test
            # client's default, multipart, costs Django about a millisecond more to parse.
            response = client.post(
                url,
                urlencode(page.data(found, number)),
                content_type="application/x-www-form-urlencoded",
                secure=True,
                headers=headers,
            )
        else:
            response = client.get(url, secure=True, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{page.label}: {url} answered {response.status_code}")
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    # Once per page, untimed: warm the caches, count the queries, measure the memory.
    facts = {}
    for number, page in enumerate([FLOOR, *pages]):
        print(f"warming up: {page.label}", file=sys.stderr, flush=True)
        # Counted as assertNumQueries counts them. Read the count at once: on leaving, the
        # context lets Django empty the query log again when the next request starts.
        if page.method == "post":
            request(page, number)  # what the counted request posts changes what it finds
        with CaptureQueriesContext(connection) as queries:
            size = request(page, number + 1)
        query_count = len(queries)
        # A second, warm request tells how much of a page's time is spent in the database.
        # (Each request with the next number: a page that posts, say marking, alternates what
        # it posts, so each of these is a correction, not a repeat of the one before.)
        with CaptureQueriesContext(connection) as queries:
            request(page, number + 2)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000
        tracemalloc.start()
        request(page, number + 3)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        facts[page.label] = {
            "queries": query_count,
            "sql_ms": round(sql_ms, 1),
            "peak_mb": round(peak / 2**20, 1),
            "kb": round(size / 1024),
        }

    samples = {page.label: [] for page in pages}
    floor_samples = []
    for round_number in range(args.repeat):
        order = pages[:]
        random.shuffle(order)
        for page in order:
            started = time.perf_counter()
            request(_floor_for(page))
            floor_samples.append(time.perf_counter() - started)
            started = time.perf_counter()
            request(page, round_number)
            samples[page.label].append(time.perf_counter() - started)
        print(f"round {round_number + 1}/{args.repeat}", file=sys.stderr, flush=True)

    floor_median = statistics.median(floor_samples)
    rows = [_row(FLOOR, floor_samples, floor_median, facts)]
    rows += [_row(page, samples[page.label], floor_median, facts) for page in pages]
    floor_queries = facts["floor"]["queries"]
    for row in rows:
        row["queries_beyond_floor"] = row["queries"] - floor_queries
    _print_table(rows)

    load = []
    if not args.no_load:
        load = _load_tests(clients, found, pages, args, floor_url)
    result = {
        "machine": _machine(),
        "data": {"participants_in_koordinators_project": found["participants"], **_counts()},
        "repeat": args.repeat,
        "pages": rows,
        "load": load,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {out}")


def _floor_for(page):
    return Page(page.user, "floor", "bench_floor")


def _clients():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    clients = {}
    for name in USERNAMES:
        client = Client()
        client.force_login(users[name])
        clients[name] = client
    return clients


def _percentile(values, share):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def _row(page, values, floor_median, facts):
    median = statistics.median(values)
    return {
        "page": page.label,
        "user": page.user or "",
        "median_ms": round(median * 1000, 1),
        "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
        "x_floor": round(median / floor_median, 1),
        **facts[page.label],
    }


def _print_table(rows):
    print(
        f"\n{'page':<34} {'user':<12} {'median':>8} {'p95':>8} {'× floor':>8} "
        f"{'queries':>7} {'+floor':>6} {'SQL':>8} {'MB':>6}"
    )
    for row in rows:
        print(
            f"{row['page']:<34} {row['user']:<12} {row['median_ms']:>6.1f}ms "
            f"{row['p95_ms']:>6.1f}ms {row['x_floor']:>8.1f} {row['queries']:>7} "
            f"{row['queries_beyond_floor']:>6} {row['sql_ms']:>6.1f}ms {row['peak_mb']:>6.1f}"
        )


# --- requests per second under gunicorn ------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load_tests(clients, found, pages, args, floor_url):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "TRUST_X_FORWARDED_PROTO": "1"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "bridging.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        _wait_for(port)
        targets_under_load = [("floor", floor_url, "instruktor")]
        targets_under_load += [(p.label, p.url(found), p.user) for p in pages if p.load]
        results = []
        for label, url, user in targets_under_load:
            cookie = clients[user].cookies[settings.SESSION_COOKIE_NAME].value
            _hammer(port, url, cookie, 2, args.concurrency)  # warm both workers
            count, errors = _hammer(port, url, cookie, args.seconds, args.concurrency)
            results.append(
                {
                    "page": label,
                    "user": user,
                    "requests_per_s": round(count / args.seconds, 1),
                    "errors": errors,
                }
            )
        floor_rate = results[0]["requests_per_s"] or 1
        print(f"\n{'under load (gunicorn, 2 workers)':<34} {'req/s':>8} {'of floor':>9}")
        for result in results:
            result["share_of_floor"] = round(result["requests_per_s"] / floor_rate, 2)
            print(
                f"{result['page']:<34} {result['requests_per_s']:>8.1f} "
                f"{result['share_of_floor']:>9.2f}"
                + (f"  {result['errors']} errors" if result["errors"] else "")
            )
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _hammer(port, url, cookie, seconds, concurrency):
    with multiprocessing.Pool(concurrency) as pool:
        results = pool.starmap(_generator, [(port, url, cookie, seconds)] * concurrency)
    return sum(r[0] for r in results), sum(r[1] for r in results)


def _generator(port, url, cookie, seconds):
    """One load generator: a request at a time, as fast as they are answered."""
    headers = {
        "Host": "127.0.0.1",
        "X-Forwarded-Proto": "https",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
    }
    done = errors = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", url, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            conn.close()
    return done, errors


# --- what it ran on -----------------------------------------------------------------------------


def _machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgres,
        "production_settings": not settings.DEBUG,
    }


def _counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in [
            "participants_participant",
            "partnerships_offer",
            "partnerships_organisation",
            "bridging_course",
            "bridging_session",
            "bridging_attendance",
            "bridging_assessment",
            "bridging_handoverparticipant",
            "partnerships_localpartnership",
        ]:
            cursor.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{table}'")
            counts[table] = cursor.fetchone()[0]
        return counts


if __name__ == "__main__":
    main()
