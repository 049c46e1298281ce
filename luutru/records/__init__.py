"""Hồ sơ và tài liệu: file plans, dossiers and documents to TT 05/2025, and their code lists."""
