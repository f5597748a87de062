#!/bin/sh
# Test scope_order (tests/CMakeLists.txt). Checks that linking the libraries GDAL binds
# most often first (cli/CMakeLists.txt, LIGHTCONE_SCOPE_ORDER) changes only how fast
# symbols are found, not where they bind:
# every (referencing library, symbol) pair must bind to the same defining library in both
# executables. Usage: scope_order_check.sh ORDERED_LIGHTCONE PLAIN_LIGHTCONE
# (PLAIN: the same objects linked without the order: target lightcone_scope_plain). Exit 0
# when equal.
set -eu
ordered=$1 plain=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bindings() {
  # "binding file A [0] to B [0]: normal symbol `s' [VER]" -> "A s B", the executable
  # itself named by role so the two paths compare.
  LD_DEBUG=bindings "$1" --version 2>&1 >/dev/null | grep 'binding file' |
    sed -e "s|$1|EXE|g" | awk '{print $4, $11, $7}' | sort -u
}
bindings "$ordered" >"$tmp/ordered"
bindings "$plain" >"$tmp/plain"
n=$(wc -l <"$tmp/plain")
if cmp -s "$tmp/ordered" "$tmp/plain"; then
  echo "scope_order_bindings_equal yes   # $n symbol bindings, the same defining library in both"
else
  echo "scope_order_bindings_equal no"
  diff "$tmp/plain" "$tmp/ordered" | head -20
  exit 1
fi
