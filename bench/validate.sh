#!/usr/bin/env bash
# bench/validate.sh — how fast is the oracle, next to the validators it must beat?
#
# Generates a 100,000-delegation zone (30% with DS, 10% with in-zone glue), signs it with
# ECDSAP256SHA256 and NSEC3 (dnssec-signzone), and prints, for `rollcage validate`,
# `ldns-verify-zone`, `dnssec-verify` and `kzonecheck` on that same zone: wall time, RRSIGs verified
# per second, peak memory. Then `openssl speed` ECDSA P-256 verify rates on 1 and 2 processes (the
# crypto ceiling), and incremental validation: version N+1 adds DS records to 1% of the delegations
# (re-signed by dnssec-signzone, which keeps every still-valid signature), validated after N.
#
# Usage: bench/validate.sh [DELEGATIONS]   (default 100000; env BENCH_DIR keeps the files there;
#        BENCH_REPEAT=3: each timing is the best of that many runs, the machine being shared)
# Targets: rollcage faster than each validator; >= half the 2-process crypto ceiling; the 1% change
# re-validated in under 10% of the full time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
N=${1:-100000}
REPEAT=${BENCH_REPEAT:-3}
ORIGIN=bench.test.
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$work"' EXIT

# Arithmetic with awk (no bc needed): calc EXPR prints its value; truth EXPR prints 1 or 0.
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
truth() { awk "BEGIN { print (($*) ? 1 : 0) }"; }
need() { command -v "$1" >/dev/null || { echo "bench: $1 not found (install $2)" >&2; exit 4; }; }
need dnssec-signzone bind9-utils; need dnssec-verify bind9-utils; need ldns-verify-zone ldnsutils
need kzonecheck knot-dnssecutils; need openssl openssl; [ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (install time)" >&2; exit 4; }

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(openssl version | cut -d' ' -f1-2)"
echo "== building rollcage (-c opt)"
bazel build -c opt --noshow_progress --ui_event_filters=-info,-stdout,-debug //tools:rollcage >/dev/null
R="$here/bazel-bin/tools/rollcage"

gen() {  # gen DELEGATIONS OUT
  if "$R" help 2>/dev/null | grep -q '^  genzone'; then
    "$R" genzone --origin "$ORIGIN" --delegations "$1" --ds-percent 30 --glue-percent 10 --seed 1 --out "$2"
    return
  fi
  # Fallback generator (rollcage genzone is not in this tree yet).
  awk -v origin="$ORIGIN" -v n="$1" -v ds=30 -v glue=10 'BEGIN {
    srand(1);
    print "$ORIGIN " origin; print "$TTL 3600";
    print "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300";
    print "@ NS ns1"; print "@ NS ns2"; print "ns1 A 192.0.2.1"; print "ns2 A 192.0.2.2";
    for (i = 0; i < n; i++) {
      name = sprintf("d%07d", i);
      if (rand() * 100 < glue) {
        print name " NS ns1." name; print name " NS ns2." name;
        printf "ns1.%s A 198.51.%d.%d\n", name, int(i / 250) % 256, i % 250 + 1;
        printf "ns2.%s AAAA 2001:db8:%x::%x\n", name, int(i / 65535), i % 65535 + 1;
      } else {
        print name " NS ns1.provider" (i % 7) ".net."; print name " NS ns2.provider" (i % 7) ".net.";
      }
      if (rand() * 100 < ds) {
        d = ""; for (k = 0; k < 64; k++) d = d sprintf("%x", int(rand() * 16));
        printf "%s DS %d 13 2 %s\n", name, int(rand() * 65536), d;
      }
    }
  }' > "$2"
}
echo "== generating $N delegations (30% DS, 10% glue)"
gen "$N" "$work/zone.txt"

