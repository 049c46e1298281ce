"""Signals other apps listen to; the search index (a higher layer) connects to these."""

from django.dispatch import Signal

# Sent on commit after an ingest created records: kwargs transfer_id, document_ids.
records_ingested = Signal()

# Sent when a staff page shows a record: kwargs user, document or dossier. The use log listens.
record_viewed = Signal()
