"""Learning events (pembelajaran replikasi): a host unit shows its innovations to the units
expected to replicate them, with partners and a facilitator.

An event has invitations (units, picked many at once, and partners), registrations of
attendees (personal data: never public), attendance checked at the door, testimonials,
materials, and after the event each unit's intent per showcased innovation, which creates its
commitment (``replication.Commitment`` with ``origin="event"``) and, where asked, its
replication project in one transaction. A published event has a public page (its news item) in
Indonesian and English.

Layering: ``events`` sits above ``replication`` and ``catalog``; it calls their services and
never the other way round.
"""
