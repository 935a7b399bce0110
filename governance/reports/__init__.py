"""Transparency reports: what an organisation's public register held and how it changed."""