echo "== signing (dnssec-signzone, ECDSAP256SHA256, NSEC3 0 iterations, no salt)"
rm -rf "$work/keys"; mkdir -p "$work/keys"
ksk=$(dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -f KSK -n ZONE "$ORIGIN")
zsk=$(dnssec-keygen -q -K "$work/keys" -a ECDSAP256SHA256 -n ZONE "$ORIGIN")
dnssec-dsfromkey -2 "$work/keys/$ksk.key" > "$work/ds.txt"
sign() {  # sign INPUT OUTPUT
  dnssec-signzone -q -S -K "$work/keys" -d "$work" -o "$ORIGIN" -3 - -H 0 -O full -n "$(nproc)" \
    -s 20210101000000 -e 20350101000000 -f "$2" "$1" >/dev/null
}
t0=$(date +%s.%N)
sign "$work/zone.txt" "$work/v1.zone"
echo "   signed in $(calc "$(date +%s.%N) - $t0") s"
rrsigs=$(awk '$4 == "RRSIG"' "$work/v1.zone" | wc -l)
records=$(grep -vc '^;' "$work/v1.zone")
echo "   $records records, $rrsigs RRSIGs"

# run NAME CMD...: best wall time of $REPEAT runs, RRSIGs/s, peak RSS; the exit status must be 0
# (the zone is valid).
printf '\n%-18s %10s %14s %12s   (best of %d)\n' validator "wall (s)" "RRSIGs/s" "peak (MB)" "$REPEAT"
declare -A WALL
run() {
  local name=$1; shift
  local best="" best_kb=0 i rc out wall kb
  for i in $(seq "$REPEAT"); do
    rc=0
    /usr/bin/time -o "$work/$name.time" -f '%e %M' "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "bench: $name exited $rc: $(tail -3 "$work/$name.err" "$work/$name.out" | tr '\n' ' ')" >&2
    fi
    out=$(tail -1 "$work/$name.time"); wall=${out% *}; kb=${out#* }
    if [ -z "$best" ] || [ "$(truth "$wall < $best")" = 1 ]; then best=$wall; fi
    [ "$kb" -gt "$best_kb" ] && best_kb=$kb
  done
  WALL[$name]=$best
  printf '%-18s %10.2f %14.0f %12.0f\n' "$name" "$best" "$(calc "$rrsigs / $best")" "$(calc "$best_kb / 1024")"
}
run "rollcage" "$R" validate "$work/v1.zone" --origin "$ORIGIN" --ds "$work/ds.txt"
run "ldns-verify-zone" ldns-verify-zone "$work/v1.zone"
run "dnssec-verify" dnssec-verify -q -o "$ORIGIN" "$work/v1.zone"
run "kzonecheck" kzonecheck -o "$ORIGIN" -d on "$work/v1.zone"

echo
echo "== openssl speed ecdsap256 (verify/s): the crypto ceiling"
speed1=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $NF}')
speed2=$(openssl speed -seconds 3 -multi 2 ecdsap256 2>/dev/null | awk '/nistp256/ {print $NF}' | tail -1)
echo "   1 process: $speed1 verify/s;  2 processes: $speed2 verify/s"

echo
echo "== incremental: version 2 adds a DS to 1% of the delegations (dnssec-signzone keeps the other signatures)"
# (the type is the second field, or the third after a class: genzone writes "name IN NS ...")
awk -v n="$N" 'BEGIN { srand(2) } { t = ($2 == "IN") ? $3 : $2 }
  /^[^;$@]/ && t == "NS" && !($1 in seen) { seen[$1] = 1; names[k++] = $1 }
  /^[^;$]/ && t == "DS" { has[$1] = 1 }
  END { want = int(n / 100); for (i = 0; i < k && want > 0; i++) if (!(names[i] in has)) {
          d = ""; for (j = 0; j < 64; j++) d = d sprintf("%x", int(rand() * 16));
          printf "%s 3600 IN DS 4242 13 2 %s\n", names[i], d; want-- } }' "$work/zone.txt" > "$work/new-ds.txt"
echo "   $(wc -l < "$work/new-ds.txt") delegations gain a DS"
{ cat "$work/v1.zone"; sed "s/^\([^ ]*\)/\1.$ORIGIN/" "$work/new-ds.txt"; } > "$work/v2.in"
sign "$work/v2.in" "$work/v2.zone"
changed=$(comm -13 <(awk '$4 == "RRSIG" {print $NF}' "$work/v1.zone" | sort) \
                   <(awk '$4 == "RRSIG" {print $NF}' "$work/v2.zone" | sort) | wc -l)
echo "   version 2: $(awk '$4 == "RRSIG"' "$work/v2.zone" | wc -l) RRSIGs, $changed of them new"

