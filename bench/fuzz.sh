#!/usr/bin/env bash
# bench/fuzz.sh — fuzzing speed of the libFuzzer targets as OSS-Fuzz builds them, and how fast the
# scenario target finds a planted bug.
#
#   bench/fuzz.sh [--seconds N] [--seed N] [--repeat K] [--sanitizer address|none] [--prebuilt DIR] [--out DIR] [TARGET...]
#   bench/fuzz.sh --time-to-find MUTANT [--target scenario|scenario_hsm] [--runs K] [--limit S]
#                 [--without-witnesses] [--prebuilt DIR] [--out DIR]
#   bench/fuzz.sh --replay INPUTS [--target T] [--repeat K] [--prebuilt DIR] [--out DIR]
#
# The targets come from tools/oss-fuzz/build.sh with OSS-Fuzz's libFuzzer + ASan flags (the build of
# tools/oss-fuzz/run_all.sh, shared through tools/oss-fuzz/lib.sh): --prebuilt DIR uses what build.sh
# already put in DIR; otherwise it builds into --out DIR, $OUT, or a temporary directory.
#
# Speed (default): each target (or the TARGETs named) fuzzes for --seconds N (default 30) in one
# libFuzzer process (one core, no fork mode) on a fresh copy of its seed corpus with its .options
# flags. Prints executions, libFuzzer's exec/s (wall clock, as stat::average_exec_per_sec) and
# executions per CPU second (user+system: what one unshared core would do). The acceptance figure is
# the scenario target's (in-process key store): >= 200 exec/s. --seed N fixes libFuzzer's -seed (the
# scenario target's speed depends on where the search goes: 207-282 exec/s across seeds); --repeat K
# runs each target K times (-seed=1..K, or from --seed on) and prints the median; with
# --sanitizer none the targets are built with libFuzzer alone, to see what ASan costs (not with
# --prebuilt, which runs whatever DIR holds).
#
# Time to find (--time-to-find MUTANT): the scenario target (or --target scenario_hsm, for mutants
# that need HSMs such as per-hsm-keypair) runs with ROLLCAGE_MUTANT=MUTANT from its seed corpus,
# --runs K times (default 3) with -seed=1..K, each until its first crash or --limit S seconds
# (default 600), and prints the seconds to the first crash of each run and their median. Seed files
# that crash by themselves (witnesses: a seed that already contains the bug's trigger) are listed;
# --without-witnesses leaves them out of the corpus, to time the search rather than the replay.
# Acceptance: sign-by-tag from corpus/scenario in under 60 s.
#
# Replay (--replay INPUTS): the work per input, without the search. The target (default scenario)
# runs every file of the directory INPUTS once, as separate inputs (libFuzzer -runs=0: no mutation,
# -detect_leaks=0), --repeat K times (default 1); prints the wall seconds of each pass, their median
# and milliseconds per input, and the allocations per input (first runs only, from one more pass
# with -trace_malloc=1). The same INPUTS (a corpus a fuzzing run left, say) measured on two builds
# compare their speed within a few percent, where exec/s differs by ±10 % from run to run.
#
# Figures, not pass/fail; the machine's load shows in the wall-clock figures. Exit 4 if the build
# fails, 2 on bad usage.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/oss-fuzz/lib.sh"

seconds=30 prebuilt="" out="${OUT:-}" mutant="" replay="" target=scenario runs=3 limit=600 nowit=0 only=() seed="" sanitizer=address repeat=1
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:-}"; shift 2 ;;
    --seed) seed="${2:-}"; shift 2 ;;
    --repeat) repeat="${2:-}"; shift 2 ;;
    --sanitizer) sanitizer="${2:-}"; shift 2 ;;
    --prebuilt) prebuilt="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --time-to-find) mutant="${2:-}"; shift 2 ;;
    --target) target="${2:-}"; target="${target%_fuzz}"; shift 2 ;;
    --runs) runs="${2:-}"; shift 2 ;;
    --limit) limit="${2:-}"; shift 2 ;;
    --without-witnesses) nowit=1; shift ;;
    --replay) replay="${2:-}"; [ -n "$replay" ] || { echo "bench/fuzz.sh: --replay takes a directory of inputs" >&2; exit 2; }; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "bench/fuzz.sh: unknown option $1 (--help)" >&2; exit 2 ;;
    *) only+=("${1%_fuzz}_fuzz"); shift ;;
  esac
done
for v in "$seconds" "$runs" "$limit" "$repeat" ${seed:+"$seed"}; do
  case "$v" in ''|*[!0-9]*|0) echo "bench/fuzz.sh: --seconds, --seed, --repeat, --runs and --limit take positive whole numbers" >&2; exit 2 ;; esac
