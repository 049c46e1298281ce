"""Cơ quan, tổ chức và phông lưu trữ: agencies, their archives, fonds and staff roles."""
