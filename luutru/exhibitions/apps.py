from django.apps import AppConfig


class ExhibitionsConfig(AppConfig):
    name = "luutru.exhibitions"
    verbose_name = "Triển lãm trực tuyến"

    def ready(self) -> None:
        from luutru.exhibitions.actions import on_records_changed
        from luutru.records.signals import records_changed

        # A withdrawn or restricted item leaves the exhibition at once (the pages ask the
        # policy); this tells its curator by mail.
        records_changed.connect(on_records_changed, dispatch_uid="exhibitions.tell_curators")
