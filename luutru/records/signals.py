"""Signals other apps listen to; the search index (a higher layer) connects to these."""

from django.dispatch import Signal

# Sent on commit after an ingest created records: kwargs transfer_id, document_ids.
records_ingested = Signal()

# Sent on commit after records were destroyed (their rows deleted, retention app): kwargs
# document_ids, dossier_ids. The search index drops their entries.
records_destroyed = Signal()
