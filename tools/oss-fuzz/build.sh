#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: builds every rollcage fuzz target (fuzz/*_fuzz.cc) with the
# compiler, flags and fuzzing engine the infrastructure gives, and puts into $OUT
#   <target>_fuzz                 the fuzzer (ELF)
#   <target>_fuzz_seed_corpus.zip corpus/<target>/ and corpus/regressions/<target>/
#   <target>_fuzz.dict            fuzz/dicts/<target>.dict, where there is one
#   <target>_fuzz.options         [libfuzzer] max_len (and dict)
#   lib/                          the shared libraries the fuzzers load that a runner image lacks
#   harness/faults/pkcs11/librollcage_chaos_pkcs11.so   the chaos PKCS#11 module (scenario_hsm_fuzz)
#
# Honours $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT (and $SRC, $WORK, $SANITIZER,
# $FUZZING_ENGINE as OSS-Fuzz sets them). Bazel drives the build: the flags become --conlyopt /
# --cxxopt / --linkopt, $LIB_FUZZING_ENGINE becomes the link flag of the fuzz binaries only
# (fuzz/fuzz.bzl), and outputs go to their own configuration (--platform_suffix=ossfuzz).
# Sanitizers: address and undefined (memory would need every system library instrumented).
# Run it here as tools/oss-fuzz/run_all.sh does, or see docs/fuzzing.md.

# Also when run as `bash build.sh` (which ignores the -eu above): a failed build must fail, not
# leave the previous binaries in $OUT looking new.
set -eu
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -f "$here/../../WORKSPACE" ]; then
  root="$(cd "$here/../.." && pwd)"
else
  root="${SRC:?}/rollcage"   # build.sh copied next to the checkout, as OSS-Fuzz Dockerfiles do
fi
cd "$root"

: "${CC:=clang}" "${CXX:=clang++}" "${CFLAGS:=}" "${CXXFLAGS:=}" "${OUT:?OUT must be set}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${SANITIZER:=address}" "${FUZZING_ENGINE:=libfuzzer}"
if [ "$SANITIZER" = memory ]; then
  echo "rollcage build.sh: MemorySanitizer is not supported (libcrypto, libldns and SoftHSM are not instrumented)" >&2
  exit 1
fi
mkdir -p "$OUT"

flags=(
  --repo_env=CC="$CC" --repo_env=CXX="$CXX"
  --define=fuzzing_engine=libfuzzer
  --platform_suffix=ossfuzz
  --strip=never
  # clang reads the coverage ignore list itself: compile in the execroot, where its path resolves.
  --strategy=CppCompile=standalone
  # The fuzzers find the libraries copied next to them on a runner that lacks them.
  '--linkopt=-Wl,-rpath,$ORIGIN/lib'
)
for f in $CFLAGS; do flags+=("--conlyopt=$f"); done
for f in $CXXFLAGS; do flags+=("--cxxopt=$f" "--linkopt=$f"); done
# Optimisation: OSS-Fuzz's flags say -O1; rollcage's code is compiled at $ROLLCAGE_FUZZ_OPT (default
# -O2, given after $CFLAGS so that it wins). The scenario targets run a whole signer and oracle per
# input, mostly small C++ functions that -O1 leaves as calls: -O2 runs them about 15 % faster under
# ASan, which is that much more fuzzing per CPU hour (bench/fuzz.sh --replay; docs/fuzzing.md).
# The sanitizer and coverage flags are OSS-Fuzz's, unchanged. Coverage builds (SANITIZER=coverage)
# keep the level they are given, and ROLLCAGE_FUZZ_OPT= (empty) keeps it for any build.
opt="${ROLLCAGE_FUZZ_OPT--O2}"
if [ "$SANITIZER" = coverage ]; then opt=""; fi
case "$opt" in
  ""|-O0|-O1|-O2|-O3|-Os) ;;
  *) echo "rollcage build.sh: ROLLCAGE_FUZZ_OPT must be one of -O0 -O1 -O2 -O3 -Os or empty, not '$opt'" >&2; exit 1 ;;
esac
if [ -n "$opt" ]; then flags+=("--conlyopt=$opt" "--cxxopt=$opt"); fi
case "$CFLAGS $CXXFLAGS" in
  *fuzzer-no-link*|*sanitize-coverage*)
    # Keep the C++ library and header-only JSON code out of coverage (fuzz/coverage_ignorelist_v1.txt).
    flags+=(--copt=-fsanitize-coverage-ignorelist=fuzz/coverage_ignorelist_v1.txt) ;;
