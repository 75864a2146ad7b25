#!/usr/bin/env bash
# Checks that every dictionary given is in libFuzzer's format: each line blank, a '#' comment, or
# [name=]"bytes" where the bytes escape only \\, \" and \xHH (libFuzzer refuses the whole dictionary
# on any other escape, e.g. "\n", and the target then exits before fuzzing).
set -u
bad=0
for d in "$@"; do
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    stripped="$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')"
    case "$stripped" in ''|'#'*) continue ;; esac
    if ! printf '%s\n' "$stripped" |
      grep -Eq '^([A-Za-z0-9_]+[[:space:]]*=[[:space:]]*)?"([^"\\]|\\\\|\\"|\\x[0-9A-Fa-f]{2})*"$'; then
      echo "$d:$n: not a libFuzzer dictionary entry (only \\\\, \\\" and \\xHH escapes): $line"
      bad=1
    fi
  done <"$d"
done
[ "$bad" = 0 ] && echo "$# dictionaries in libFuzzer's format"
exit $bad
