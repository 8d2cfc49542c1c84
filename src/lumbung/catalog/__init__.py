"""The catalog of public-service innovations: profiles, stage, status, evidence, awards, lineage."""