esac
engine="$LIB_FUZZING_ENGINE"
case "$engine" in
  -*) ;;
  *) engine="-Wl,$engine" ;;   # a library path (AFL, honggfuzz drivers): hand it to the linker
esac
flags+=("--define=rollcage_fuzz_engine=$engine")

targets=$(bazel query 'attr(name, ".*_fuzz$", kind(cc_binary, //fuzz:all))' 2>/dev/null)
[ -n "$targets" ] || { echo "rollcage build.sh: no fuzz targets found under //fuzz" >&2; exit 1; }
bazel build "${flags[@]}" $targets //harness/faults/pkcs11:librollcage_chaos_pkcs11.so
bin="$(bazel info "${flags[@]}" bazel-bin 2>/dev/null)"

max_len() {
  case "$1" in
    scenario|scenario_hsm) echo 256 ;;
    key_tag) echo 1024 ;;
    nsec3) echo 512 ;;
    fault_plan) echo 2048 ;;
    validate) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

zip_dir() {  # zip_dir ZIP DIR...: the regular files of the directories, flat
  local out="$1"; shift
  rm -f "$out"
  python3 - "$out" "$@" <<'EOF'
import os, sys, zipfile
out, dirs = sys.argv[1], sys.argv[2:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d in dirs:
        for base, _, files in os.walk(d):
            for f in sorted(files):
                p = os.path.join(base, f)
                z.write(p, os.path.relpath(p, d).replace(os.sep, "_") if base != d else f)
EOF
}

for label in $targets; do
  name="${label##*:}"          # zone_fuzz
  base="${name%_fuzz}"         # zone
  install -m 0755 "$bin/fuzz/$name" "$OUT/$name"
  dirs=()
  [ -d "corpus/$base" ] && dirs+=("corpus/$base")
  [ -d "corpus/regressions/$base" ] && dirs+=("corpus/regressions/$base")
  [ ${#dirs[@]} -gt 0 ] && zip_dir "$OUT/${name}_seed_corpus.zip" "${dirs[@]}"
  {
    echo "[libfuzzer]"
    echo "max_len = $(max_len "$base")"
    # The scenario targets run the whole signer and oracle per input (~30k edges): libFuzzer's
    # entropic bookkeeping over that many features cost a third of their time (bench/fuzz.sh).
    case "$base" in scenario|scenario_hsm) echo "entropic = 0" ;; esac
    if [ -f "fuzz/dicts/$base.dict" ]; then
      cp "fuzz/dicts/$base.dict" "$OUT/$name.dict"
      echo "dict = $name.dict"
    fi
  } > "$OUT/$name.options"
  echo "rollcage build.sh: $OUT/$name"
done

# The chaos PKCS#11 module, where the scenario targets look for it (next to the binary, at its
# workspace path; a subdirectory, so $OUT holds only fuzzers at the top).
mkdir -p "$OUT/harness/faults/pkcs11"
install -m 0755 "$bin/harness/faults/pkcs11/librollcage_chaos_pkcs11.so" "$OUT/harness/faults/pkcs11/"

# Shared libraries a runner image may lack (libldns, OpenSSL 3, SoftHSM and what it needs). The
# fuzzers carry rpath $ORIGIN/lib; the scenario targets fall back to lib/softhsm/libsofthsm2.so when
# the system has no SoftHSM.
mkdir -p "$OUT/lib/softhsm"
softhsm="${ROLLCAGE_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
[ -f "$softhsm" ] && install -m 0644 "$softhsm" "$OUT/lib/softhsm/libsofthsm2.so"
for f in "$OUT"/*_fuzz "$OUT/lib/softhsm/libsofthsm2.so"; do
  [ -f "$f" ] || continue
  ldd "$f" 2>/dev/null | awk '/=> \// {print $3}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|ld-linux*|libgcc_s.so*|libstdc++.so*|libc++*) ;;
    *) [ "$lib" -ef "$OUT/lib/$(basename "$lib")" ] || install -m 0644 "$lib" "$OUT/lib/" ;;  # (a rebuild finds its own copies)
  esac
done
echo "rollcage build.sh: $(ls "$OUT"/*_fuzz | wc -l) fuzz targets in $OUT"
