"""Lưu giữ tệp tin: content-addressed file storage (SHA-256) behind a backend interface."""
