#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks the shared-mime-info package as a file manager would see it: it must be well-formed,
# compile with update-mime-database, and make GIO recognise a Storyreel project (by name and,
# once renamed, by its SQLite application_id) and a Fountain script.
#
# Usage: check-mime.sh MIME-XML
set -eu

mime_xml=$1

xmllint --noout "$mime_xml"

if ! command -v update-mime-database >/dev/null 2>&1; then
  echo "update-mime-database is missing: only the XML syntax was checked" >&2
  exit 0
fi

tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT

mkdir -p "$tmpdir/data/mime/packages" "$tmpdir/files"
cp "$mime_xml" "$tmpdir/data/mime/packages/io.github.storyreel.Storyreel.xml"
XDG_DATA_HOME="$tmpdir/data" update-mime-database "$tmpdir/data/mime"

# A real project header: "SQLite format 3\0" at 0, application_id "REEL" big-endian at 68.
if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$tmpdir/files/film.storyreel" \
    "PRAGMA application_id = $((0x5245454c)); CREATE TABLE settings (key TEXT);"
  sqlite3 "$tmpdir/files/other.sqlite3" "CREATE TABLE t (a);"
else
  { printf 'SQLite format 3\000'; head -c 52 /dev/zero; printf 'REEL'; head -c 32 /dev/zero; } \
    >"$tmpdir/files/film.storyreel"
  { printf 'SQLite format 3\000'; head -c 84 /dev/zero; } >"$tmpdir/files/other.sqlite3"
fi
cp "$tmpdir/files/film.storyreel" "$tmpdir/files/renamed-project"
cp "$tmpdir/files/other.sqlite3" "$tmpdir/files/renamed-database"
printf 'Title: Test\n\nINT. ROOM - DAY\n\nA door opens.\n' >"$tmpdir/files/script.fountain"

failures=0
expect_type() {
  file=$1
  expected=$2
  actual=$(GIO_USE_VFS=local XDG_DATA_HOME="$tmpdir/data" gio info -a standard::content-type "$tmpdir/files/$file" |
    sed -n 's/^ *standard::content-type: *//p')
  if [ "$actual" = "$expected" ]; then
    echo "ok: $file is $actual"
  else
    echo "FAIL: $file is '$actual', expected '$expected'" >&2
    failures=$((failures + 1))
  fi
}

if command -v gio >/dev/null 2>&1; then
  expect_type film.storyreel application/x-storyreel
  expect_type renamed-project application/x-storyreel
  expect_type renamed-database application/vnd.sqlite3
  expect_type script.fountain text/x-fountain
fi

exit "$failures"
