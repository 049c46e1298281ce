"""Small helpers with no models and no imports from the project's apps."""
