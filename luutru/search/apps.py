from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "luutru.search"
    verbose_name = "Tra cứu"

    def ready(self) -> None:
        """Index what an ingest created, once it is committed; drop what was destroyed."""
        from luutru.records.signals import records_destroyed, records_ingested
        from luutru.search.services import on_records_destroyed, on_records_ingested

        records_ingested.connect(on_records_ingested, dispatch_uid="search.index_ingested")
        records_destroyed.connect(on_records_destroyed, dispatch_uid="search.drop_destroyed")
