"""Signals other apps listen to; the search index (a higher layer) connects to these."""

from django.dispatch import Signal

# Sent on commit after an ingest created records: kwargs transfer_id, document_ids.
records_ingested = Signal()

# Sent on commit after archivists changed descriptions (edit, filing, move, spreadsheet import):
# kwargs dossier_ids, document_ids (the documents whose own or whose dossier's values changed).
descriptions_changed = Signal()
