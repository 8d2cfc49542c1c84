"""Insights: dashboards, diffusion, the innovation index, reports and open data."""
