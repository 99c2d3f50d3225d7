"""Adapters to the outside world: institution gateways, MQTT, the simulator.

Domain apps never import this package; they own ports (Protocols) that adapters here implement.
"""
