"""Every write a user or the scheduler can trigger in competitions, one module per aggregate:
``rounds`` (set-up), ``entries`` (entering), ``judging`` (pool, assignments, scores) and
``results`` (closing stages, publishing, feeding the national round)."""
