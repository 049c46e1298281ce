#!/usr/bin/env bash
# Nightly backup into ROOT (luutru-backup.service): a full backup on Sundays or when ROOT holds
# none yet, otherwise an incremental one since the newest complete backup (a full database
# dump, and only the files added since). Never deletes: remove old backups by whole chains
# (a full backup and the incrementals after it), oldest first — deploy/README.md, "Sao lưu".
set -euo pipefail
root=${1:?usage: backup.sh ROOT}
luutru=${LUUTRU:-/opt/luutru/.venv/bin/luutru}
stamp=$(date +%Y-%m-%d-%H%M%S)
latest=""
for folder in "$root"/20*; do
    [ -f "$folder/manifest.json" ] && latest=$folder  # names sort by date; complete ones only
done
if [ -z "$latest" ] || [ "$(date +%u)" = 7 ]; then
    "$luutru" backup "$root/$stamp-day-du"
else
    "$luutru" backup "$root/$stamp-gia-tang" --since "$latest"
fi
# A signed checkpoint of the audit chain beside the backups (ADR 0010): a database restored
# from a dump that someone rewrote, or cut short, no longer matches it.
exec "$luutru" audit checkpoint --out "$root"
