"""The HTTP API: one NinjaAPI object at /api/v1/, each app contributes a router."""
