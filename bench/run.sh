#!/usr/bin/env bash
# Benchmark chatlint, in one run, on everything issue 13 item 5 asks for:
# 10k and 100k request files against just reading them (cat, and rg with two
# threads) and against two JSON Schema validators (check-jsonschema, ajv-cli)
# on the same files; peak memory at both sizes in every output format; one
# ~1 MB request from the CLI and in the language server; one-file start-up.
# Writes bench/out/results.md: the block to paste into README.md's Speed
# section, the goals with met / missed, and every figure with the machine.
# See bench/README.md. Usage: bash bench/run.sh   (from anywhere)
#
# Environment (defaults in brackets):
#   RUNS_FAST [10]     hyperfine runs of the fast rows
#   RUNS_SLOW [5]      runs of the 100k rows and of check-jsonschema on 10k
#   RUNS_SLOWEST [3, at most RUNS_SLOW]  runs of check-jsonschema on 100k (~40 s each)
#   RUNS_STARTUP [50]  runs of the one-file start-up row
#   LSP_RUNS [300], LSP_BIG_RUNS [40]  edits timed in the language server
#                      (a 12-line request, the 1 MB one)
#   BENCH_FORMATS ["human json sarif github junit concise"]  formats whose
#                      peak memory is measured at 10k and 100k
#   BENCH_SKIP_100K=1  leave out every 100k row (for trying the script out;
#                      the results then say the run is partial)
#   FALLBACK_RUNS [5]  runs without hyperfine; BENCH_NO_HYPERFINE=1 uses
#                      that python3 fallback even when hyperfine is installed
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CORPUS=bench/corpus
OUT=bench/out
RAW=$OUT/raw
BIN=${CARGO_TARGET_DIR:-target}/release/chatlint
SETUP_SCHEMA=schemas/spaces.setup.schema.json
ONE_FILE=examples/valid/group-chat.setup.json
RUNS_FAST=${RUNS_FAST:-10}
RUNS_SLOW=${RUNS_SLOW:-5}
RUNS_SLOWEST=${RUNS_SLOWEST:-$((RUNS_SLOW < 3 ? RUNS_SLOW : 3))}
RUNS_STARTUP=${RUNS_STARTUP:-50}
LSP_RUNS=${LSP_RUNS:-300}
LSP_BIG_RUNS=${LSP_BIG_RUNS:-40}
FALLBACK_RUNS=${FALLBACK_RUNS:-5}
FORMATS=${BENCH_FORMATS:-human json sarif github junit concise}
SKIP_100K=${BENCH_SKIP_100K:-}
# The 100k list of strict-JSON setup files is about 4 MB of arguments, over
# Linux's default limit (a quarter of the 8 MiB stack limit). A 32 MiB stack
# limit raises it to the kernel's cap, 6 MiB, so every tool still starts once.
BIG_ARGS_STACK_KIB=32768
BIG_ARGS_XARGS_S=5500000

say() { printf '\n== %s\n' "$*"; }
have() { command -v "$1" > /dev/null 2>&1; }
fail() { echo "bench/run.sh: $*" >&2; exit 1; }

# --- tools --------------------------------------------------------------
for t in cargo python3 find xargs; do
    have "$t" || { echo "bench/run.sh: $t is required" >&2; exit 2; }
done
notes=()  # said at the start and the end, and at the top of results.md
if have hyperfine && [ -z "${BENCH_NO_HYPERFINE:-}" ]; then
    HYPERFINE=$(command -v hyperfine)
else
    HYPERFINE=
    if [ -n "${BENCH_NO_HYPERFINE:-}" ]; then
        notes+=("BENCH_NO_HYPERFINE is set: timing with the python3 fallback (best of $FALLBACK_RUNS)")
    else
        notes+=("hyperfine not found: timing with the python3 fallback (best of $FALLBACK_RUNS). Install: apt-get install hyperfine (or: cargo install --locked hyperfine)")
    fi
fi
if [ -x /usr/bin/time ] && /usr/bin/time -v true > /dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
else
    GNU_TIME=
    notes+=("/usr/bin/time (GNU time) not found: no peak-memory figures. Install: apt-get install time")
fi
RG=
if have rg; then
    RG=$(command -v rg)
