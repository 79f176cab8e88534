#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the module for FUZZTIME each (default
# 2m) and prints a table: target, time, executions, result. The seed corpora
# (testdata/fuzz/) also run as normal tests in `make test`; this is the long
# run (`make fuzz`). New crashers land in testdata/fuzz/<Target>/ to commit.
set -uo pipefail
fuzztime=${FUZZTIME:-2m}
printf '%-44s %-8s %14s  %s\n' target time execs result
status=0
while read -r file target; do
  pkg=$(dirname "$file")
  out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1)
  rc=$?
  execs=$(printf '%s\n' "$out" | grep -oE 'execs: [0-9]+' | tail -1 | grep -oE '[0-9]+')
  result=ok
  if [ $rc -ne 0 ]; then result=FAIL; status=1; printf '%s\n' "$out" | tail -20 >&2; fi
  printf '%-44s %-8s %14s  %s\n' "$pkg.$target" "$fuzztime" "${execs:-?}" "$result"
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . \
          | grep -v '^./bin/' | sed -E 's/^([^:]+):[0-9]+:func (Fuzz[A-Za-z0-9_]*).*/\1 \2/' | sort)
exit $status
