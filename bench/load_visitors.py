"""Locust visitors of the load benchmark (bench/bench_load.py starts locust on this file).

Each visitor waits 1 to 5 s between requests (reading the page) and picks, by weight: the
portal home, an agency page, a dossier page and a document page (random among all the
collection's records, so most are not in the page cache), the portal's search and the API's
(`GET /api/v1/search`) with varied queries, half with a facet or a year range, and API reads of
a document or a dossier. The plan (counts, agencies, queries) is a JSON file named by
BENCH_LOAD_PLAN, written by bench_load.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_data import document_code, dossier_code

PLAN: dict[str, Any] = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text("utf-8"))
THINK = (1.0, 5.0)


def _search_params(rng: random.Random) -> dict[str, str]:
    params = {"q": rng.choice(PLAN["queries"])}
    roll = rng.random()
    if roll < 0.2:
        params["doc_type"] = rng.choice(PLAN["doc_types"])
    elif roll < 0.35:
        params["agency"] = str(rng.choice(PLAN["agencies"])[1])
    elif roll < 0.5:
        first, last = PLAN["years"]
        year = rng.randint(first, last - 3)
        params.update(year_from=str(year), year_to=str(year + 3))
    return params


class Visitor(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.rng = random.Random()

    def _document(self) -> str:
        return document_code(self.rng.randrange(PLAN["documents"]))

    def _dossier(self) -> str:
        return dossier_code(self.rng.randrange(PLAN["dossiers"]))

    @task(5)
    def home(self) -> None:
        self.client.get("/", name="portal home")

    @task(5)
    def agency(self) -> None:
        code = self.rng.choice(PLAN["agencies"])[0]
        self.client.get(f"/co-quan/{code}/", name="agency page")

    @task(15)
    def dossier(self) -> None:
        self.client.get(f"/ho-so/{self._dossier()}/", name="dossier page")

    @task(25)
    def document(self) -> None:
        self.client.get(f"/tai-lieu/{self._document()}/", name="document page")

    @task(15)
    def portal_search(self) -> None:
        query = urlencode(_search_params(self.rng))
        self.client.get(f"/tra-cuu/?{query}", name="portal search")

    @task(10)
    def api_search(self) -> None:
        query = urlencode(_search_params(self.rng))
        self.client.get(f"/api/v1/search?{query}", name="API search")

    @task(15)
    def api_record(self) -> None:
        if self.rng.random() < 0.7:
            self.client.get(f"/api/v1/documents/{self._document()}", name="API record")
        else:
            self.client.get(f"/api/v1/dossiers/{self._dossier()}", name="API record")
