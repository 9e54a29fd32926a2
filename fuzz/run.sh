#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/README.md): seeds each target's corpus from the
# repository's example requests, builds them, and runs each for a while.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 60 seconds for each of the four targets. Installs what it lacks: a
# nightly toolchain (rustup) and cargo-fuzz (pinned, into target/ci-tools).
# Exits 1 when a target crashes, after running the others, and says where
# the crashing input is and how to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(engine fixes lsp_transport editor)
CARGO_FUZZ_VERSION=0.13.2
# Memory errors are not what safe Rust fuzzing looks for; panics (with debug
# assertions and overflow checks, which cargo-fuzz turns on) are. Without
# AddressSanitizer the build and every run are about twice as fast.
SANITIZER=none

die() { printf 'fuzz/run.sh: %s\n' "$*" >&2; exit 1; }

# A nightly toolchain: cargo-fuzz needs its -Z flags.
if ! rustup run nightly rustc --version > /dev/null 2>&1; then
  command -v rustup > /dev/null || die "no rustup on PATH: cargo-fuzz needs a nightly toolchain (https://rustup.rs, then rustup toolchain install nightly)"
  echo "installing the nightly toolchain (rustup toolchain install nightly --profile minimal)"
  rustup toolchain install nightly --profile minimal > /dev/null \
    || die "could not install the nightly toolchain: run 'rustup toolchain install nightly' and see why"
fi

# cargo-fuzz: the one on PATH when it runs, else the pinned one in target/ci-tools.
if ! cargo +nightly fuzz --version > /dev/null 2>&1; then
  tools="$PWD/target/ci-tools/cargo-fuzz"
  export PATH="$tools/bin:$PATH"
  if ! cargo +nightly fuzz --version > /dev/null 2>&1; then
    echo "installing cargo-fuzz $CARGO_FUZZ_VERSION into $tools (about 2 minutes, once)"
    cargo install --locked --quiet "cargo-fuzz@$CARGO_FUZZ_VERSION" --root "$tools" \
      || die "could not install cargo-fuzz: cargo install --locked cargo-fuzz@$CARGO_FUZZ_VERSION"
  fi
fi
echo "$(cargo +nightly fuzz --version), $(rustup run nightly rustc --version)"

python3 fuzz/seeds.py fuzz/corpus || die "could not write the seed corpus (python3 fuzz/seeds.py)"
cargo +nightly fuzz build --sanitizer "$SANITIZER" || die "the fuzz targets do not build (cargo +nightly fuzz build)"

mkdir -p fuzz/logs
crashed=()
for target in "${targets[@]}"; do
  log="fuzz/logs/$target.log"
  printf '\n==> %s: %s s (log: %s)\n' "$target" "$seconds" "$log"
  set +e
  # One process (the machine is shared); -timeout makes a hang a crash.
  cargo +nightly fuzz run --sanitizer "$SANITIZER" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -dict=fuzz/dict -print_final_stats=1 \
    > "$log" 2>&1
  status=$?
  set -e
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  corpus="$(grep -oE 'corp: [0-9]+/[0-9a-zA-Z]+' "$log" | tail -n 1)"
  printf '%s: %s runs, %s, exit %s\n' "$target" "${execs:-?}" "${corpus:-corp: ?}" "$status"
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
    if [ -n "$artifact" ]; then
      printf '\n%s CRASHED. The input: %s\nReproduce: cargo +nightly fuzz run --sanitizer %s %s %s\n' \
        "$target" "$artifact" "$SANITIZER" "$target" "$artifact"
    else
      printf '\n%s FAILED without a crashing input (see %s)\n' "$target" "$log"
    fi
    crashed+=("$target")
  fi
done

if [ "${#crashed[@]}" -gt 0 ]; then
  die "crashed: ${crashed[*]} (the inputs are in fuzz/artifacts/; fuzz/README.md says how to turn one into a regression test)"
fi
echo "no crash in ${#targets[@]} targets, $seconds s each"
