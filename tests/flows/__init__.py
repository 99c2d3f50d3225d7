"""Journeys: one module per use case, each walking it across the apps (filing, mediation, trial,
service, enforcement, inquiry, measures, ledger) through their services and views."""
