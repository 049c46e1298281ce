"""Tài khoản: users, roles and reader profiles."""
