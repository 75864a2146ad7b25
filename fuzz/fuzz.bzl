"""rollcage_fuzz_target: a libFuzzer target plus a plain replay test.

rollcage_fuzz_target(name = "zone", srcs = ["zone_fuzz.cc"], deps = [...]) defines
  :zone_fuzz         the fuzzer (with --config=fuzz or tools/oss-fuzz/build.sh: linked with the fuzzing
                     engine; otherwise a replay binary that runs the target over files and directories
                     given as arguments)
  :zone_replay_test  a test that replays corpus/zone/ and corpus/regressions/zone/ with any compiler,
                     so a plain `bazel test //...` replays every seed and every regression.
Every fuzz binary links :sanitizer_defaults (fuzz/lsan.supp compiled in as LeakSanitizer's default
suppressions). The engine's link flag comes from --define=rollcage_fuzz_engine=FLAG (.bazelrc's
config fuzz: -fsanitize=fuzzer; OSS-Fuzz: $LIB_FUZZING_ENGINE).
"""

def rollcage_fuzz_target(name, srcs, deps = [], data = [], dict = None, **kwargs):
    fuzz_deps = deps + ["//fuzz:finding", "//fuzz:sanitizer_defaults"] + select({
        "//fuzz:fuzzing": [],
        "//conditions:default": ["//fuzz:replay_main"],
    })
    native.cc_binary(
        name = name + "_fuzz",
        srcs = srcs,
        deps = fuzz_deps,
        linkopts = select({
            "//fuzz:fuzzing": ["$(rollcage_fuzz_engine)"],
            "//conditions:default": [],
        }),
        data = data + ([dict] if dict else []),
        **kwargs
    )
    native.cc_test(
        name = name + "_replay_test",
        srcs = srcs,
        deps = deps + ["//fuzz:finding", "//fuzz:replay_main", "//fuzz:sanitizer_defaults"],
        data = data + ["//corpus:" + name, "//corpus:regressions_" + name],
        args = ["corpus/" + name, "corpus/regressions/" + name],
        size = "medium",
        **kwargs
    )
