"""Serve the four CSIP vocabularies eark-validator fetches at import time from local files.

eark-validator 1.1.3 calls ``urllib.request.urlopen`` on https://earkcsip.dilcis.eu/schema/…
when ``eark_validator.ipxml.schematron`` is imported; the servers have no Internet access.
Put this folder on ``PYTHONPATH`` when running ``.venv-eark/bin/python -m eark_validator``:
those four addresses are answered from ``vocabularies/`` beside this file, any other address
is refused, so the validator never reaches the network.
"""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

_HERE = Path(__file__).resolve().parent / "vocabularies"
_PREFIXES = ("https://earkcsip.dilcis.eu/schema/", "http://earkcsip.dilcis.eu/schema/")


def _local_urlopen(url, *args, **kwargs):  # type: ignore[no-untyped-def]
    address = getattr(url, "full_url", url)
    for prefix in _PREFIXES:
        if isinstance(address, str) and address.startswith(prefix):
            name = address[len(prefix) :]
            if "/" not in name and (_HERE / name).is_file():
                return io.BytesIO((_HERE / name).read_bytes())
    raise OSError(f"no network: {address} is not served locally")


urllib.request.urlopen = _local_urlopen  # type: ignore[assignment]