# In-process (what a campaign executor does with zones in memory): both versions in one run.
full_in=""; inc_in=""
for i in $(seq "$REPEAT"); do
  timings=$("$R" validate "$work/v1.zone" "$work/v2.zone" --origin "$ORIGIN" --ds "$work/ds.txt" --timing --format json |
            awk -F': ' '/"total_s"/ { print $2 + 0 }')
  f=$(echo "$timings" | sed -n 1p); g=$(echo "$timings" | sed -n 2p)
  if [ -z "$full_in" ] || [ "$(truth "$g < $inc_in")" = 1 ]; then inc_in=$g; fi
  if [ -z "$full_in" ] || [ "$(truth "$f < $full_in")" = 1 ]; then full_in=$f; fi
done
# End to end through the CLI with a verdict cache file (cold, then warm), loading included.
full_cli=""; inc_cli=""
for i in $(seq "$REPEAT"); do
  rm -f "$work/verdicts"
  t0=$(date +%s.%N); "$R" validate "$work/v2.zone" --origin "$ORIGIN" --ds "$work/ds.txt" >/dev/null; f=$(calc "$(date +%s.%N) - $t0")
  "$R" validate "$work/v1.zone" --origin "$ORIGIN" --ds "$work/ds.txt" --cache "$work/verdicts" >/dev/null
  t0=$(date +%s.%N); "$R" validate "$work/v2.zone" --origin "$ORIGIN" --ds "$work/ds.txt" --cache "$work/verdicts" >/dev/null; g=$(calc "$(date +%s.%N) - $t0")
  if [ -z "$full_cli" ] || [ "$(truth "$f < $full_cli")" = 1 ]; then full_cli=$f; fi
  if [ -z "$inc_cli" ] || [ "$(truth "$g < $inc_cli")" = 1 ]; then inc_cli=$g; fi
done
printf '   in-process: full %.3f s, version 2 after version 1 %.3f s (%.1f%%)\n' "$full_in" "$inc_in" "$(calc "100 * $inc_in / $full_in")"
printf '   CLI with --cache, load included: full %.3f s, version 2 after version 1 %.3f s (%.1f%%)\n' \
  "$full_cli" "$inc_cli" "$(calc "100 * $inc_cli / $full_cli")"

echo
echo "== small zones (what a fuzzing campaign emits): 200 delegations, every version in one run"
gen 200 "$work/small.txt"
sign "$work/small.txt" "$work/small.zone"
small_sigs=$(awk '$4 == "RRSIG"' "$work/small.zone" | wc -l)
versions=()
for i in $(seq 300); do versions+=("$work/small.zone"); done
small=$("$R" validate "${versions[@]}" --origin "$ORIGIN" --ds "$work/ds.txt" --timing --format json |
        awk -F': ' '/"total_s"/ { v = $2 + 0; n++; if (n == 1) c = v; else s += v }
                    END { printf "%.3f %.4f", c * 1000, s / (n - 1) * 1000 }')
printf '   %d RRSIGs: first version %.2f ms; each later version (verdicts cached) %.3f ms, %.0f versions/s (validation only)\n' \
  "$small_sigs" "${small% *}" "${small#* }" "$(calc "1000 / ${small#* }")"

echo
echo "== targets"
rc_wall=${WALL[rollcage]}
rate=$(calc "$rrsigs / $rc_wall")
verdict() { if [ "$1" = 1 ]; then echo "met"; else echo "NOT met"; fi; }
for v in ldns-verify-zone dnssec-verify kzonecheck; do
  printf '   faster than %-17s %s (%.2f s vs %.2f s)\n' "$v:" "$(verdict "$(truth "$rc_wall < ${WALL[$v]}")")" "$rc_wall" "${WALL[$v]}"
done
printf '   >= half the 2-process ceiling:  %s (%.0f RRSIGs/s vs %.0f)\n' "$(verdict "$(truth "$rate >= $speed2 / 2")")" "$rate" "$(calc "$speed2 / 2")"
printf '   1%% change in < 10%% of full:     %s in-process (%.1f%%), %s end to end (%.1f%%)\n' \
  "$(verdict "$(truth "$inc_in < 0.1 * $full_in")")" "$(calc "100 * $inc_in / $full_in")" \
  "$(verdict "$(truth "$inc_cli < 0.1 * $full_cli")")" "$(calc "100 * $inc_cli / $full_cli")"
