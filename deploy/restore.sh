#!/bin/sh
# Restore a backup of deploy/backup.sh into an EMPTY database and media directory.
# Usage: restore.sh BACKUP_DIR   (DATABASE_URL of the empty database, DJANGO_MEDIA_ROOT)
# Then: entrypoint.sh migrate (a newer release migrates the restored schema) and check the
# history (README, "Backup and restore").
set -eu
dir="${1:?usage: restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
media="${DJANGO_MEDIA_ROOT:-/var/lib/ki-register/media}"
( cd "$dir" && sha256sum --check --quiet SHA256SUMS )
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$dir/database.dump"
if [ -f "$dir/media.tar.gz" ]; then
  mkdir -p "$media"
  tar --extract --gzip --file "$dir/media.tar.gz" --directory "$media"
fi
