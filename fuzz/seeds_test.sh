#!/usr/bin/env bash
# Checks that corpus/<target>/ holds exactly the encodings of fuzz/seeds/<target>/*.scn.
set -eu
"$1" --check "$2" "$3"
echo "seed corpus $3 matches $2"
