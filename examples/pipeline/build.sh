#!/bin/sh
# Builds the producer and consumer modules of the pipeline example.
#
#   examples/pipeline/build.sh [OUTDIR]      (default .build/examples/pipeline)
#
# OUTDIR is relative to the repository root. MMCC selects the compiler
# (default .build/bin/mmcc), OPT the optimization level (default -O2).
# Writes producer.wasm and consumer.wasm (the channel is a shared memory,
# -matomics) and producer-unshared.wasm and consumer-unshared.wasm (an
# ordinary memory, for hosts that cannot create shared memories).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=${1:-.build/examples/pipeline}
mmcc=${MMCC:-.build/bin/mmcc}
opt=${OPT:--O2}
src=examples/pipeline
mkdir -p "$out"
# No main: a reactor module, whose exports the host calls after _initialize.
for module in producer consumer; do
    "$mmcc" "$opt" -mexec-model=reactor -matomics "$src/$module.c" -o "$out/$module.wasm"
    "$mmcc" "$opt" -mexec-model=reactor -DPIPELINE_UNSHARED "$src/$module.c" -o "$out/$module-unshared.wasm"
done
echo "built $out/producer.wasm $out/consumer.wasm (shared channel) and *-unshared.wasm"
