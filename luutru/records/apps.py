from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def restore_code_lists(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Put the TT 05 code lists back when their table is empty, as Django does for content
    types: after ``flush`` (which tests run between transactional tests) the lists a data
    migration loaded would otherwise be gone."""
    from luutru.records.codes import clear_cache, load_code_lists
    from luutru.records.models import Code

    if not Code.objects.using(using).exists():
        load_code_lists(Code)
        clear_cache()


class RecordsConfig(AppConfig):
    name = "luutru.records"
    verbose_name = "Hồ sơ, tài liệu"

    def ready(self) -> None:
        post_migrate.connect(restore_code_lists, sender=self, dispatch_uid="records-code-lists")
