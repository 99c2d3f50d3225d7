"""布控 (watch): the plate reads of parking lots and road cameras, the joint-punishment feeds of
railways, airlines and hotels, matched against the vehicles and debtors the courts watch, and the
alerts the command center dispatches (docs/watch.md)."""
