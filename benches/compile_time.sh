#!/usr/bin/env bash
# Compile time of #[derive(Telemetry)] on a 50-field struct against serde's
# #[derive(Serialize)] on the same struct. Each derive is measured against
# the same crate with the same dependency but no derive, so that cargo's own
# work (which grows with crewtel's larger dependency tree) cancels out.
# Dependencies are built first; each measurement rebuilds only the one crate
# (`cargo clean -p`), in the same (dev) profile, RUNS times; medians printed.
#
#   bash benches/compile_time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/compile-time"
runs=${RUNS:-5}
mkdir -p "$work"

types=(String u32 bool "Vec<String>" "Option<u64>")
fields() {
  local attr=$1
  for i in $(seq 0 49); do
    [ -n "$attr" ] && echo "    $attr"
    echo "    pub field_$i: ${types[$((i % 5))]},"
  done
}

make_crate() {
  local name=$1 derive=$2 attr=$3 deps=$4
  mkdir -p "$work/$name/src"
  cat > "$work/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$deps

[workspace]
TOML
  {
    echo "$derive"
    echo "pub struct Fifty {"
    fields "$attr"
    echo "}"
  } > "$work/$name/src/lib.rs"
}

serde_dep='serde = { version = "1", features = ["derive"] }'
crewtel_dep="crewtel = { path = \"$root/runtime\" }"
make_crate ct-serde-plain "" "" "$serde_dep"
make_crate ct-serde "#[derive(serde::Serialize)]" "" "$serde_dep"
make_crate ct-crewtel-plain "" "" "$crewtel_dep"
make_crate ct-crewtel "#[derive(crewtel::Telemetry)]" "#[telemetry(always, free_text)]" "$crewtel_dep"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A result
for name in ct-serde-plain ct-serde ct-crewtel-plain ct-crewtel; do
  dir="$work/$name"
  export CARGO_TARGET_DIR="$work/target-$name"
  cargo build -q --manifest-path "$dir/Cargo.toml"   # dependencies, once
  times=()
  for _ in $(seq "$runs"); do
    cargo clean -q -p "$name" --manifest-path "$dir/Cargo.toml"
    start=$(date +%s%N)
    cargo build -q --manifest-path "$dir/Cargo.toml"
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  result[$name]=$(printf '%s\n' "${times[@]}" | median)
done

sp=${result[ct-serde-plain]}; sd=${result[ct-serde]}; cp=${result[ct-crewtel-plain]}; cd=${result[ct-crewtel]}
echo "| 50-field struct | no derive (ms) | with the derive (ms) | the derive's cost (ms) |"
echo "|---|---|---|---|"
echo "| serde \`Serialize\` | $sp | $sd | $((sd - sp)) |"
echo "| crewtel \`Telemetry\` | $cp | $cd | $((cd - cp)) |"
awk -v a="$((cd - cp))" -v b="$((sd - sp))" 'BEGIN { printf "crewtel / serde, the derive'"'"'s cost: %.2f\n", a / b }'
