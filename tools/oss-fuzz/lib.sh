# tools/oss-fuzz/lib.sh — shell functions shared by tools/oss-fuzz/run_all.sh and bench/fuzz.sh:
# build every fuzz target with tools/oss-fuzz/build.sh the way OSS-Fuzz does (libFuzzer + ASan or
# UBSan), find the built targets, lay out a seed corpus, turn a target's .options file into libFuzzer
# flags, run a target and read libFuzzer's final statistics. Source it (bash); it sets no options of
# the calling shell and defines only rc_* functions and RC_* variables.

RC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# rc_sanitizer_flags SANITIZER: the CFLAGS OSS-Fuzz's base-builder uses for that sanitizer with
# libFuzzer (the same string as ../shared/checks/07-fuzz for address, so Bazel's disk cache is
# shared with it).
rc_sanitizer_flags() {
  local common="-O1 -fno-omit-frame-pointer -gline-tables-only"
  case "$1" in
    address) echo "$common -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link" ;;
    undefined)
      local checks="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr"
      local fatal="array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
      echo "$common -fsanitize=$checks -fno-sanitize-recover=$fatal -fsanitize=fuzzer-no-link" ;;
    none) echo "$common -fsanitize=fuzzer-no-link" ;;  # libFuzzer alone: what the sanitizer costs
    *) return 1 ;;
  esac
}

# rc_build OUT SANITIZER LOG: runs tools/oss-fuzz/build.sh with OSS-Fuzz's libFuzzer environment
# (clang-14, or $ROLLCAGE_FUZZ_CC / $ROLLCAGE_FUZZ_CXX) into OUT; its output goes to LOG.
# Returns build.sh's status.
rc_build() {
  local out="$1" sanitizer="$2" log="$3" flags work
  flags="$(rc_sanitizer_flags "$sanitizer")" || { echo "unknown sanitizer '$sanitizer' (address, undefined, none)" >"$log"; return 2; }
  mkdir -p "$out" || return 3
  work="$(mktemp -d)"
  (
    cd "$RC_ROOT" &&
      export CC="${ROLLCAGE_FUZZ_CC:-clang-14}" CXX="${ROLLCAGE_FUZZ_CXX:-clang++-14}" \
        CFLAGS="$flags" CXXFLAGS="$flags" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
        OUT="$out" SRC="$(dirname "$RC_ROOT")" WORK="$work" SANITIZER="$sanitizer" FUZZING_ENGINE=libfuzzer &&
      bash tools/oss-fuzz/build.sh
  ) >"$log" 2>&1
  local rc=$?
  rm -rf "$work"
  return $rc
}

# rc_fuzzer_dir NAME PREBUILT OUT SANITIZER TMP: sets $dir to the fuzzers to use — PREBUILT when
# given, else a build.sh build into OUT (or TMP/out). Exits 2 for a missing PREBUILT, 4 when the
# build fails (its log's tail on stderr). NAME prefixes the messages.
rc_fuzzer_dir() {
  local name="$1" prebuilt="$2" out="$3" sanitizer="$4" tmp="$5"
  if [ -n "$prebuilt" ]; then
    [ -d "$prebuilt" ] || { echo "$name: no directory $prebuilt" >&2; exit 2; }
    dir="$(cd "$prebuilt" && pwd)"
    return 0
  fi
  dir="${out:-$tmp/out}"
  mkdir -p "$dir" && dir="$(cd "$dir" && pwd)"
  echo "$name: building the fuzz targets with tools/oss-fuzz/build.sh ($sanitizer) into $dir ..."
  if ! rc_build "$dir" "$sanitizer" "$tmp/build.log"; then
    tail -20 "$tmp/build.log" >&2
    echo "$name: build.sh failed" >&2
    exit 4
  fi
}