done
case "$sanitizer" in address|none) ;; *) echo "bench/fuzz.sh: --sanitizer is address or none" >&2; exit 2 ;; esac
[ -n "$mutant" ] || [ -n "$replay" ] || [ "$target" = scenario ] || { echo "bench/fuzz.sh: --target goes with --time-to-find or --replay" >&2; exit 2; }
[ -z "$replay" ] || [ -d "$replay" ] || { echo "bench/fuzz.sh: --replay $replay: not a directory" >&2; exit 2; }
[ -z "$replay" ] || [ -z "$mutant" ] || { echo "bench/fuzz.sh: --replay and --time-to-find are separate modes" >&2; exit 2; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rc_fuzzer_dir bench/fuzz.sh "$prebuilt" "$out" "$sanitizer" "$tmp"
mapfile -t targets < <(rc_targets "$dir")
[ ${#targets[@]} -gt 0 ] || { echo "bench/fuzz.sh: no fuzz targets in $dir" >&2; exit 4; }
has_target() { printf '%s\n' "${targets[@]}" | grep -qx "$1"; }
load() { awk '{ print $1 }' /proc/loadavg 2>/dev/null || echo "?"; }

# --- replay ----------------------------------------------------------------------------------------
if [ -n "$replay" ]; then
  t="${target}_fuzz"
  has_target "$t" || { echo "bench/fuzz.sh: no target $t in $dir" >&2; exit 2; }
  inputs="$(cd "$replay" && pwd)"
  n=$(find "$inputs" -maxdepth 1 -type f | wc -l)
  [ "$n" -gt 0 ] || { echo "bench/fuzz.sh: --replay $replay holds no files" >&2; exit 2; }
  echo "bench/fuzz.sh: $t replays $n inputs from $replay, $repeat pass(es); load $(load), $(nproc) CPUs"
  walls=()
  for i in $(seq 1 "$repeat"); do
    t0=$(date +%s.%N)
    (cd "$tmp" && unset ROLLCAGE_MUTANT && "$dir/$t" -runs=0 -detect_leaks=0 -max_len=1000000 "$inputs") >"$tmp/replay.$i.log" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    [ $rc = 0 ] || { echo "bench/fuzz.sh: pass $i failed (exit $rc): $(rc_failure "$tmp/replay.$i.log")" >&2; exit 1; }
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  # Allocations: libFuzzer counts them per run while it looks for leaks; a run that allocated more
  # than it freed runs again (its STOP line says DIFFERENT), and that second run is not counted.
  allocs=$(cd "$tmp" && unset ROLLCAGE_MUTANT && "$dir/$t" -runs=0 -trace_malloc=1 -max_len=1000000 "$inputs" 2>&1 |
    grep -a 'MallocFreeTracer: STOP' |
    awk 'skip { skip = 0; next } { m += $3; n++; if ($5 == "(DIFFERENT)") skip = 1 } END { if (n) printf "%.0f", m / n }')
  echo "passes (s): ${walls[*]}"
  awk -v m="$median" -v n="$n" -v a="${allocs:--}" 'BEGIN { printf "median %.2f s, %.2f ms per input, %s allocations per input\n", m, 1000 * m / n, a }'
  exit 0
fi

# --- time to find ---------------------------------------------------------------------------------
if [ -n "$mutant" ]; then
  t="${target}_fuzz"
  has_target "$t" || { echo "bench/fuzz.sh: no target $t in $dir" >&2; exit 2; }
  seeds="$tmp/seeds"
  rc_seed_corpus "$dir" "$t" "$seeds" >/dev/null
  # Witnesses: seed files that find the mutant on their own (one execution each).
  witnesses=()
  for f in "$seeds"/*; do
    [ -f "$f" ] || continue
    ROLLCAGE_MUTANT="$mutant" "$dir/$t" -runs=1 "$f" >"$tmp/witness.log" 2>&1
    rc=$?
    if grep -q "unknown mutant" "$tmp/witness.log"; then
      echo "bench/fuzz.sh: unknown mutant '$mutant' (rollcage mutants --list)" >&2; exit 2
    fi
    [ $rc -ne 0 ] && witnesses+=("$(basename "$f")")
  done
  if [ ${#witnesses[@]} -gt 0 ]; then
    echo "bench/fuzz.sh: seed files that find $mutant by themselves: ${witnesses[*]}" \
      "$([ $nowit = 1 ] && echo '(left out)' || echo '(kept; --without-witnesses leaves them out)')"
    if [ $nowit = 1 ]; then for w in "${witnesses[@]}"; do rm -f "$seeds/$w"; done; fi
  fi
  n=$(find "$seeds" -type f | wc -l)
  echo "bench/fuzz.sh: time to the first crash of $t with ROLLCAGE_MUTANT=$mutant from $n seed files," \
    "$runs runs, limit $limit s, load $(load), $(nproc) CPUs"
  printf '%-6s %10s %11s  %s\n' seed seconds executions "first finding"
  times=()
  for s in $(seq 1 "$runs"); do
    corpus="$tmp/ttf/$s/corpus"
    mkdir -p "$corpus" && cp -r "$seeds"/. "$corpus"/
    (export ROLLCAGE_MUTANT="$mutant"
     rc_run "$dir" "$t" "$corpus" "$tmp/ttf/$s" "$tmp/ttf/$s.log" -seed="$s" -max_total_time="$limit"
     echo "$? $RC_WALL" >"$tmp/ttf/$s.rc")
    read -r rc wall <"$tmp/ttf/$s.rc"
    execs=$(rc_stat "$tmp/ttf/$s.log" number_of_executed_units)
    if [ "$rc" != 0 ] && grep -q '^rollcage-finding: ' "$tmp/ttf/$s.log"; then
      times+=("$wall")
      printf '%-6s %10.1f %11s  %s\n' "$s" "$wall" "${execs:--}" "$(grep -m1 '^rollcage-finding: ' "$tmp/ttf/$s.log" | cut -d: -f2 | tr -d ' ')"
    elif [ "$rc" != 0 ]; then
      times+=("inf")
      printf '%-6s %10s %11s  %s\n' "$s" "-" "${execs:--}" "crashed without a rollcage finding: $(rc_failure "$tmp/ttf/$s.log")"
    else
      times+=("inf")
      printf '%-6s %10s %11s  %s\n' "$s" ">$limit" "${execs:--}" "not found"
    fi
  done
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; print (m == "inf" ? "not found" : sprintf("%.1f s", m)) }')
  worst=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
  [ "$worst" = inf ] && worst="not found" || worst=$(printf '%.1f s' "$worst")
  echo "bench/fuzz.sh: $mutant found by $t: median $median, slowest $worst (acceptance: under 60 s)"
  exit 0
fi

# --- speed ----------------------------------------------------------------------------------------
if [ ${#only[@]} -gt 0 ]; then
  for t in "${only[@]}"; do has_target "$t" || { echo "bench/fuzz.sh: no target $t in $dir" >&2; exit 2; }; done
  targets=("${only[@]}")
fi
built="sanitizer $sanitizer"
[ -n "$prebuilt" ] && built="prebuilt"
seeds=()
if [ "$repeat" -gt 1 ]; then
  for i in $(seq 0 $((repeat - 1))); do seeds+=($(( ${seed:-1} + i ))); done
else
  seeds=("$seed")
fi
echo "bench/fuzz.sh: targets from $dir ($built), one libFuzzer process each, $seconds s on the seed corpus${seed:+, -seed=$seed}$([ "$repeat" -gt 1 ] && echo ", $repeat runs each (-seed=${seeds[0]}..${seeds[$((repeat - 1))]})"); load $(load), $(nproc) CPUs"
printf '%-22s %5s %6s %11s %8s %10s  %s\n' target seed seeds executions exec/s cpu-exec/s note
for t in "${targets[@]}"; do
  all_eps=()
  for sd in "${seeds[@]}"; do
    corpus="$tmp/speed/$t/$sd/corpus"
    n=$(rc_seed_corpus "$dir" "$t" "$corpus") || n=0
    (unset ROLLCAGE_MUTANT
     rc_run "$dir" "$t" "$corpus" "$tmp/speed/$t/$sd" "$tmp/speed/$t.$sd.log" -max_total_time="$seconds" ${sd:+-seed="$sd"}
     echo "$? $RC_WALL $RC_CPU" >"$tmp/speed/$t.$sd.rc")
    read -r rc wall cpu <"$tmp/speed/$t.$sd.rc"
    execs=$(rc_stat "$tmp/speed/$t.$sd.log" number_of_executed_units)
    eps=$(rc_stat "$tmp/speed/$t.$sd.log" average_exec_per_sec)
    [ -n "$eps" ] && all_eps+=("$eps")
    cpueps="-"
    [ -n "${cpu:-}" ] && [ -n "$execs" ] && cpueps=$(awk -v r="$execs" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
    note=""
    [ "$rc" != 0 ] && note="crashed: $(rc_failure "$tmp/speed/$t.$sd.log")"
    [ "$t" = scenario_fuzz ] && [ -z "$note" ] && note="acceptance: >= 200 exec/s"
    printf '%-22s %5s %6s %11s %8s %10s  %s\n' "$t" "${sd:--}" "$n" "${execs:--}" "${eps:--}" "$cpueps" "$note"
  done
  if [ "$repeat" -gt 1 ] && [ ${#all_eps[@]} -gt 0 ]; then
    med=$(printf '%s\n' "${all_eps[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
    printf '%-22s %5s %6s %11s %8s %10s  %s\n' "$t" median "" "" "$med" "" "of ${#all_eps[@]} runs"
  fi
done
