"""Readers turn one package form into the common ``PackageContents`` (see ``base``)."""
