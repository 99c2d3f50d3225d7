"""Benchmark: plate reads through the MQTT broker → match → alert → the command center's stream.

    uv run python bench/watch.py            # 200,000 reads, 2,000 watched vehicles
    uv run python bench/watch.py --quick    # 40,000 reads
    uv run python bench/watch.py --workers 1

Runs in a sandbox of its own (``bench/_harness.py``). The broker is the real one when it answers
on 127.0.0.1:1883 (mosquitto), else the embedded amqtt broker on a free port (one worker: amqtt
has no shared subscriptions). It measures the deployed shape: ``WORKERS`` listener processes
(:func:`lastmile.watch.listener.workers_start`, what ``lastmile watch-listen`` runs; default from
``LASTMILE["WATCH"]["WORKERS"]``) on the shared subscription ``$share/lastmile/<topic>``. A
publisher process plays the cameras: it sends the reads (QoS 0, one MQTT message per read) over
a plain socket, fifty messages per write, as cheaply as it can, since on the deployed system the
cameras are other machines and must not take the server's CPU. The listeners receive, validate,
match and write the hits; a reader iterates the command center's stream view
(``/watch/stream/?wait=``, Server-Sent Events) as a command-center login.

Figures: reads per second from the first publish to the last read processed; p50/p99 time from
the publish of the read that raised an alert to that alert's event on the stream; CPU per read
of the listeners, of mosquitto (when its pid is readable) and of the publisher; the load
average. Baseline, in the same run: the broker's raw rate (the same payloads, the same publisher
→ one plain subscriber that only counts them), and the ratio between the two. Goal: ≥ 20,000
reads/s and p99 < 200 ms. Progress goes to stderr; the LAST line of stdout is one JSON object
(docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._harness import Sandbox, emit, log  # noqa: E402

GOAL_RATE = 20_000
GOAL_P99_MS = 200.0
HIT_EVERY = 400  # one read in this many is a watched car (some misread by one character)
# At most this many reads published and not yet consumed: a broker drops what a slow subscriber
# has not taken past its queue limit (mosquitto: max_queued_messages, 1000), so both runs keep
# below it and measure the rate the consumers sustain, not the rate of loss.
WINDOW = 800
CHUNK = 50  # messages per socket write of the publisher


def broker_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (Linux /proc), None when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def mosquitto_pid() -> int | None:
    try:
        return int(Path("/run/mosquitto/mosquitto.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def payloads(n: int, watched: list[str], now_iso: str) -> tuple[list[bytes], dict[int, str]]:
    """``n`` reads; every HIT_EVERY-th is a watched plate (every other one misread). Returns the
    payloads and {index: message id} of the hits."""
    import random

    from lastmile.watch.sim import LOTS, misread, random_plate

    rng = random.Random(7)
    out: list[bytes] = []
    hits: dict[int, str] = {}
    for i in range(n):
        lot = LOTS[i % len(LOTS)]
        if i % HIT_EVERY == HIT_EVERY - 1:
            plate = watched[(i // HIT_EVERY) % len(watched)]
            plate = misread(rng, plate) if i % 2 else plate
            hits[i] = f"{lot.code}-cam1:m{i}"
        else:
            plate = random_plate(rng, "湘K")  # a prefecture none of the watched cars is from
        out.append(
            json.dumps(
                {
                    "id": f"m{i}",
                    "plate": plate,
                    "colour": "蓝",
                    "time": now_iso,
                    "camera": f"{lot.code}-cam1",
                    "place": lot.name,
                    "lat": lot.lat,
                    "lng": lot.lng,
                    "confidence": 0.9,
                    "image": f"lpr://{lot.code}/m{i}.jpg",
                },
                ensure_ascii=False,
            ).encode()
        )
    return out, hits


def publisher(host, port, topic, data, hits, counters, out):  # type: ignore[no-untyped-def]
    """Publish ``data`` (QoS 0) from a process of its own, CHUNK messages per write, never more
    than WINDOW ahead of the consumers (``counters``: each consumer's count of reads); put
    {hit message id: perf_counter at publish} and the process's CPU seconds on ``out``
    (perf_counter is the system's monotonic clock, the same in every process)."""
    from lastmile.watch.mqtt import CONNACK, CONNECT, DISCONNECT, PUBLISH, _packet, _string

    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(
        _packet(CONNECT << 4, _string("MQTT") + bytes([4, 2, 0, 60]) + _string(f"bench-pub-{os.getpid()}"))
    )
    ack = sock.recv(4)
    assert ack[0] >> 4 == CONNACK and ack[3] == 0, ack
    prefix = _string(topic)
    packets = [_packet(PUBLISH << 4, prefix + p) for p in data]
    hit_at = sorted(hits)
    h = 0
    sent_at: dict[str, float] = {}
    cpu0 = time.process_time()
    i, n = 0, len(packets)
    while i < n:
        if i - sum(c.value for c in counters) > WINDOW:
            time.sleep(0.0002)
            continue
        j = min(n, i + CHUNK)
        at = time.perf_counter()
        while h < len(hit_at) and hit_at[h] < j:
            sent_at[hits[hit_at[h]]] = at
            h += 1
        sock.sendall(b"".join(packets[i:j]))
        i = j
    cpu = time.process_time() - cpu0
    time.sleep(0.2)
    sock.sendall(bytes([DISCONNECT << 4, 0]))
    sock.close()
    out.put((sent_at, cpu))


def publish_in_process(host, port, topic, data, hits, counters):  # type: ignore[no-untyped-def]
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=publisher, args=(host, port, topic, data, hits, counters, out), daemon=True)
    proc.start()
    return proc, out


def shared_counter():  # type: ignore[no-untyped-def]
    import multiprocessing as mp

    return mp.get_context("fork").Value("q", 0, lock=False)


def raw_rate(host: str, port: int, data: list[bytes]) -> tuple[float, float | None]:
    """The broker's raw rate: the same payloads from the publisher process to one plain
    subscriber (the listener's MQTT reader) that only counts them; and mosquitto's CPU µs per
    message in that run."""
    from lastmile.watch.mqtt import Subscriber

    consumed = shared_counter()
    sub = Subscriber(f"mqtt://{host}:{port}", "bench/raw/#", qos=0, client_id=f"bench-raw-{os.getpid()}")
    sub.connect()
    done = threading.Event()
    last = {"at": 0.0}

    def count() -> None:
        n = 0
        while n < len(data):
            got = sub.read(0.5)
            if not got and done.is_set():
                return
            n += len(got)
            consumed.value = n
        last["at"] = time.perf_counter()

    reader = threading.Thread(target=count, daemon=True)
    reader.start()
    mpid = mosquitto_pid()
    m0 = cpu_seconds(mpid) if mpid else None
    start = time.perf_counter()
    proc, out = publish_in_process(host, port, "bench/raw/lot/cam1", data, {}, [consumed])
    reader.join(60)
    done.set()
    out.get(timeout=30)
    proc.join(timeout=10)
    m1 = cpu_seconds(mpid) if mpid else None
    sub.close()
    n = consumed.value
    if n < len(data):
        log(f"raw: only {n} of {len(data)} arrived")
        return n / (time.perf_counter() - start), None
    mosq = (m1 - m0) / n * 1e6 if m0 is not None and m1 is not None else None
    return len(data) / (last["at"] - start), mosq


def run(n: int, n_watched: int, workers: int) -> tuple[dict, dict]:
    from django.test import RequestFactory
    from django.utils import timezone

    from lastmile.accounts.models import Court, Role
    from lastmile.accounts.services import courts_load
    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register
    from lastmile.testing.factories import OrganisationFactory, PersonFactory, UserFactory
    from lastmile.watch.broker import EmbeddedBroker
    from lastmile.watch.listener import workers_start, workers_stop
    from lastmile.watch.matching import plate_key
    from lastmile.watch.models import Sighting, WatchEntry
    from lastmile.watch.sim import SERIAL
    from lastmile.watch.views import stream

    embedded = None
    if broker_answers("127.0.0.1", 1883):
        host, port, broker = "127.0.0.1", 1883, "mosquitto (127.0.0.1:1883)"
    else:
        host, port = "127.0.0.1", free_port()
        embedded = EmbeddedBroker(host, port)
        embedded.start()
        broker = f"amqtt embedded (127.0.0.1:{port})"
        workers = 1  # amqtt has no shared subscriptions
    log(f"broker: {broker}")

    now = timezone.now()
    courts_load()
    court = Court.objects.get(code="湘0104")
    officer = UserFactory(court=court, role=Role.ENFORCEMENT_JUDGE, username="bench_officer")
    center = UserFactory(court=court, role=Role.COMMAND_CENTER, username="bench_center")
    debtor = PersonFactory()
    case = case_register(
        court=court,
        type_code="执",
        parties=[
            PartyInRole(OrganisationFactory(), PartyRole.APPLICANT),
            PartyInRole(debtor, PartyRole.RESPONDENT),
        ],
        actor=None,
        now=now,
        cause="金融借款合同纠纷",
        officer=officer,
    )
    serial = [c for c in SERIAL if c not in "IO"]
    watched = [
        "湘A" + "".join(serial[(i // len(serial) ** k) % len(serial)] for k in range(5))
        for i in range(n_watched)
    ]
    WatchEntry.objects.bulk_create(
        [
            WatchEntry(
                court=court,
                case=case,
                debtor=debtor,
                kind="vehicle",
                source="officer",
                plate=p,
                plate_key=plate_key(p),
                officer=officer,
                ruling_number="bench",
                starts_at=now,
                expires_on=now.date().replace(year=now.year + 2),
                created_at=now,
            )
            for p in watched
        ]
    )
    data, hits = payloads(n, watched, now.isoformat())

    load_before = os.getloadavg()
    log(f"raw broker rate: {n} messages …")
    raw, mosq_raw = raw_rate(host, port, data)
    log(f"raw: {raw:,.0f} msg/s")

    progress = [shared_counter() for _ in range(workers)]
    procs = workers_start(
        workers,
        broker_url=f"mqtt://{host}:{port}",
        topic="bench/plates/#",
        qos=0,
        client_id=f"bench-{os.getpid()}",
        sync=False,
        progress=progress,
    )
    time.sleep(2.0)  # the workers load the watch list and subscribe

    # the command center's stream, read as a command-center login
    arrivals: dict[int, float] = {}
    stream_stop = threading.Event()

    def read_stream() -> None:
        factory = RequestFactory()
        after = 0
        while not stream_stop.is_set():
            request = factory.get("/watch/stream/", {"wait": "5", "after": str(after)})
            request.user = center
            response = stream(request)
            for chunk in response.streaming_content:  # type: ignore[attr-defined]
                text = chunk.decode() if isinstance(chunk, bytes) else chunk
                for block in text.split("\n\n"):
                    if block.startswith("id: "):
                        alert_id = int(block.split("\n", 1)[0][4:])
                        arrivals.setdefault(alert_id, time.perf_counter())
                        after = max(after, alert_id)
                if stream_stop.is_set():
                    break

    reader = threading.Thread(target=read_stream, daemon=True)
    reader.start()
    time.sleep(0.5)

    log(f"pipeline: {n} reads, {len(hits)} of them watched cars, {workers} listener process(es) …")
    mpid = mosquitto_pid()
    m0 = cpu_seconds(mpid) if mpid else None
    w0 = [cpu_seconds(p.pid) or 0.0 for p in procs]
    start = time.perf_counter()
    proc, out = publish_in_process(host, port, "bench/plates/lot/cam1", data, hits, progress)
    deadline = time.monotonic() + 120
    while sum(c.value for c in progress) < n and time.monotonic() < deadline:
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    received = sum(c.value for c in progress)
    w1 = [cpu_seconds(p.pid) or 0.0 for p in procs]
    m1 = cpu_seconds(mpid) if mpid else None
    sent_at, pub_cpu = out.get(timeout=30)
    proc.join(timeout=10)
    time.sleep(1.5)  # the last alerts reach the stream
    stream_stop.set()
    workers_stop(procs)
    reader.join(timeout=10)
    load_after = os.getloadavg()
    if embedded is not None:
        embedded.stop()

    latencies = []
    first = {}
    for s in Sighting.objects.order_by("id").values("alert_id", "message_id"):
        first.setdefault(s["alert_id"], s["message_id"].split("#", 1)[0])
    for alert_id, msg_id in first.items():
        if alert_id in arrivals and msg_id in sent_at:
            latencies.append((arrivals[alert_id] - sent_at[msg_id]) * 1000)
    latencies.sort()

    def pct(q: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None

    rate = received / elapsed
    figures = {
        "broker": broker,
        "workers": workers,
        "reads": n,
        "reads_processed": received,
        "watched_vehicles": n_watched,
        "watched_reads": len(hits),
        "alerts": len(first),
        "alerts_on_stream": len(arrivals),
        "reads_per_s": round(rate),
        "publish_to_stream_p50_ms": pct(0.5),
        "publish_to_stream_p99_ms": pct(0.99),
        "per_worker_reads": [c.value for c in progress],
        "listener_cpu_us_per_read": round((sum(w1) - sum(w0)) / received * 1e6, 2) if received else None,
        "mosquitto_cpu_us_per_read": round((m1 - m0) / received * 1e6, 2)
        if m0 is not None and m1 is not None and received
        else None,
        "publisher_cpu_us_per_read": round(pub_cpu / n * 1e6, 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "cores": os.cpu_count(),
        "ratio": round(rate / raw, 3) if raw else None,
    }
    baseline = {
        "broker_raw_publish_per_s": round(raw),
        "mosquitto_cpu_us_per_msg": round(mosq_raw, 2) if mosq_raw is not None else None,
        "what": "same payloads, same publisher → one counting subscriber (the listener's MQTT reader)",
    }
    return figures, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40,000 reads")
    parser.add_argument("--reads", type=int, default=None)
    parser.add_argument("--watched", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None, help="listener processes (default: WORKERS)")
    args = parser.parse_args()
    n = args.reads or (40_000 if args.quick else 200_000)
    with Sandbox("watch") as box:
        os.environ.setdefault("LASTMILE_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
        import django

        django.setup()
        from django.core.management import call_command

        log(f"migrating the {box.database} database …")
        call_command("migrate", verbosity=0)
        from lastmile.watch.conf import listener_workers

        workers = args.workers or listener_workers()
        figures, baseline = run(n, args.watched, workers)
    ratio = figures.pop("ratio")
    p99 = figures["publish_to_stream_p99_ms"]
    emit(
        bench="watch",
        mode="quick" if args.quick else "full",
        database=box.database,
        workers=figures["workers"],
        figures=figures,
        baseline=baseline,
        ratio=ratio,
        ratio_means="reads matched per second / the broker's raw publish rate (higher is better)",
        goal={"reads_per_s_min": GOAL_RATE, "publish_to_stream_p99_ms_max": GOAL_P99_MS},
        goal_met=(
            figures["reads_per_s"] >= GOAL_RATE
            and p99 is not None
            and p99 < GOAL_P99_MS
            and figures["reads_processed"] == figures["reads"]
            and figures["alerts_on_stream"] == figures["alerts"]
        ),
        started=box.started,
    )


if __name__ == "__main__":
    main()
