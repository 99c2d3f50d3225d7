"""``lastmile run`` starts the embedded MQTT broker unless a broker is named, the plate listener
always, and the camera simulator in demo mode; every process is told the broker's URL."""

from __future__ import annotations

from lastmile.web.processes import PROCESSES, launch_env, processes_for


def _started(env: dict[str, str], demo: bool) -> list[str]:
    return [p.name for p in processes_for(env, demo=demo)]


def test_the_embedded_broker_runs_unless_a_broker_is_named():
    env = launch_env({}, host="127.0.0.1", port=8000, demo=True)
    assert env["LASTMILE_MQTT_URL"].startswith("mqtt://127.0.0.1:") and env["LASTMILE_MQTT_EMBEDDED"] == "1"
    assert {"mqtt-broker", "plate-listener", "watch-sim"} <= set(_started(env, demo=True))
    named = launch_env(
        {"LASTMILE_MQTT_URL": "mqtt://emqx.court:1883"}, host="127.0.0.1", port=8000, demo=False
    )
    assert named["LASTMILE_MQTT_URL"] == "mqtt://emqx.court:1883"
    started = _started(named, demo=False)
    assert "plate-listener" in started and "mqtt-broker" not in started and "watch-sim" not in started


def test_the_processes_run_the_watch_commands():
    argv = {p.name: p.argv("127.0.0.1", 8000) for p in PROCESSES}
    assert argv["mqtt-broker"][-1] == "watch-broker"
    assert argv["plate-listener"][-1] == "watch-listen"
    assert argv["watch-sim"][-1] == "watch-sim"