else
    notes+=("rg (ripgrep) not found: no two-thread reading baseline, so the 1.5× goal is not measured. Install: apt-get install ripgrep (or: cargo install --locked ripgrep)")
fi
CHECK_JSONSCHEMA=
if have check-jsonschema; then
    CHECK_JSONSCHEMA=$(command -v check-jsonschema)
elif [ -x bench/.venv/bin/check-jsonschema ]; then
    CHECK_JSONSCHEMA=bench/.venv/bin/check-jsonschema
else
    notes+=("check-jsonschema not found: skipped. Install: python3 -m venv bench/.venv && bench/.venv/bin/pip install check-jsonschema")
fi
AJV=
if have ajv; then
    AJV=$(command -v ajv)
elif [ -x bench/node_modules/.bin/ajv ]; then
    AJV=bench/node_modules/.bin/ajv
else
    notes+=("ajv (ajv-cli) not found: skipped, so the 10× goal is not measured. Install: cd bench && npm ci   (ajv-cli and ajv-formats, the versions in bench/package-lock.json)")
fi
SIZES="10k 100k"
if [ -n "$SKIP_100K" ]; then
    SIZES=10k
    notes+=("BENCH_SKIP_100K is set: no 100k rows (time, memory, validators)")
fi
if ! (ulimit -s "$BIG_ARGS_STACK_KIB") 2> /dev/null; then
    notes+=("cannot raise the stack limit to $BIG_ARGS_STACK_KIB KiB (ulimit -Hs is $(ulimit -Hs)): no validator rows on the 100k setup files, whose list does not fit in one command line otherwise")
    BIG_ARGS_OK=
else
    BIG_ARGS_OK=1
fi
for n in ${notes[@]+"${notes[@]}"}; do echo "note: $n"; done

load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
if awk -v l="${load_before%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
    echo "warning: load average is ${load_before%% *} on $(nproc) CPUs: something else is running, the times will be noisy" >&2
fi
if [ "$(nproc)" -gt 2 ]; then
    echo "warning: $(nproc) CPUs: chatlint uses them all, while the reading baseline rg -j2 uses two threads (the goal is for a 2-CPU machine)" >&2
fi

# --- build --------------------------------------------------------------
say "building chatlint (cargo build --release)"
cargo build --release || fail "cargo build --release failed"
[ -x "$BIN" ] || fail "$BIN not found after the build (is CARGO_TARGET_DIR set differently?)"

# --- corpora ------------------------------------------------------------
# Regenerated when missing or when gen_corpus.py changed since (its digest
# is the first line of the .stats.txt file it writes).
digest=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:16])' bench/gen_corpus.py)
fresh() { [ -f "$1.stats.txt" ] && head -n 1 "$1.stats.txt" | grep -q "^generator $digest "; }
mkdir -p "$CORPUS"
for name in $SIZES; do
    files=$((${name%k} * 1000))
    if ! fresh "$CORPUS/$name"; then
        say "generating $CORPUS/$name ($files files)"
        python3 bench/gen_corpus.py "$CORPUS/$name" --files "$files" || fail "bench/gen_corpus.py failed for $CORPUS/$name"
    fi
done
BIG=$CORPUS/big/big.setup.json
if ! fresh "$BIG"; then
    say "generating $BIG"
    python3 bench/gen_corpus.py "$BIG" --big || fail "bench/gen_corpus.py --big failed"
fi
[ -f "$ONE_FILE" ] || fail "$ONE_FILE (the one-file start-up request) is missing"

