"""Tra cứu: one search interface over an embedded engine or PostgreSQL, access-aware."""
