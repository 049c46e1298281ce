from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "luutru.portal"
    verbose_name = "Cổng thông tin"

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_delete

        from luutru.portal import publication, tasks
        from luutru.records.models import Document, Dossier
        from luutru.records.signals import records_changed, records_ingested

        post_save.connect(publication.on_document_saved, sender=Document)
        pre_delete.connect(publication.on_document_deleted, sender=Document)
        post_save.connect(publication.on_dossier_saved, sender=Dossier)
        records_ingested.connect(publication.on_records_ingested)
        records_changed.connect(publication.on_records_changed)
        records_ingested.connect(tasks.on_records_ingested, dispatch_uid="portal.access_copies")