bytes_of_dir() { find "$1" -type f -name '*.json' -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
bytes_of_list() { xargs -a "$1" -d '\n' stat -c %s | awk '{s += $1} END {print s + 0}'; }
declare -A BYTES NSETUP BSETUP
for name in $SIZES; do
    BYTES[$name]=$(bytes_of_dir "$CORPUS/$name")
    NSETUP[$name]=$(wc -l < "$CORPUS/$name.setup-json.txt")
    BSETUP[$name]=$(bytes_of_list "$CORPUS/$name.setup-json.txt")
done
BBIG=$(stat -c %s "$BIG")
BONE=$(stat -c %s "$ONE_FILE")

# --- environment ----------------------------------------------------------
rm -rf "$RAW"
mkdir -p "$RAW"
ENV=$RAW/env.tsv
FACTS=$RAW/facts.tsv
: > "$FACTS"
env_line() { printf '%s\t%s\n' "$1" "$2" >> "$ENV"; }
fact() { printf '%s\t%s\n' "$1" "$2" >> "$FACTS"; }
pyver() { "$1" -c 'import platform; print(platform.python_version())' 2> /dev/null || echo '?'; }
{
    commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
    if [ -n "$(git status --porcelain -- src crates Cargo.toml Cargo.lock build.rs rules schemas 2> /dev/null)" ]; then
        commit="$commit plus uncommitted changes"
    fi
    cpu=$(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | sed 's/.*: //; s/  */ /g')
    ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    : > "$ENV"
    env_line date "$(date -u '+%Y-%m-%d %H:%M UTC')"
    env_line commit "$commit"
    env_line version "$("$BIN" --version)"
    env_line chatlint "$("$BIN" --version) (release profile), commit $commit; $(rustc --version)"
    env_line machine "$(nproc) CPUs (${cpu:-unknown CPU}), $ram RAM, $(uname -sr)"
    env_line load-before "$load_before"
    if [ -n "$HYPERFINE" ]; then
        env_line timing "$("$HYPERFINE" --version)"
    else
        env_line timing "python3 $(pyver python3) time.perf_counter (best of $FALLBACK_RUNS)"
    fi
    [ -n "$RG" ] && env_line rg "$("$RG" --version | head -n 1)"
    if [ -n "$CHECK_JSONSCHEMA" ]; then
        cj=$("$CHECK_JSONSCHEMA" --version | sed 's/, version / /')
        cj_py=$(pyver "$(dirname "$CHECK_JSONSCHEMA")/python3")
        [ "$cj_py" = '?' ] && cj_py=$(pyver python3)
        env_line check-jsonschema "$cj (Python $cj_py)"
        env_line check-jsonschema-short "$cj"
    fi
    if [ -n "$AJV" ]; then
        ajv_dir=$(dirname "$(readlink -f "$AJV")")/..
        v() { node -p "require('$1/package.json').version" 2> /dev/null || echo '?'; }
        dep() { node -p "require('path').dirname(require.resolve('$1/package.json', {paths: ['$ajv_dir']}))" 2> /dev/null; }
        env_line ajv "ajv-cli $(v "$ajv_dir") with ajv $(v "$(dep ajv)") and ajv-formats $(v "$(dep ajv-formats)"), node $(node --version)"
        env_line ajv-short "ajv-cli $(v "$ajv_dir") (ajv $(v "$(dep ajv)"))"
    fi
    corpora="bench/gen_corpus.py (generator $digest, seed 20261107):"
    for name in $SIZES; do corpora="$corpora $name: $(sed -n 2p "$CORPUS/$name.stats.txt");"; done
    env_line corpora "$corpora big: $(sed -n 2p "$BIG.stats.txt"); one file: $ONE_FILE ($BONE bytes)"
    sets=
    for name in $SIZES; do sets="$sets${sets:+; }$name setup: the ${NSETUP[$name]} spaces.setup files of the $name corpus that are strict JSON ($CORPUS/$name.setup-json.txt)"; done
    env_line setup-sets "$sets"
    for n in ${notes[@]+"${notes[@]}"}; do env_line note "$n"; done
}
fact big-members "$(sed -n 2p "$BIG.stats.txt" | sed -n 's/.*, \([0-9]*\) memberships.*/\1/p')"
for name in $SIZES; do fact "bytes-$name" "${BYTES[$name]}"; done
sed 's/\t/: /; s/^/  /' "$ENV"

# --- sanity: one run of each command, outputs kept in bench/out/ ----------
# chatlint exits 1 when it has findings (expected here), 2 when a file could
# not be checked or on a usage error.
list_of() { echo "$CORPUS/$1.setup-json.txt"; }
stack_for() { if [ "$1" = 100k ]; then echo "$BIG_ARGS_STACK_KIB"; fi; }
chatlint_once() { # name expected-files stack-KiB-or-empty args...
    local name=$1 expected=$2 stack=$3 rc=0
    shift 3
    (
        [ -z "$stack" ] || ulimit -s "$stack"
        exec "$BIN" check "$@" --format json
    ) > "$OUT/chatlint-$name.json" || rc=$?
    echo "chatlint on $name: exit code $rc"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        fail "chatlint failed (exit code $rc) on $name; see $OUT/chatlint-$name.json and the error above"
    fi
    python3 bench/benchlib.py check-output "$OUT/chatlint-$name.json" "$expected" "$FACTS" "chatlint-errors-$name" || exit 1
}
# Checks that a reading baseline reads every byte of the corpus.
reads_all() { # id corpus command
    local got
    got=$(python3 bench/benchlib.py readbytes "$3") || fail "could not measure the bytes read by: $3"
    echo "$1 read $got bytes (the corpus has ${BYTES[$2]})"
    fact "$1-read-$2" "$got"
    [ "$got" -ge "${BYTES[$2]}" ] || fail "$1 read $got bytes, fewer than the ${BYTES[$2]} of $CORPUS/$2: it is not reading every file whole, so it is no reading baseline"
}
cat_cmd() { echo "find $CORPUS/$1 -type f -name '*.json' -print0 | xargs -0 cat > /dev/null"; }
# -c '\x00': count the lines with a NUL byte. JSON text has none, so rg reads
# every file to its end (an empty pattern with -l stops at the first match);
# --no-mmap: read(), as chatlint; -uuu: no ignore files (the corpus is in a
# git-ignored folder), hidden files too, and no stop at binary data;
# --no-config: ignore RIPGREP_CONFIG_PATH.
rg_cmd() { printf '%s\n' "$RG -j2 --no-config -uuu --no-mmap -c '\x00' $CORPUS/$1"; }

say "sanity runs (outputs in $OUT/)"
for name in $SIZES; do
    files=$((${name%k} * 1000))
    chatlint_once "$name" "$files" "" "$CORPUS/$name"
    reads_all cat "$name" "$(cat_cmd "$name")"
    [ -z "$RG" ] || reads_all rg "$name" "$(rg_cmd "$name")"
done
rm -f "$OUT/chatlint-100k.json" # 80 MB; not worth keeping
chatlint_once big 1 "" "$BIG"
chatlint_once one 1 "" "$ONE_FILE"
for name in $SIZES; do
    [ "$name" = 10k ] || [ -n "$BIG_ARGS_OK" ] || continue
    mapfile -t setup_files < "$(list_of "$name")"
    chatlint_once "$name-setup" "${NSETUP[$name]}" "$(stack_for "$name")" "${setup_files[@]}"
done
unset setup_files

# --- timing -------------------------------------------------------------
# One xargs invocation per command (-x -s: fail rather than split the list),
# so every tool starts once, as chatlint does.
xargs_list() { # size
    if [ "$1" = 100k ]; then
        printf '%s\n' "ulimit -s $BIG_ARGS_STACK_KIB && xargs -a $(list_of "$1") -d '\n' -x -s $BIG_ARGS_XARGS_S"
    else
        printf '%s\n' "xargs -a $(list_of "$1") -d '\n' -x -s 2000000"
    fi
}

# measure ID TOOL CORPUS FILES BYTES REFERENCE-ID NOTE RUNS OK-EXIT-CODES CMD
# Times CMD (sh -c; with SHELL_NONE=1 run directly, no shell) and checks that
# every timed run exited with one of OK-EXIT-CODES.
measure() {
    local id=$1 tool=$2 corpus=$3 files=$4 bytes=$5 ref=$6 note=$7 runs=$8 ok=$9 cmd=${10}
    say "$tool${note:+ ($note)} on $corpus: $cmd"
    if [ -n "$HYPERFINE" ]; then
        local extra=()
        [ -z "${SHELL_NONE:-}" ] || extra+=(--shell=none)
        "$HYPERFINE" --style basic --warmup "${WARMUP:-1}" --runs "$runs" --ignore-failure ${extra[@]+"${extra[@]}"} \
            --export-json "$RAW/$id.json" --command-name "$id" "$cmd" || fail "hyperfine failed on $id: $cmd"
    else
        python3 bench/benchlib.py time "$RAW/$id.json" "$id" "$FALLBACK_RUNS" "$cmd" "${SHELL_NONE:+none}" ||
            fail "timing $id failed: $cmd"
    fi
    # shellcheck disable=SC2086  # the codes are words
    python3 bench/benchlib.py codes "$RAW/$id.json" $ok || exit 1
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$tool" "$corpus" "$files" "$bytes" "$ref" "$note" >> "$RAW/runs.tsv"
}

for name in $SIZES; do
    files=$((${name%k} * 1000))
    runs=$RUNS_FAST
    [ "$name" = 10k ] || runs=$RUNS_SLOW
    measure "cat-$name" "cat (read only)" "$name" "$files" "${BYTES[$name]}" "chatlint-$name" "" "$runs" 0 "$(cat_cmd "$name")"
    if [ -n "$RG" ]; then
        SHELL_NONE=1 measure "rg-$name" "rg -j2 (read only)" "$name" "$files" "${BYTES[$name]}" "chatlint-$name" "" "$runs" 1 "$(rg_cmd "$name")"
    fi
    measure "chatlint-$name" chatlint "$name" "$files" "${BYTES[$name]}" "chatlint-$name" "" "$runs" "0 1" \
        "$BIN check $CORPUS/$name --format json > /dev/null"
    if [ "$name" = 10k ]; then
        measure chatlint-10k-1t chatlint 10k 10000 "${BYTES[10k]}" chatlint-10k "1 thread: RAYON_NUM_THREADS=1" "$RUNS_FAST" "0 1" \
            "RAYON_NUM_THREADS=1 $BIN check $CORPUS/10k --format json > /dev/null"
    fi
done
measure chatlint-big chatlint "1 MB file" 1 "$BBIG" chatlint-big "" "$RUNS_FAST" "0 1" \
    "$BIN check $BIG --format json > /dev/null"
# What pre-commit runs: one file, default (human) output; no shell, since
# the few milliseconds are what is measured.
SHELL_NONE=1 measure chatlint-one chatlint "one file" 1 "$BONE" chatlint-one "start-up" "$RUNS_STARTUP" "0 1" \
    "$BIN check $ONE_FILE"

# The validators, on the strict-JSON setup files (see bench/README.md).
# The sanity run of each is also its peak-memory run (under /usr/bin/time).
validator_once() { # id output-file command
    local rc=0
    if [ -n "$GNU_TIME" ]; then
        "$GNU_TIME" -v -o "$RAW/mem-$1.txt" bash -c "$3" > "$2" 2>&1 || rc=$?
    else
        bash -c "$3" > "$2" 2>&1 || rc=$?
    fi
    echo "$rc"
}
mem_row() { # id tool corpus files bytes format
    local kib
    kib=$(python3 bench/benchlib.py maxrss "$RAW/mem-$1.txt")
    [ -n "$kib" ] || fail "no peak memory in $RAW/mem-$1.txt (/usr/bin/time -v output)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$kib" >> "$RAW/mem.tsv"
}
for name in $SIZES; do
    if [ "$name" = 100k ] && [ -z "$BIG_ARGS_OK" ]; then continue; fi
    n=${NSETUP[$name]} b=${BSETUP[$name]} list=$(list_of "$name") xl=$(xargs_list "$name")
    runs=$RUNS_FAST
    [ "$name" = 10k ] || runs=$RUNS_SLOW
    measure "chatlint-setup-$name" chatlint "$name setup" "$n" "$b" "chatlint-setup-$name" "" "$runs" "0 123" \
        "$xl $BIN check --format json > /dev/null"
    if [ -n "$CHECK_JSONSCHEMA" ]; then
        out=$OUT/check-jsonschema-$name-setup.txt
        rc=$(validator_once "check-jsonschema-$name" "$out" "$xl $CHECK_JSONSCHEMA --schemafile $SETUP_SCHEMA")
        flagged=$(grep -o '^  [^ ]*\.json::' "$out" | sort -u | wc -l)
        echo "check-jsonschema on $name setup: exit code $rc (xargs turns 1 into 123), output in $out; files flagged: $flagged"
        case $rc in 0 | 123) ;; *) fail "check-jsonschema failed on $name setup (exit code $rc through xargs); see $out" ;; esac
        grep -q -e 'Schema validation errors were encountered' -e 'ok -- validation done' "$out" ||
            fail "check-jsonschema did not report a validation on $name setup; see $out"
        fact "check-jsonschema-flagged-$name" "$flagged"
        [ -z "$GNU_TIME" ] || mem_row "check-jsonschema-$name" check-jsonschema "$name setup" "$n" "$b" ""
        # On 100k (about 40 s a run) the sanity run above is the warm-up.
        cj_runs=$RUNS_SLOW cj_warmup=1
        [ "$name" = 10k ] || cj_runs=$RUNS_SLOWEST cj_warmup=0
        WARMUP=$cj_warmup measure "check-jsonschema-$name" check-jsonschema "$name setup" "$n" "$b" "chatlint-setup-$name" "" \
            "$cj_runs" "0 123" "$xl $CHECK_JSONSCHEMA --schemafile $SETUP_SCHEMA > /dev/null 2>&1"
    fi
    if [ -n "$AJV" ]; then
        # ajv-cli takes a glob (-d "dir/**/*.setup.json") but exits at the first
        # file that is not JSON, so it is given the same list, one -d per file.
        # --strict=false: ajv's strict mode refuses the schema's x-* annotations.
        ajv_cmd="$AJV validate --spec=draft2020 -c ajv-formats --strict=false --all-errors --errors=text -s $SETUP_SCHEMA \$(sed 's/^/-d /' $list)"
        [ "$name" = 10k ] || ajv_cmd="ulimit -s $BIG_ARGS_STACK_KIB && $ajv_cmd"
        out=$OUT/ajv-$name-setup.txt
        rc=$(validator_once "ajv-$name" "$out" "$ajv_cmd")
        valid=$(grep -c ' valid$' "$out" || true) invalid=$(grep -c ' invalid$' "$out" || true)
        echo "ajv on $name setup: exit code $rc, output in $out; valid $valid, invalid $invalid"
        [ $((valid + invalid)) -eq "$n" ] ||
            fail "ajv reported on $((valid + invalid)) of the $n files of $name setup (exit code $rc); see $out"
        fact "ajv-invalid-$name" "$invalid"
        [ -z "$GNU_TIME" ] || mem_row "ajv-$name" ajv-cli "$name setup" "$n" "$b" ""
        measure "ajv-$name" ajv-cli "$name setup" "$n" "$b" "chatlint-setup-$name" "" "$runs" "0 1" "$ajv_cmd > /dev/null 2>&1"
    fi