# rc_targets DIR: the fuzz targets build.sh put in DIR (executable ELF files named *_fuzz), one a line.
rc_targets() {
  local f
  for f in "$1"/*_fuzz; do
    [ -f "$f" ] && [ -x "$f" ] || continue
    head -c 4 "$f" 2>/dev/null | grep -q 'ELF' || continue
    basename "$f"
  done
}

# rc_seed_corpus DIR TARGET DEST: fills DEST (created) with TARGET's seed corpus: the files of
# DIR/TARGET_seed_corpus.zip, or, without one, corpus/<name>/ and corpus/regressions/<name>/ of the
# checkout. Prints the number of files.
rc_seed_corpus() {
  local dir="$1" target="$2" dest="$3" base="${2%_fuzz}" d
  mkdir -p "$dest"
  if [ -f "$dir/${target}_seed_corpus.zip" ]; then
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$dir/${target}_seed_corpus.zip" "$dest" || return 1
  else
    for d in "$RC_ROOT/corpus/$base" "$RC_ROOT/corpus/regressions/$base"; do
      [ -d "$d" ] && find "$d" -type f -exec cp {} "$dest"/ \;
    done
  fi
  find "$dest" -type f | wc -l
}

# rc_options DIR TARGET: the libFuzzer flags of DIR/TARGET.options ([libfuzzer] section, as
# ClusterFuzz reads it), one a line, with the dictionary path made absolute.
rc_options() {
  local file="$1/$2.options" line key value section=""
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    case "$line" in
      \[*\]*) section="${line#[}"; section="${section%%]*}"; continue ;;
      *=*) ;;
      *) continue ;;
    esac
    [ "$section" = libfuzzer ] || continue
    key="$(echo "${line%%=*}" | tr -d '[:space:]')"
    value="$(echo "${line#*=}" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')"
    [ "$key" = dict ] && case "$value" in /*) ;; *) value="$1/$value" ;; esac
    echo "-$key=$value"
  done <"$file"
}

# rc_run DIR TARGET CORPUS WORKDIR LOG [LIBFUZZER FLAGS...]: runs DIR/TARGET on CORPUS (a directory
# it adds to) with its .options flags, -print_final_stats=1, OSS-Fuzz's -rss_limit_mb=2560 and
# -timeout=25, crash files written as WORKDIR/TARGET-crash-*, from WORKDIR; output in LOG. The extra
# flags come last, so they override. Sets RC_WALL (seconds, 3 decimals) and RC_CPU (user+system
# seconds, or empty). Returns the fuzzer's exit status (0 clean; 77 or another non-zero: a crash,
# leak, timeout or OOM; 124/137: killed by the outer watchdog).
rc_run() {
  local dir="$1" target="$2" corpus="$3" workdir="$4" log="$5"
  shift 5
  local opts=() watchdog=0 a t0 t1 rc
  mapfile -t opts < <(rc_options "$dir" "$target")
  for a in "$@"; do
    case "$a" in -max_total_time=*) watchdog=$(( ${a#-max_total_time=} + 180 )) ;; esac
  done
  mkdir -p "$workdir"
  local timer=()
  [ -x /usr/bin/time ] && timer=(/usr/bin/time -q -f '%U %S' -o "$workdir/.cpu")
  local guard=()
  [ "$watchdog" -gt 0 ] && guard=(timeout --kill-after=10 "$watchdog")
  t0=$(date +%s.%N)
  (cd "$workdir" && "${guard[@]}" "${timer[@]}" "$dir/$target" "${opts[@]}" -print_final_stats=1 -rss_limit_mb=2560 \
    -timeout=25 -artifact_prefix="$workdir/$target-" "$@" "$corpus") >"$log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  RC_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  RC_CPU=""
  if [ -s "$workdir/.cpu" ]; then
    RC_CPU=$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { printf "%.2f", $1 + $2; exit }' "$workdir/.cpu")
    rm -f "$workdir/.cpu"
  fi
  return $rc
}

# rc_stat LOG NAME: the value of libFuzzer's final statistic stat::NAME in LOG (empty if absent).
rc_stat() {
  awk -v k="stat::$2:" '$1 == k { v = $2 } END { if (v != "") print v }' "$1"
}

# rc_failure LOG: one line saying why a run failed (the sanitizer's or rollcage's first report line).
rc_failure() {
  local line
  line=$(grep -a -m1 -E '^rollcage-finding: ' "$1") ||
    line=$(grep -a -m1 -E 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$1") ||
    line=$(grep -a -m1 -E '^SUMMARY: ' "$1") ||
    line=$(tail -1 "$1" | tr -cd "[:print:]\t")
  echo "$line" | cut -c1-200
}

# rc_artifact LOG: the crash/leak/timeout/oom file libFuzzer wrote (empty if none).
rc_artifact() {
  sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -1
}
