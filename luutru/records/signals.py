"""Signals other apps listen to; the search index (a higher layer) connects to these."""

from django.dispatch import Signal

# Sent on commit after an ingest created records: kwargs transfer_id, document_ids.
records_ingested = Signal()

# Sent inside the transaction of an action that changed what the public may see of records
# (publication, withdrawal, access regime, a fonds' publication policy): kwargs document_ids,
# dossier_ids. The portal's OAI-PMH register follows in the same transaction; the search index
# is queued on commit.
records_changed = Signal()

# Sent on commit after archivists changed descriptions (edit, filing, move, spreadsheet import):
# kwargs dossier_ids, document_ids (the documents whose own or whose dossier's values changed).
descriptions_changed = Signal()

# Sent on commit after records were destroyed (their rows deleted, retention app): kwargs
# document_ids, dossier_ids. The search index drops their entries.
records_destroyed = Signal()