done

# --- peak memory ----------------------------------------------------------
if [ -n "$GNU_TIME" ]; then
    say "peak memory (/usr/bin/time -v)"
    mem() { # id tool corpus files bytes format command
        local rc=0
        "$GNU_TIME" -v -o "$RAW/mem-$1.txt" bash -c "$7" || rc=$?
        case $rc in 0 | 1) ;; *) fail "$7 exited with $rc in its peak-memory run" ;; esac
        mem_row "$1" "$2" "$3" "$4" "$5" "$6"
        echo "  $1: $(awk -F '\t' 'END {printf "%.1f MiB", $7 / 1024}' "$RAW/mem.tsv")"
    }
    for name in $SIZES; do
        for f in $FORMATS; do
            mem "chatlint-$name-$f" chatlint "$name" "$((${name%k} * 1000))" "${BYTES[$name]}" "$f" \
                "$BIN check $CORPUS/$name --format $f > /dev/null"
        done
    done
    mem chatlint-big chatlint "1 MB file" 1 "$BBIG" json "$BIN check $BIG --format json > /dev/null"
    mem chatlint-one chatlint "one file" 1 "$BONE" human "$BIN check $ONE_FILE > /dev/null"
fi

# --- language server ------------------------------------------------------
say "language server: edit → diagnostics (bench/lsp/latency.py)"
python3 bench/lsp/latency.py --bin "$BIN" --big "$BIG" --runs "$LSP_RUNS" --big-runs "$LSP_BIG_RUNS" --json "$RAW/lsp.json" ||
    fail "the language-server latency run failed (bench/lsp/latency.py; see its error above)"

# --- table --------------------------------------------------------------
env_line load-after "$(cut -d ' ' -f 1-3 /proc/loadavg)"
env_line loads "$load_before before the run, $(cut -d ' ' -f 1-3 /proc/loadavg) after (1, 5, 15 minutes; on $(nproc) CPUs)"
say "results (also in $OUT/results.md)"
python3 bench/benchlib.py table "$OUT" || fail "writing the results table failed (bench/benchlib.py table)"
for n in ${notes[@]+"${notes[@]}"}; do echo "note: $n"; done
