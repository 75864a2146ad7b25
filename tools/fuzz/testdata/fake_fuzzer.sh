#!/bin/bash
# A stand-in for a libFuzzer binary (tools/fuzz/nightly_test.cc): speaks the flags `rollcage nightly`
# uses. Fork runs print status lines, add one input to the first corpus directory and leave three
# crash files (two of one bug, one ASan report); -merge=1 copies inputs; -minimize_crash=1 writes a
# shorter input; a single file replays: "BUG1..." is a rollcage finding, "ASAN..." an ASan crash.
prefix=./ exact= merge=0 minimize=0 fork=0 dirs=() files=()
for a in "$@"; do
  case "$a" in
    -artifact_prefix=*) prefix=${a#*=} ;;
    -exact_artifact_path=*) exact=${a#*=} ;;
    -merge=1) merge=1 ;;
    -minimize_crash=1) minimize=1 ;;
    -fork=*) fork=1 ;;
    -*) ;;
    *) if [ -d "$a" ]; then dirs+=("$a"); else files+=("$a"); fi ;;
  esac
done
echo "INFO: mutant='${ROLLCAGE_MUTANT:-}'" >&2
if [ $merge = 1 ]; then
  [ "${ROLLCAGE_MUTANT:-}" = "" ] || { echo "merge must run without the mutant" >&2; exit 9; }
  cp "${dirs[1]}"/* "${dirs[0]}"/; echo "MERGE-OUTER: done" >&2; exit 0
fi
if [ $fork = 1 ]; then
  echo "#10: cov: 10 ft: 20 corp: 3 exec/s: 10 oom/timeout/crash: 0/0/0 time: 1s job: 1 dft_time: 0" >&2
  echo "new input $RANDOM" > "${dirs[0]}/new-1"
  printf 'BUG1-long-input' > "${prefix}crash-aaa"
  printf 'BUG1-x' > "${prefix}crash-bbb"
  printf 'ASAN' > "${prefix}crash-ccc"
  echo "#300: cov: 42 ft: 99 corp: 4 exec/s: 150 oom/timeout/crash: 0/0/3 time: 2s job: 2 dft_time: 0" >&2
  exit 0
fi
if [ $minimize = 1 ]; then head -c 4 "${files[0]}" > "$exact"; exit 0; fi
content=$(cat "${files[0]}")
case "$content" in
  *BUG1*) echo "rollcage-finding: key-removed-too-early: ns1.example. A: signed only by key tag 58320" >&2
          echo "==1== ERROR: libFuzzer: deadly signal" >&2; exit 1 ;;
  *ASAN*) printf '==2==ERROR: AddressSanitizer: heap-use-after-free on address 0x1\n    #0 0x1 in rollcage::dns::Name::ToText() const /x/rollcage/dns/name.cc:40:3\n\n' >&2; exit 1 ;;
esac
exit 0
