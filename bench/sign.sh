#!/usr/bin/env bash
# bench/sign.sh — signing speed of the reference signer against ldns-signzone and dnssec-signzone.
#
#   bench/sign.sh [--delegations N] [--algorithm 8|13|15] [--nsec3] [--keep DIR]
#
# Generates a zone with N delegations (default 10,000; 30% with DS, 10% with glue) with
# `rollcage genzone`, then signs it with the same algorithm (default 13, ECDSAP256SHA256) and a
# KSK+ZSK pair by:
#   rollcage sign, in-process OpenSSL keys      rollcage sign, keys on a SoftHSMv2 token
#   ldns-signzone                               dnssec-signzone (-P: no post-sign verification, -x)
# and prints for each the wall time, the number of RRSIGs and signatures per second, and whether
# ldns-verify-zone accepts the result. Key generation is not timed. Figures, not pass/fail.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
delegations=10000 alg=13 nsec3=0 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --delegations) delegations=$2; shift 2 ;;
    --algorithm) alg=$2; shift 2 ;;
    --nsec3) nsec3=1; shift ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench/sign.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$alg" in
  8|RSASHA256) alg=8 name=RSASHA256 ;;
  13|ECDSAP256SHA256) alg=13 name=ECDSAP256SHA256 ;;
  15|ED25519) alg=15 name=ED25519 ;;
  *) echo "bench/sign.sh: algorithm must be 8, 13 or 15" >&2; exit 2 ;;
esac
for tool in ldns-signzone ldns-keygen ldns-read-zone ldns-verify-zone dnssec-signzone dnssec-keygen; do
  command -v "$tool" >/dev/null || { echo "bench/sign.sh: $tool is not installed" >&2; exit 4; }
done

# An optimised build (-c opt) in its own output tree; ./rollcage's default build stays as it is.
(cd "$here" && bazel build -c opt --noshow_progress --ui_event_filters=-info,-stdout,-debug //tools:rollcage >/dev/null 2>&1) ||
  { echo "bench/sign.sh: cannot build //tools:rollcage with -c opt" >&2; exit 4; }
rollcage="$(cd "$here" && bazel info -c opt output_path 2>/dev/null)/k8-opt/bin/tools/rollcage"
[ -x "$rollcage" ] || { echo "bench/sign.sh: no optimised rollcage at $rollcage" >&2; exit 4; }

if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
origin=bench.test.
zone="$work/zone"
"$rollcage" genzone --origin $origin --delegations "$delegations" --ds-percent 30 --glue-percent 10 --seed 1 \
  --out "$zone" 2>"$work/genzone.log" || { cat "$work/genzone.log" >&2; exit 1; }

rc_nsec3=() ldns_nsec3=() bind_nsec3=() mode=NSEC
if [ "$nsec3" = 1 ]; then
  rc_nsec3=(--nsec3) ldns_nsec3=(-n -t 0) bind_nsec3=(-3 - -H 0) mode="NSEC3 (0 iterations, no salt)"
fi
bits=(); [ "$alg" = 8 ] && bits=(-b 2048)

now() { date +%s.%N; }
rows=()
# measure LABEL OUTFILE CMD...: runs CMD, records wall time, RRSIG count and validity.
measure() {
  local label=$1 out=$2; shift 2
  local t0 t1 wall sigs valid
  t0=$(now)
  if ! "$@" >"$work/cmd.log" 2>&1; then
    rows+=("$(printf '%-34s %8s %11s %13s  %s' "$label" "-" "-" "-" "FAILED: $(tail -1 "$work/cmd.log")")")
    return
  fi
  t1=$(now)
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  sigs=$(ldns-read-zone "$out" 2>/dev/null | awk '$4 == "RRSIG"' | wc -l)
  valid=$(ldns-verify-zone "$out" >/dev/null 2>&1 && echo yes || echo NO)
  rows+=("$(printf '%-34s %8.3f %11d %13.0f  %s' "$label" "$wall" "$sigs" "$(awk -v s="$sigs" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? s / w : 0) }')" "$valid")")
}

# 1. rollcage, in-process keys (derived from --seed; key generation is part of the run but tiny
#    for ECDSA/Ed25519; for RSA the deterministic prime search adds ~0.3 s).
measure "rollcage sign (in-process OpenSSL)" "$work/rc.signed" \
  "$rollcage" sign "$zone" --origin $origin --algorithm $alg "${rc_nsec3[@]}" --out "$work/rc.signed"

# 2. rollcage, keys on a SoftHSMv2 token.
tokens="$work/tokens"
"$rollcage" keygen --origin $origin --algorithm $alg --token-dir "$tokens" --token bench --pin 1234 \
  >"$work/keygen.log" 2>&1 || { cat "$work/keygen.log" >&2; exit 1; }
measure "rollcage sign (SoftHSMv2 PKCS#11)" "$work/hsm.signed" \
  "$rollcage" sign "$zone" --origin $origin --token-dir "$tokens" --token bench --pin 1234 "${rc_nsec3[@]}" \
  --out "$work/hsm.signed"

# 3. ldns-signzone.
(cd "$work" && ldns-keygen -a $name "${bits[@]}" -k $origin >ldns-ksk && ldns-keygen -a $name "${bits[@]}" $origin >ldns-zsk) ||
  { echo "bench/sign.sh: ldns-keygen failed" >&2; exit 1; }
measure "ldns-signzone" "$work/ldns.signed" \
  ldns-signzone "${ldns_nsec3[@]}" -o $origin -f "$work/ldns.signed" "$zone" \
  "$work/$(cat "$work/ldns-zsk")" "$work/$(cat "$work/ldns-ksk")"

# 4. dnssec-signzone (BIND), smart signing from a key directory.
mkdir -p "$work/bind-keys"
dnssec-keygen -q -K "$work/bind-keys" -a $name "${bits[@]}" -f KSK $origin >/dev/null 2>&1 &&
  dnssec-keygen -q -K "$work/bind-keys" -a $name "${bits[@]}" $origin >/dev/null 2>&1 ||
  { echo "bench/sign.sh: dnssec-keygen failed" >&2; exit 1; }
measure "dnssec-signzone" "$work/bind.signed" \
  dnssec-signzone -S -K "$work/bind-keys" -d "$work" -P -x "${bind_nsec3[@]}" -o $origin -f "$work/bind.signed" "$zone"

echo "bench/sign.sh: $origin with $delegations delegations (30% DS, 10% glue), $(grep -c . "$zone") lines;" \
  "$name KSK+ZSK; $mode; $(nproc) CPUs"
printf '%-34s %8s %11s %13s  %s\n' "signer" "wall s" "signatures" "signatures/s" "ldns-verify-zone"
for r in "${rows[@]}"; do echo "$r"; done
