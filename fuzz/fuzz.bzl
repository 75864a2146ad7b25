"""rollcage_fuzz_target: a libFuzzer target plus a plain replay test.

rollcage_fuzz_target(name = "zone", srcs = ["zone_fuzz.cc"], deps = [...]) defines
  :zone_fuzz         the fuzzer (with --config=fuzz: libFuzzer; otherwise a replay binary that runs
                     the target over files and directories given as arguments)
  :zone_replay_test  a test that replays corpus/zone/ and corpus/regressions/zone/ with any compiler,
                     so a plain `bazel test //...` replays every seed and every regression.
"""

def rollcage_fuzz_target(name, srcs, deps = [], data = [], dict = None, **kwargs):
    fuzz_deps = deps + select({
        "//fuzz:fuzzing": [],
        "//conditions:default": ["//fuzz:replay_main"],
    })
    native.cc_binary(
        name = name + "_fuzz",
        srcs = srcs,
        deps = fuzz_deps,
        linkopts = select({
            "//fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        data = data,
        **kwargs
    )
    corpus = native.glob(["corpus/%s/**" % name], allow_empty = True)
    native.cc_test(
        name = name + "_replay_test",
        srcs = srcs,
        deps = deps + ["//fuzz:replay_main"],
        data = data + ["//corpus:" + name, "//corpus:regressions_" + name],
        args = ["corpus/" + name, "corpus/regressions/" + name],
        size = "medium",
        **kwargs
    )
