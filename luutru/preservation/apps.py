from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "luutru.preservation"
    verbose_name = "Bảo quản"

    def ready(self) -> None:
        from luutru.preservation.actions import on_records_ingested
        from luutru.records.signals import records_ingested

        records_ingested.connect(on_records_ingested, dispatch_uid="preservation.create_aips")
