#!/bin/bash -eu
# ClusterFuzzLite build script: the OSS-Fuzz one (tools/oss-fuzz/build.sh) run from the checkout the
# Dockerfile copied to $SRC/rollcage. It honours $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT.
exec bash "$SRC/rollcage/tools/oss-fuzz/build.sh" "$@"
