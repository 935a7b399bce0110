#!/bin/sh
# Back up KI-Register: the database (pg_dump, custom format) and the media files, into one
# directory named by the time. Usage: backup.sh TARGET_DIR   (DATABASE_URL, DJANGO_MEDIA_ROOT)
# Restore with deploy/restore.sh. Run it daily from a timer; keep copies off this host.
set -eu
target="${1:?usage: backup.sh TARGET_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
media="${DJANGO_MEDIA_ROOT:-/var/lib/ki-register/media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dir="$target/ki-register-$stamp"
mkdir -p "$dir"
# One consistent snapshot of the whole database, history tables included.
pg_dump --format=custom --no-owner --no-privileges --file "$dir/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar --create --gzip --file "$dir/media.tar.gz" --directory "$media" .
fi
( cd "$dir" && sha256sum database.dump $( [ -f media.tar.gz ] && echo media.tar.gz ) > SHA256SUMS )
echo "$dir"
