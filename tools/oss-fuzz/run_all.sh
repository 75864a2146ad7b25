#!/usr/bin/env bash
# tools/oss-fuzz/run_all.sh — builds every fuzz target the way OSS-Fuzz does and fuzzes each for a
# while on its seed corpus, as a local stand-in for a ClusterFuzzLite run.
#
#   tools/oss-fuzz/run_all.sh [--seconds N] [--prebuilt DIR] [--out DIR] [--sanitizer address|undefined]
#                             [--artifacts DIR] [--mutant NAME] [TARGET...]
#
# Build: tools/oss-fuzz/build.sh with OSS-Fuzz's libFuzzer environment (CC=clang-14 CXX=clang++-14,
# CFLAGS=CXXFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only" + the sanitizer's flags +
# -fsanitize=fuzzer-no-link, LIB_FUZZING_ENGINE=-fsanitize=fuzzer) into --out DIR, else $OUT, else a
# temporary directory (build.sh compiles rollcage's own code at -O2 on top: see its
# ROLLCAGE_FUZZ_OPT). --prebuilt DIR skips the build and runs what build.sh already put in DIR.
# Run: each target (all *_fuzz in the directory, or the TARGETs named: scenario or scenario_fuzz) for
# --seconds N (default 60) on one core, on a fresh copy of its seed corpus (the unzipped
# <target>_seed_corpus.zip), with the flags of its .options file (max_len, dict). --mutant NAME sets
# ROLLCAGE_MUTANT for the scenario targets (then a crash is the expected outcome).
# Prints one line per target (executions, exec/s, clean or CRASHED and why) and a summary line.
# Crash, leak, timeout and OOM files are kept in --artifacts DIR (default
# ${ROLLCAGE_RESULTS:-./rollcage-results}/fuzz-artifacts), named <target>-crash-<sha1>.
# Exit: 0 every target clean, 1 some target crashed, 2 usage, 4 the build failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=60 prebuilt="" out="${OUT:-}" sanitizer=address artifacts="" mutant="" only=()
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:-}"; shift 2 ;;
    --prebuilt) prebuilt="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --sanitizer) sanitizer="${2:-}"; shift 2 ;;
    --artifacts) artifacts="${2:-}"; shift 2 ;;
    --mutant) mutant="${2:-}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run_all.sh: unknown option $1 (--help)" >&2; exit 2 ;;
    *) only+=("${1%_fuzz}_fuzz"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*|0) echo "run_all.sh: --seconds needs a positive whole number" >&2; exit 2 ;; esac
rc_sanitizer_flags "$sanitizer" >/dev/null || { echo "run_all.sh: --sanitizer is address or undefined" >&2; exit 2; }
artifacts="${artifacts:-${ROLLCAGE_RESULTS:-./rollcage-results}/fuzz-artifacts}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rc_fuzzer_dir run_all.sh "$prebuilt" "$out" "$sanitizer" "$tmp"

mapfile -t targets < <(rc_targets "$dir")
[ ${#targets[@]} -gt 0 ] || { echo "run_all.sh: no fuzz targets in $dir" >&2; exit 4; }
if [ ${#only[@]} -gt 0 ]; then
  for t in "${only[@]}"; do
    printf '%s\n' "${targets[@]}" | grep -qx "$t" || { echo "run_all.sh: no target $t in $dir" >&2; exit 2; }
  done
  targets=("${only[@]}")
fi

clean=0 crashed=0
echo "run_all.sh: ${#targets[@]} targets, $seconds s each, from $dir"
printf '%-22s %9s %8s %10s  %s\n' target executions exec/s cpu-exec/s result
for t in "${targets[@]}"; do
  corpus="$tmp/corpus/$t" work="$tmp/scratch/$t" log="$tmp/$t.log"
  n=$(rc_seed_corpus "$dir" "$t" "$corpus") || n=0
  (unset ROLLCAGE_MUTANT
   case "$t" in scenario_fuzz|scenario_hsm_fuzz) [ -n "$mutant" ] && export ROLLCAGE_MUTANT="$mutant" ;; esac
   rc_run "$dir" "$t" "$corpus" "$work" "$log" -max_total_time="$seconds"
   echo "$? $RC_WALL $RC_CPU" >"$tmp/$t.rc")
  read -r rc wall cpu <"$tmp/$t.rc"
  runs=$(rc_stat "$log" number_of_executed_units)
  eps=$(rc_stat "$log" average_exec_per_sec)
  cpueps="-"
  [ -n "${cpu:-}" ] && [ -n "$runs" ] && cpueps=$(awk -v r="$runs" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
  if [ "$rc" = 0 ]; then
    clean=$((clean + 1))
    result="clean ($n seeds)"
  else
    crashed=$((crashed + 1))
    result="CRASHED (exit $rc after ${wall%.*} s): $(rc_failure "$log")"
    art="$(rc_artifact "$log")"
    mkdir -p "$artifacts"
    cp "$log" "$artifacts/$t.log"
    if [ -n "$art" ] && [ -f "$art" ]; then
      cp "$art" "$artifacts/" && result="$result [$artifacts/$(basename "$art")]"
    fi
  fi
  printf '%-22s %9s %8s %10s  %s\n' "$t" "${runs:--}" "${eps:--}" "$cpueps" "$result"
done
echo "run_all.sh: ${#targets[@]} targets, $seconds s each ($sanitizer): $clean clean, $crashed crashed"
[ "$crashed" -eq 0 ] || { echo "run_all.sh: crash files and logs in $artifacts; replay: docs/fuzzing.md" >&2; exit 1; }
