from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "luutru.search"
    verbose_name = "Tra cứu"

    def ready(self) -> None:
        """Index what an ingest created, records whose publication changed and descriptions
        archivists changed, once committed; drop what was destroyed."""
        from luutru.records.signals import (
            descriptions_changed,
            records_changed,
            records_destroyed,
            records_ingested,
        )
        from luutru.search.extraction import on_records_ingested as extract_ingested
        from luutru.search.services import (
            on_descriptions_changed,
            on_records_changed,
            on_records_destroyed,
            on_records_ingested,
        )

        records_ingested.connect(on_records_ingested, dispatch_uid="search.index_ingested")
        records_ingested.connect(extract_ingested, dispatch_uid="search.extract_ingested")
        records_changed.connect(on_records_changed, dispatch_uid="search.index_changed")
        descriptions_changed.connect(
            on_descriptions_changed, dispatch_uid="search.index_descriptions"
        )
        records_destroyed.connect(on_records_destroyed, dispatch_uid="search.drop_destroyed")
