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

# Sent inside ``actions.file_document``'s transaction, after its checks and just before a loose
# document moves into a dossier: kwargs document, dossier, reason, actor. Preservation keeps
# the document's own package (AIP_tailieu) as history and gives the dossier's a new version
# while both are still as they were; a receiver that raises undoes the filing.
document_filing = Signal()
