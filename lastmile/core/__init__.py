"""Lastmile shared kernel: pure-Python building blocks used by every app.

Modules (import them directly; this package imports nothing on purpose):

- ``errors``: :class:`~lastmile.core.errors.DomainError` and its coded subclasses.
- ``identifiers``: resident ID (GB 11643-1999), unified social credit code
  (GB 32100-2015), licence plates (GA 36), case numbers (法〔2015〕137号 as amended by
  法〔2018〕335号) and masking for publication.
- ``periods``: statutory periods under CPL 2023 art. 85 and Civil Code arts. 201–203,
  on the State Council working-day calendar.
- ``money``: ``Decimal`` amounts in yuan, parsing what clerks type into spreadsheets.
- ``numbers``: percentages and ratios for statistics.
- ``clock``: an injectable clock for the edges (views, tasks, the simulator).

Nothing here imports Django; domain code receives time, money and identifiers as values.
"""
