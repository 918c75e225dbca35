#!/usr/bin/env bash
# Backs up a Multitude PostgreSQL database, restores the backup into a fresh database and compares the two, table by
# table: row count and a digest of every row. Exit 0 when the restore is identical (docs/deploy.md, "Backup").
#
#   scripts/backup-restore-check.sh postgres://user@host:5432/multitude [backup-file]
#
# The fresh database is created beside the source (same server, name <source>_restore_check_<pid>) and dropped at
# the end; the backup file (pg_dump custom format) is kept when a path is given. Needs pg_dump, pg_restore, psql.
set -euo pipefail
SOURCE_URL="${1:?usage: $0 postgres://…/database [backup-file]}"
BACKUP="${2:-$(mktemp -d)/multitude.dump}"
base="${SOURCE_URL%/*}"
source_db="${SOURCE_URL##*/}"
source_db="${source_db%%\?*}"
target_db="${source_db}_restore_check_$$"
TARGET_URL="$base/$target_db"

cleanup() { psql -q "$base/postgres" -c "DROP DATABASE IF EXISTS \"$target_db\"" >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "backup:  pg_dump -Fc $source_db -> $BACKUP"
pg_dump --format=custom --no-owner --file="$BACKUP" "$SOURCE_URL"
echo "restore: $BACKUP -> $target_db"
psql -q "$base/postgres" -c "CREATE DATABASE \"$target_db\"" >/dev/null
pg_restore --no-owner --exit-on-error --dbname="$TARGET_URL" "$BACKUP"

# One line per table: schema.table rows digest (rows in a fixed order, the whole row as text).
digest() {
  psql -qAt "$1" <<'SQL'
SELECT format('%s.%s', table_schema, table_name) FROM information_schema.tables
 WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1;
SQL
}
compare_table() {
  local url="$1" table="$2"
  psql -qAt "$url" -c "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '-') FROM $table t"
}
status=0
tables=0
while read -r table; do
  [ -z "$table" ] && continue
  quoted="$(printf '%s' "$table" | sed -E 's/^([^.]+)\.(.+)$/"\1"."\2"/')"
  a="$(compare_table "$SOURCE_URL" "$quoted")"
  b="$(compare_table "$TARGET_URL" "$quoted" 2>/dev/null || echo missing)"
  tables=$((tables + 1))
  if [ "$a" != "$b" ]; then
    echo "DIFFERENT $table: source $a, restored $b"
    status=1
  fi
done < <(digest "$SOURCE_URL")
if [ "$status" = 0 ]; then echo "identical: $tables tables, rows and digests equal"; else echo "the restore differs"; fi
exit "$status"
