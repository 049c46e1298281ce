"""Search tests write their index to a temporary folder, never to the data directory.

Session-wide, so that an index built in ``setUpTestData`` is the one its tests search.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _search_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = settings.SEARCH_INDEX_DIR
    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")
    yield
    settings.SEARCH_INDEX_DIR = before
