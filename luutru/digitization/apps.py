from django.apps import AppConfig


class DigitizationConfig(AppConfig):
    name = "luutru.digitization"
    verbose_name = "Số hóa"

    def ready(self) -> None:
        """Image-only files of an ingest are OCR'd once the ingest has committed."""
        from luutru.digitization.receivers import on_records_ingested
        from luutru.records.signals import records_ingested

        records_ingested.connect(on_records_ingested, dispatch_uid="digitization.ocr_ingested")
