#!/usr/bin/env bash
# Makes ECDSA P-256 ZSKs with ldns-keygen until three share one key tag (about 3000 keys, ~20 s),
# and prints them. This is how oracle/testdata/colliding_keys/ was made (tag 65298); the tag is
# ldns's own computation, independent of the oracle's.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
for i in $(seq 1 20000); do
  base=$(ldns-keygen -a ECDSAP256SHA256 collide.test.)
  tag=${base##*+}
  mv "$base.key" "key.$tag.$i"
  mv "$base.private" "private.$tag.$i"
  rm -f "$base.ds"
  n=$(ls key."$tag".* | wc -l)
  if [ "$n" -ge 3 ]; then
    echo "tag $tag after $i keys:"
    for f in key."$tag".*; do cat "$f" "private.$tag.${f##*.}"; done
    exit 0
  fi
done
echo "no triple collision found" >&2
exit 1
