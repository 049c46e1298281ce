"""/api/v1: the JSON API (django-ninja), its error shape and OpenAPI; mounts each app's api.py."""
