"""``lastmile run --port N``: institutions call back on N, and each instance's simulator has a
port of its own that the gateway URL follows (issue I.13); demo mode only where asked for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from lastmile.cli import demo_requested
from lastmile.web.processes import PROCESSES, callback_url, free_port, launch_env, malloc_preload

ROOT = Path(__file__).resolve().parents[3]


def test_callback_url_follows_the_web_port():
    assert callback_url("127.0.0.1", 8123) == "http://127.0.0.1:8123/inquiry/callback/"
    assert callback_url("0.0.0.0", 9000) == "http://127.0.0.1:9000/inquiry/callback/"
    assert callback_url("::", 9000) == "http://[::1]:9000/inquiry/callback/"


def test_free_port_prefers_the_default_and_avoids_a_taken_one():
    with socket.socket() as first:
        first.bind(("127.0.0.1", 0))
        first.listen()
        taken = first.getsockname()[1]
        chosen = free_port(preferred=taken)
        assert chosen != taken
    # Nothing listens on it any more: the preferred port is taken again.
    assert free_port(preferred=chosen) == chosen


def test_two_instances_get_their_own_callback_and_simulator():
    with socket.socket() as first_sim:  # the first instance's simulator listens on 8765
        first_sim.bind(("127.0.0.1", 0))
        first_sim.listen()
        first_port = first_sim.getsockname()[1]
        first = launch_env(
            {"LASTMILE_GATEWAY_URL": f"http://127.0.0.1:{first_port}"}, host="127.0.0.1", port=8000, demo=True
        )
        second = launch_env({}, host="127.0.0.1", port=8001, demo=True)
    assert first["LASTMILE_INQUIRY_CALLBACK_URL"] == "http://127.0.0.1:8000/inquiry/callback/"
    assert second["LASTMILE_INQUIRY_CALLBACK_URL"] == "http://127.0.0.1:8001/inquiry/callback/"
    assert second["LASTMILE_GATEWAY_URL"] != first["LASTMILE_GATEWAY_URL"]
    assert first["LASTMILE_DEMO"] == second["LASTMILE_DEMO"] == "1"
    # Not demo mode: no simulator, so no simulator port is chosen.
    production = launch_env({}, host="127.0.0.1", port=8000, demo=False)
    assert production["LASTMILE_DEMO"] == "0" and "LASTMILE_GATEWAY_URL" not in production
    sim = next(p for p in PROCESSES if p.name == "institutions-sim")
    assert sim.demo_only


def test_lastmile_run_is_demo_mode_only_on_the_embedded_default():
    assert demo_requested(["run"], {})
    assert demo_requested(["run", "--port", "8001"], {})
    assert not demo_requested(["run", "--no-demo"], {})
    assert not demo_requested(["run"], {"DATABASE_URL": "postgres://db/lastmile"})
    assert not demo_requested(["run"], {"LASTMILE_DEMO": "0"})
    assert not demo_requested(["migrate"], {})
    assert not demo_requested([], {})


def test_simulator_listens_where_the_gateway_url_says(tmp_path):
    """A bounded run of the real ``institutions-sim`` process with the environment ``lastmile
    run`` gives it."""
    port = free_port(preferred=0)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LASTMILE_", "DATABASE_URL"))}
    env |= {"LASTMILE_DATA_DIR": str(tmp_path), "LASTMILE_GATEWAY_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lastmile.cli", "institutions-sim", "--latency-scale", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_control", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else b""
                assert time.monotonic() < deadline, "the simulator did not come up"
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_processes_preload_jemalloc_where_the_machine_has_it():
    def found(name):
        return "libjemalloc.so.2" if name == "jemalloc" else None

    assert malloc_preload({}, find=found) == "libjemalloc.so.2"
    assert malloc_preload({}, find=lambda name: None) is None  # a machine without it: glibc's malloc
    assert malloc_preload({"LASTMILE_MALLOC": "system"}, find=found) is None
    assert malloc_preload({"LD_PRELOAD": "libother.so"}, find=found) is None  # never overridden
    env = launch_env({"LASTMILE_MALLOC": "system"}, host="127.0.0.1", port=8000, demo=False)
    assert "LD_PRELOAD" not in env
