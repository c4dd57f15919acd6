#!/usr/bin/env bash
# Scale benchmark for cachegen: the shipped environments, and N environments generated from
# the five shipped specs (the same specs with their own `environment`), timed with hyperfine
# for `validate`, `render` into an empty folder (every file written and flushed), `render`
# over an up-to-date output (what CI runs), and `render --check`; peak memory of the fresh
# render from GNU time; then the peers (checkov, terraform validate, docker-compose config) on
# the shipped output, for the ratio docs/performance.md states.
#
#   scripts/bench-scale.sh              shipped, N = 10 100 1000 10000
#   scripts/bench-scale.sh 100          one N (what .ci/run does)
#   BENCH_PEERS=0 scripts/bench-scale.sh   skip the peers
#
# Prints a Markdown table. It fails when an environment did not render or `--check` is not
# clean; it asserts nothing about time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(shipped 10 100 1000 10000)

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-scale.sh: $tool is required (apt-get install hyperfine time)" >&2; exit 2; }
done

cargo build --release --locked -q --manifest-path "$root/Cargo.toml"
bin="$root/target/release/cachegen"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || echo unknown)"
echo "Machine: $(nproc) cores ($cpu), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr); $("$bin" --version)"
echo
echo "| N environments | validate | render (up to date) | render --check | render (empty folder) | cp -r of that output | peak memory (render, empty folder) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"

shipped=(development staging production production-azure production-gcp)

make_project() {
  local n="$1" dir="$2" i=0
  if [ "$n" = shipped ]; then
    cp -r "$root/environments" "$root/cachegen.toml" "$dir/"
    return
  fi
  mkdir -p "$dir/environments"
  cp "$root/cachegen.toml" "$dir/"
  cp "$root/environments/base.yaml" "$dir/environments/"
  while [ "$i" -lt "$n" ]; do
    local src="${shipped[$((i % 5))]}" name
    name="$src-$i"
    mkdir -p "$dir/environments/$name"
    sed "s/^environment: .*/environment: $name/" "$root/environments/$src/cache.yaml" > "$dir/environments/$name/cache.yaml"
    i=$((i + 1))
  done
}

mean_ms() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f ms ± %.1f" % (r["mean"]*1000, r["stddev"]*1000))' "$1"
}

for n in "${sizes[@]}"; do
  dir="$work/n$n"
  mkdir -p "$dir"
  make_project "$n" "$dir"
  count="$n"
  [ "$n" = shipped ] && count=5
  runs=10
  [ "$count" -ge 1000 ] && runs=5
  [ "$count" -ge 10000 ] && runs=3
  (
    cd "$dir"
    "$bin" --quiet render
    rendered="$(find generated -mindepth 1 -maxdepth 1 -type d | wc -l)"
    if [ "$rendered" -ne "$count" ]; then
      echo "bench-scale.sh: N=$n but $rendered environments rendered" >&2
      exit 1
    fi
    "$bin" --quiet render --check >/dev/null
    hyperfine -N -w 1 -r "$runs" --export-json "$work/v$n.json" "$bin --quiet validate" >/dev/null 2>>"$work/hyperfine.log"
    # Into an empty folder: every file is written, flushed (one syncfs) and swapped in. The
    # removal is synced first, so that the render's flush is its own; `cp -r` of the same
    # output is the file system's floor for creating those files.
    hyperfine -N -w 1 -r "$runs" --prepare "sh -c 'rm -rf $dir/generated && sync'" --export-json "$work/f$n.json" "$bin --quiet render" >/dev/null 2>>"$work/hyperfine.log"
    hyperfine -N -w 1 -r "$runs" --prepare "sh -c 'rm -rf $dir/copy && sync'" --export-json "$work/p$n.json" "cp -r $dir/generated $dir/copy" >/dev/null 2>>"$work/hyperfine.log"
    rm -rf "$dir/copy"
    hyperfine -N -w 1 -r "$runs" --export-json "$work/r$n.json" "$bin --quiet render" >/dev/null 2>>"$work/hyperfine.log"
    hyperfine -N -w 1 -r "$runs" --export-json "$work/c$n.json" "$bin --quiet render --check" >/dev/null 2>>"$work/hyperfine.log"
    rm -rf generated
    /usr/bin/time -v "$bin" --quiet render 2> "$work/t$n.txt" >/dev/null
    "$bin" --quiet render --check >/dev/null
  )
  rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/t$n.txt")"
  label="$n"
  [ "$n" = shipped ] && label="5 (shipped)"
  printf '| %s | %s | %s | %s | %s | %s | %s MiB |\n' "$label" "$(mean_ms "$work/v$n.json")" "$(mean_ms "$work/r$n.json")" \
    "$(mean_ms "$work/c$n.json")" "$(mean_ms "$work/f$n.json")" "$(mean_ms "$work/p$n.json")" \
    "$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
  rm -rf "$dir"
