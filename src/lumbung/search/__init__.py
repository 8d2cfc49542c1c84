"""Search and matching in Indonesian: the analyser, the index (SQLite FTS5 or PostgreSQL
full-text search), search, problem matching, similar innovations and duplicate warnings."""
