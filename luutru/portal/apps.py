from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "luutru.portal"
    verbose_name = "Cổng thông tin"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from luutru.portal import cache, publication, tasks
        from luutru.records.models import Document, Dossier
        from luutru.records.signals import (
            descriptions_changed,
            records_changed,
            records_destroyed,
            records_ingested,
        )

        post_save.connect(publication.on_document_saved, sender=Document)
        pre_delete.connect(publication.on_document_deleted, sender=Document)
        post_save.connect(publication.on_dossier_saved, sender=Dossier)
        records_ingested.connect(publication.on_records_ingested)
        records_changed.connect(publication.on_records_changed)
        records_ingested.connect(tasks.on_records_ingested, dispatch_uid="portal.access_copies")
        # Cached public pages are retired by any change to what they show (portal/cache.py).
        for model_signal in (post_save, post_delete, m2m_changed):
            model_signal.connect(cache.on_model_changed, dispatch_uid="portal.cache.models")
        for records_signal in (
            records_ingested,
            records_changed,
            descriptions_changed,
            records_destroyed,
        ):
            records_signal.connect(cache.retire_pages, dispatch_uid="portal.cache.records")
