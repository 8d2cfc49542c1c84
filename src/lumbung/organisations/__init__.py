"""Agencies, their unit trees, partners, people and the roles memberships give them."""
