"""SQLite with fair writers: the database engine of the embedded default (see :mod:`.base`)."""