done

[ "${BENCH_PEERS:-1}" = "1" ] || exit 0

# The peers, on the shipped environments' output (what one CI run of a repository checks).
echo
echo "Peers on the same output (the five shipped environments):"
echo
echo "| check | time | vs cachegen |"
echo "| --- | ---: | ---: |"
peer="$work/peers"
mkdir -p "$peer"
cp -r "$root/environments" "$root/cachegen.toml" "$peer/"
(cd "$peer" && "$bin" --quiet render)
hyperfine -N -w 1 -r 10 --export-json "$work/own.json" "$bin --quiet --color never render --out $peer/generated --check" >/dev/null 2>&1 || true
own="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/own.json")"
row() {
  local label="$1" json="$2"
  python3 - "$json" "$own" "$label" <<'PY'
import json, sys
mean = json.load(open(sys.argv[1]))["results"][0]["mean"]
own = float(sys.argv[2])
print("| %s | %.2f s | %.0fx |" % (sys.argv[3], mean, mean / own))
PY
}
printf '| cachegen render --check (validates too) | %.1f ms | 1x |\n' "$(python3 -c "print($own*1000)")"
if command -v checkov >/dev/null; then
  hyperfine -i -w 0 -r 2 --export-json "$work/checkov.json" \
    "checkov -d $peer/generated --framework terraform --skip-download --quiet --compact -o json" >/dev/null 2>&1 || true
  row "checkov (all Terraform)" "$work/checkov.json"
else
  echo "| checkov | not installed | |"
fi
if command -v docker-compose >/dev/null; then
  files=$(find "$peer/generated" -name docker-compose.yml | sort)
  cmd=""
  for f in $files; do cmd="$cmd docker-compose -f $f config -q;"; done
  REDIS_PASSWORD=bench hyperfine -i -w 1 -r 5 --export-json "$work/compose.json" "sh -c '$cmd'" >/dev/null 2>&1 || true
  row "docker-compose config (every stack)" "$work/compose.json"
else
  echo "| docker-compose config | not installed | |"
fi
mirror=""
for m in "${CACHEGEN_TF_MIRROR:-}" /opt/tf-plugins /usr/share/terraform/plugins; do
  [ -n "$m" ] && [ -d "$m/registry.terraform.io/hashicorp/aws" ] && { mirror="$m"; break; }
done
if command -v terraform >/dev/null && [ -n "$mirror" ]; then
  tfdir="$peer/generated/production/terraform/aws"
  printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n' "$mirror" > "$work/tfrc"
  (cd "$tfdir" && TF_CLI_CONFIG_FILE="$work/tfrc" terraform init -input=false -backend=false >/dev/null 2>&1)
  (cd "$tfdir" && TF_CLI_CONFIG_FILE="$work/tfrc" hyperfine -w 1 -r 3 --export-json "$work/tf.json" "terraform validate -no-color" >/dev/null 2>&1) || true
  row "terraform validate (AWS only)" "$work/tf.json"
else
  echo "| terraform validate | terraform or its provider mirror not found | |"
fi
