"""The processes of the embedded default, started and stopped together by ``lastmile run``.

Apps that bring a process (the institutions simulator, the MQTT broker, the plate listener and
the camera simulator) add it to
:data:`PROCESSES`; ``run`` starts each in order and stops all of them on Ctrl-C.

Every process gets the same environment (:func:`launch_env`): institutions call back on the port
the web process really listens on, and the simulator of each ``lastmile run`` listens on its own
free port (two instances on one machine never share or fight over one simulator); the gateway
URL of the worker follows it. Both can be pinned with ``LASTMILE_INQUIRY_CALLBACK_URL`` and
``LASTMILE_GATEWAY_URL``.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Process:
    name: str
    label: str
    argv: Callable[[str, int], list[str]]  # (host, port) -> argv
    oneshot: bool = False  # runs once to completion; its exit does not stop the others
    demo_only: bool = False  # started only in demo mode
    # started only when this environment variable is "1" (the embedded MQTT broker: not when
    # LASTMILE_MQTT_URL points at mosquitto or EMQX)
    only_if: str = ""


def _python() -> str:
    return sys.executable


PROCESSES: list[Process] = [
    Process(
        "web",
        "网页与接口",
        lambda host, port: [
            _python(),
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            # One worker per core, 4 threads each (docs/configuration.md, "Web server").
            "--workers",
            str(max(2, os.cpu_count() or 1)),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ],
    ),
    Process(
        "worker",
        "后台任务",
        lambda host, port: [_python(), "-m", "lastmile.cli", "db_worker", "--queue-name", "*"],
    ),
    # Document batches are split into one task per core (BATCH_WORKERS); the worker above takes
    # one, these take the others.
    *[
        Process(
            f"documents-worker-{k}",
            "批量文书生成",
            lambda host, port: [_python(), "-m", "lastmile.cli", "db_worker", "--queue-name", "documents"],
        )
        for k in range(1, max(2, os.cpu_count() or 1))
    ],
    # 查控: the institutions' answers, stored by the callback, applied in batches per case; due
    # orders sent (on PostgreSQL more of these can run side by side: SKIP LOCKED).
    Process(
        "inquiry-worker",
        "网络查控回执处理与指令发送",
        lambda host, port: [_python(), "-m", "lastmile.cli", "inquiry-worker"],
    ),
    # 布控: the embedded MQTT broker (amqtt) where LASTMILE_MQTT_URL (set by launch_env) says,
    # unless that URL was given (mosquitto, EMQX); the plate listener subscribes to it.
    Process(
        "mqtt-broker",
        "MQTT消息服务器（内置）",
        lambda host, port: [_python(), "-m", "lastmile.cli", "watch-broker"],
        only_if="LASTMILE_MQTT_EMBEDDED",
    ),
    Process(
        "plate-listener",
        "车牌识别监听与布控预警",
        lambda host, port: [_python(), "-m", "lastmile.cli", "watch-listen"],
    ),
    # Parking lots around the demo courts and the railway/airline/hotel feeds (demo mode only:
    # the feeds sign with demo keys).
    Process(
        "watch-sim",
        "停车场卡口与出行反馈模拟器",
        lambda host, port: [_python(), "-m", "lastmile.cli", "watch-sim"],
        demo_only=True,
    ),
    # Listens where LASTMILE_GATEWAY_URL (set by launch_env) says; demo mode only, since it
    # signs with the demo keys that only demo mode accepts.
    Process(
        "institutions-sim",
        "查控协助机构模拟器",
        lambda host, port: [_python(), "-m", "lastmile.cli", "institutions-sim"],
        demo_only=True,
    ),
    Process(
        "scheduler",
        "定时巡检",
        lambda host, port: [_python(), "-m", "lastmile.cli", "schedule"],
    ),
    # A court-year you can watch: 武陵法院's 2023 is filed, worked and closed through the
    # platform's own services in the background (15–20 minutes on two cores, committed in
    # quarter-second slices); the command center at /stats/ fills as it runs. Skipped once the
    # year exists.
    Process(
        "simulate",
        "模拟一个法院年度（武陵法院2023年）",
        lambda host, port: [
            _python(),
            "-m",
            "lastmile.cli",
            "simulate",
            "--court",
            "湘0702",
            "--year",
            "2023",
            "--cases",
            os.environ.get("LASTMILE_DEMO_SIMULATE_CASES", "6772"),
            "--if-empty",
        ],
        oneshot=True,
        demo_only=True,
    ),
]


DEFAULT_SIMULATOR_PORT = 8765
DEFAULT_MQTT_PORT = 1883


def callback_url(host: str, port: int) -> str:
    """Where institutions post their results to a web process bound to ``host:port`` (a
    wildcard bind is reached on the loopback address)."""
    reach = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    if ":" in reach:
        reach = f"[{reach}]"
    return f"http://{reach}:{port}/inquiry/callback/"


def free_port(host: str = "127.0.0.1", preferred: int = DEFAULT_SIMULATOR_PORT) -> int:
    """``preferred`` if nothing listens there, else a port the system says is free."""
    for candidate in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError("no free port")  # pragma: no cover (port 0 always binds)


def malloc_preload(
    base: dict[str, str], find: Callable[[str], str | None] = ctypes.util.find_library
) -> str | None:
    """The memory allocator the processes preload: jemalloc when the machine has it (Debian:
    ``libjemalloc2``), since typst's compile, most of a document's cost, runs 7-9 % faster on it
    than on glibc's malloc (docs/benchmarks.md); none when ``LASTMILE_MALLOC=system`` or when
    ``LD_PRELOAD`` is already set."""
    if base.get("LD_PRELOAD") or base.get("LASTMILE_MALLOC", "").strip().lower() == "system":
        return None
    return find("jemalloc")


def launch_env(base: dict[str, str], *, host: str, port: int, demo: bool) -> dict[str, str]:
    """The environment of every process of one ``lastmile run``: demo mode as decided, the
    callback URL on the web port, (demo mode) a simulator port of its own unless
    ``LASTMILE_GATEWAY_URL`` pins one, and jemalloc preloaded where the machine has it."""
    env = dict(base)
    preload = malloc_preload(base)
    if preload:
        env["LD_PRELOAD"] = preload
    env["LASTMILE_DEMO"] = "1" if demo else "0"
    if not base.get("LASTMILE_INQUIRY_CALLBACK_URL"):
        env["LASTMILE_INQUIRY_CALLBACK_URL"] = callback_url(host, port)
    if demo and not base.get("LASTMILE_GATEWAY_URL"):
        env["LASTMILE_GATEWAY_URL"] = f"http://127.0.0.1:{free_port()}"
    # 布控: an embedded broker of this run's own unless a broker is named.
    if not base.get("LASTMILE_MQTT_URL"):
        env["LASTMILE_MQTT_URL"] = f"mqtt://127.0.0.1:{free_port(preferred=DEFAULT_MQTT_PORT)}"
        env["LASTMILE_MQTT_EMBEDDED"] = "1"
    else:
        env["LASTMILE_MQTT_EMBEDDED"] = "0"
    return env


def processes_for(env: dict[str, str], *, demo: bool) -> list[Process]:
    """The processes one ``lastmile run`` starts with ``env``, in order."""
    return [
        p
        for p in PROCESSES
        if not (p.demo_only and not demo) and not (p.only_if and env.get(p.only_if) != "1")
    ]


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)


MAX_RESTARTS_PER_MINUTE = 3


def _start(proc: Process, host: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Each process leads its own group, so stopping it also stops its own children
    # (gunicorn's workers) and a terminal's Ctrl-C reaches only this supervisor.
    return subprocess.Popen(proc.argv(host, port), env=env, start_new_session=True)  # noqa: S603


def run_all(*, host: str, port: int, out: Callable[[str], None], demo: bool = True) -> int:
    """Start every process and watch them: a long-running one that dies is restarted (a process
    that keeps dying stops the platform); one-shot jobs just finish. Ctrl-C stops them all."""
    children: list[tuple[Process, subprocess.Popen[bytes]]] = []
    finished: set[int] = set()
    restarts: dict[str, list[float]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    env = launch_env(dict(os.environ), host=host, port=port, demo=demo)
    out(f"机构回执地址：{env['LASTMILE_INQUIRY_CALLBACK_URL']}")
    out(f"MQTT（车牌识别）：{env['LASTMILE_MQTT_URL']}")
    if demo:
        out(f"查控协助机构模拟器地址：{env['LASTMILE_GATEWAY_URL']}")
    try:
        for proc in processes_for(env, demo=demo):
            children.append((proc, _start(proc, host, port, env)))
            out(f"已启动 {proc.label}（{proc.name}，进程 {children[-1][1].pid}）")
        while not stopping:
            for i, (proc, child) in enumerate(children):
                if child.poll() is None:
                    continue
                if proc.oneshot:
                    if child.pid not in finished:
                        finished.add(child.pid)
                        out(f"{proc.label}（{proc.name}）已完成，返回码 {child.returncode}。")
                    continue
                # A long-running process that dies is restarted, unless it keeps dying.
                recent = [t for t in restarts.get(proc.name, []) if time.monotonic() - t < 60]
                if len(recent) >= MAX_RESTARTS_PER_MINUTE:
                    out(f"{proc.label}（{proc.name}）反复退出（返回码 {child.returncode}），正在停止。")
                    stopping = True
                    break
                restarts[proc.name] = [*recent, time.monotonic()]
                children[i] = (proc, _start(proc, host, port, env))
                out(f"{proc.label}（{proc.name}）已退出（返回码 {child.returncode}），已重新启动。")
            time.sleep(0.5)
    finally:
        for _, child in children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
            _signal_group(child, signal.SIGKILL)  # any straggler left in its group
        out("所有进程已停止。")
    return 0
