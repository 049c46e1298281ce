"""OaiRecord: what the OAI-PMH door has published, so that withdrawals can be reported.

OAI-PMH harvesters work incrementally ("what changed since …?"), so the repository must say
when a record appeared, changed, stopped being public or was removed (``deletedRecord``
``persistent``). Documents carry no "made public at" field, and a record that became
restricted leaves no trace in the collection, so the portal keeps one row per document it has
ever published: the datestamp of its last change and whether it is still public. The table is
derived (``luutru oai_sync`` rebuilds it from the collection) and kept current by signals
(``portal.publication``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from luutru.records.models import Document


class OaiRecordQuerySet(models.QuerySet["OaiRecord"]):
    def live(self) -> OaiRecordQuerySet:
        return self.filter(deleted=False)


class OaiRecord(models.Model):
    code = models.CharField(_("mã lưu trữ tài liệu"), max_length=100, unique=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    datestamp = models.DateTimeField(_("thời điểm thay đổi"), db_index=True)
    deleted = models.BooleanField(_("đã rút khỏi công bố"), default=False)
    agency_code = models.CharField(max_length=13, blank=True)
    fonds_code = models.CharField(max_length=30, blank=True)

    objects = OaiRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi OAI-PMH")
        verbose_name_plural = _("bản ghi OAI-PMH")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.code}{' (đã rút)' if self.deleted else ''}"


class PageChange(models.Model):
    """A change to something the public pages show; the highest id is the pages' generation.

    Anonymous portal pages are cached under the current generation (``portal.cache``), so one
    new row retires every cached page at once, in every web process on every machine. A row is
    inserted in the transaction that made the change, so the new generation becomes visible
    exactly when the change does (inserts never wait for each other, unlike an update of one
    shared counter). Old rows are pruned as new ones come.
    """

    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi trang công khai")
        verbose_name_plural = _("thay đổi trang công khai")

    def __str__(self) -> str:
        return f"{self.pk} ({self.at:%Y-%m-%d %H:%M:%S})"
