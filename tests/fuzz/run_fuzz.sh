#!/bin/sh
# Runs one libFuzzer target for $FUZZ_SECONDS seconds (default 30), the CTest
# command of every tests/fuzz target. Usage: run_fuzz.sh BINARY WORK_DIR DICT SEED_DIR...
# New inputs go to WORK_DIR/corpus (the seed folders are only read); a failing input
# is written to WORK_DIR/artifacts/ and the exit status is libFuzzer's (non-zero on a
# crash, leak, timeout, UB or out-of-memory).
set -eu
binary=$1
work=$2
dict=$3
shift 3
seconds=${FUZZ_SECONDS:-30}
mkdir -p "$work/corpus" "$work/artifacts"
# Keep the seed folders that exist (a target may have no regressions yet).
count=$#
while [ "$count" -gt 0 ]; do
    folder=$1
    shift
    if [ -d "$folder" ]; then
        set -- "$@" "$folder"
    fi
    count=$((count - 1))
done
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict="$dict" -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    "$work/corpus" "$@"
