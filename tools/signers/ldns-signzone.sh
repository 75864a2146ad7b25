#!/usr/bin/env bash
# An external signer for rollcage's command adapter (docs/adapters.md): ldns-signzone with one
# KSK and one ZSK made by ldns-keygen at start, re-signing the whole zone on every tick with
# signatures valid from ROLLCAGE_NOW-1h to ROLLCAGE_NOW+14d. No rollovers (exit 64: unsupported).
set -euo pipefail
verb=${1:-}
st=$ROLLCAGE_STATE_DIR
alg=ECDSAP256SHA256
case "${ROLLCAGE_ALGORITHM:-13}" in 8) alg=RSASHA256 ;; 15) alg=ED25519 ;; esac
fmt() { date -u -d "@$1" +%Y%m%d%H%M%S; }
case "$verb" in
  start)
    if [ ! -f "$st/keys" ]; then
      cd "$st"
      ksk=$(ldns-keygen -a "$alg" -k "$ROLLCAGE_ORIGIN" 2>/dev/null)
      zsk=$(ldns-keygen -a "$alg" "$ROLLCAGE_ORIGIN" 2>/dev/null)
      rm -f "$ksk.ds" "$zsk.ds"
      printf '%s %s\n' "$ksk" "$zsk" > "$st/keys"
      echo "generated KSK $ksk and ZSK $zsk" >&2
    fi
    ;;
  tick)
    read -r ksk zsk < "$st/keys"
    now=$ROLLCAGE_NOW
    args=(-i "$(fmt $((now - 3600)))" -e "$(fmt $((now + 14 * 86400)))" -f "$ROLLCAGE_OUT")
    [ "${ROLLCAGE_DENIAL:-nsec3}" = nsec ] || args+=(-n)
    [ "${ROLLCAGE_DENIAL:-}" = nsec3-optout ] && args+=(-p)
    ldns-signzone "${args[@]}" -o "$ROLLCAGE_ORIGIN" "$ROLLCAGE_UNSIGNED" "$st/$ksk" "$st/$zsk" >/dev/null
    ldns-key2ds -n -2 "$st/$ksk.key" > "$ROLLCAGE_DS_OUT"
    echo "next-wakeup $((now + 86400))"
    ;;
  *) exit 64 ;;
esac
