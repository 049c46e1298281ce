"""Nhật ký hệ thống: the append-only, hash-chained audit trail."""
