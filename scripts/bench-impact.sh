#!/usr/bin/env bash
# Benchmark of `cachegen impact`, one cold process each (release build, hyperfine):
#
# - the shipped repository against its own HEAD (the acceptance: "no changes", budget 100 ms);
# - a copy of the shipped project in a fresh git repository, with the production cache
#   renamed (ten resources replaced: every cause rendered alone, every format);
# - the same with N environments generated from the shipped specs, all renamed at once
#   (`base.yaml`'s `name`), to show how the cost grows with the environments a change touches.
#
#   scripts/bench-impact.sh            shipped, rename, N = 100
#   scripts/bench-impact.sh 1000       shipped, rename, N = 1000
#
# Prints a Markdown table. It fails when a run's exit code is not the expected one; it asserts
# nothing about time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-100}"
command -v hyperfine >/dev/null || { echo "bench-impact.sh: hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }
git -C "$root" rev-parse --verify -q HEAD >/dev/null || { echo "bench-impact.sh: $root is not a git checkout" >&2; exit 2; }

cargo build --release --locked -q --manifest-path "$root/Cargo.toml"
bin="$root/target/release/cachegen"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mean_ms() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f ms ± %.1f" % (r["mean"]*1000, r["stddev"]*1000))' "$1"
}

git_quiet() {
  git -c user.name=bench -c user.email=bench@example.invalid -c commit.gpgsign=false "$@" >/dev/null
}

# A project with `count` environments (0: the shipped five), rendered and committed.
make_repo() {
  local dir="$1" count="$2" shipped=(development staging production production-azure production-gcp) i=0
  mkdir -p "$dir"
  cp "$root/cachegen.toml" "$dir/"
  if [ "$count" = 0 ]; then
    cp -r "$root/environments" "$dir/"
  else
    mkdir -p "$dir/environments"
    cp "$root/environments/base.yaml" "$dir/environments/"
    while [ "$i" -lt "$count" ]; do
      local src="${shipped[$((i % 5))]}"
      mkdir -p "$dir/environments/$src-$i"
      sed "s/^environment: .*/environment: $src-$i/" "$root/environments/$src/cache.yaml" > "$dir/environments/$src-$i/cache.yaml"
      i=$((i + 1))
    done
  fi
  (cd "$dir" && "$bin" render -q && git_quiet init -q -b main && git_quiet add -A && git_quiet commit -q -m base)
}

expect_exit() {
  local want="$1" dir="$2"; shift 2
  local got=0
  (cd "$dir" && "$bin" "$@" >/dev/null 2>&1) || got=$?
  [ "$got" = "$want" ] || { echo "bench-impact.sh: \`cachegen $*\` in $dir exited $got, expected $want" >&2; exit 1; }
}

echo "Machine: $(nproc) cores, $(uname -sr); $("$bin" --version)"
echo
echo "| case | environments | findings | time |"
echo "| --- | ---: | ---: | ---: |"

expect_exit 0 "$root" impact --base HEAD
(cd "$root" && hyperfine -N -w 3 -r 20 --export-json "$work/head.json" "$bin impact --base HEAD" >/dev/null)
echo "| the shipped repository against its own HEAD (no changes) | 5 | 0 | $(mean_ms "$work/head.json") |"

make_repo "$work/rename" 0
sed -i 's/^environment: production$/environment: production\nname: orders-kv/' "$work/rename/environments/production/cache.yaml"
expect_exit 1 "$work/rename" impact --base HEAD
findings="$(cd "$work/rename" && { "$bin" impact --base HEAD --format json 2>/dev/null || true; } | python3 -c 'import json,sys; print(sum(len(e["changes"]) for e in json.load(sys.stdin)["environments"]))')"
(cd "$work/rename" && hyperfine -N -i -w 2 -r 10 --export-json "$work/rename.json" "$bin impact --base HEAD --format markdown" >/dev/null)
echo "| a production cache renamed (markdown) | 5 | $findings | $(mean_ms "$work/rename.json") |"

make_repo "$work/many" "$n"
sed -i 's/^name: .*/name: orders-kv/' "$work/many/environments/base.yaml"
expect_exit 1 "$work/many" impact --base HEAD
findings="$(cd "$work/many" && { "$bin" impact --base HEAD --format json 2>/dev/null || true; } | python3 -c 'import json,sys; print(sum(len(e["changes"]) for e in json.load(sys.stdin)["environments"]))')"
(cd "$work/many" && hyperfine -N -i -w 1 -r 5 --export-json "$work/many.json" "$bin impact --base HEAD --format json" >/dev/null)
echo "| every environment renamed (base.yaml) | $n | $findings | $(mean_ms "$work/many.json") |"
