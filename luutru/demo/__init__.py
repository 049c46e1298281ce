"""The demo province (tỉnh mẫu): seed data for trying and training, made by the real actions."""
