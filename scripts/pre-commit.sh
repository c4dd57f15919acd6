#!/bin/sh
# The entry of cachegen's pre-commit hooks (`language: script`, see .pre-commit-hooks.yaml).
# pre-commit runs it from the repository being committed to, out of its own checkout of
# cachegen at the hook's `rev`. The first run builds cachegen there with Cargo.lock honoured
# (`--locked`: the dependency versions cachegen was tested with); later runs start that
# binary directly. The arguments are the hook's: the command, then the hook's `args`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/target/release/cachegen"
if [ ! -x "$bin" ]; then
  echo "cachegen: building it once for this rev (cargo build --locked --release)..." >&2
  cargo build --locked --release --quiet --manifest-path "$here/Cargo.toml" >&2
fi
exec "$bin" "$@"
