from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "luutru.preservation"
    verbose_name = "Bảo quản"

    def ready(self) -> None:
        from luutru.preservation.actions import on_document_filing, on_records_ingested
        from luutru.records.signals import document_filing, records_ingested

        records_ingested.connect(on_records_ingested, dispatch_uid="preservation.create_aips")
        document_filing.connect(on_document_filing, dispatch_uid="preservation.merge_aips")
