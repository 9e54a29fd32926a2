#!/usr/bin/env bash
# Benchmark chatlint: how fast it checks 10k and 100k request files and one
# ~1 MB request, against just reading the files (cat) and against two JSON
# Schema validators (check-jsonschema, ajv-cli) on the same files.
# See bench/README.md. Usage: bash bench/run.sh   (from anywhere)
#
# Environment: RUNS_FAST (default 10), RUNS_SLOW (default 5) set hyperfine's
# run counts; FALLBACK_RUNS (default 5) the runs without hyperfine;
# BENCH_NO_HYPERFINE=1 uses that fallback even when hyperfine is installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
CORPUS=bench/corpus
OUT=bench/out
RAW=$OUT/raw
BIN=${CARGO_TARGET_DIR:-target}/release/chatlint
SETUP_SCHEMA=schemas/spaces.setup.schema.json
RUNS_FAST=${RUNS_FAST:-10}
RUNS_SLOW=${RUNS_SLOW:-5}
FALLBACK_RUNS=${FALLBACK_RUNS:-5}

say() { printf '\n== %s\n' "$*"; }
have() { command -v "$1" > /dev/null 2>&1; }

# --- tools --------------------------------------------------------------
for t in cargo python3 find xargs; do
    have "$t" || { echo "bench/run.sh: $t is required" >&2; exit 2; }
done
notes=()
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
    notes+=("ajv (ajv-cli) not found: skipped. Install: cd bench && npm install   (installs ajv-cli and ajv-formats from bench/package.json)")
fi
for n in ${notes[@]+"${notes[@]}"}; do echo "note: $n"; done

load=$(cut -d ' ' -f 1 /proc/loadavg)
if awk -v l="$load" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
    echo "warning: load average is $load on $(nproc) CPUs: something else is running, the times will be noisy" >&2
fi

# --- build --------------------------------------------------------------
say "building chatlint (cargo build --release)"
cargo build --release
[ -x "$BIN" ] || { echo "bench/run.sh: $BIN not found after the build" >&2; exit 2; }

# --- corpora ------------------------------------------------------------
# Regenerated when missing or when gen_corpus.py changed since (its digest
# is the first line of the .stats.txt file it writes).
digest=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:16])' bench/gen_corpus.py)
fresh() { [ -f "$1.stats.txt" ] && head -n 1 "$1.stats.txt" | grep -q "^generator $digest "; }
mkdir -p "$CORPUS"
for spec in 10k:10000 100k:100000; do
    name=${spec%%:*} files=${spec#*:}
    if ! fresh "$CORPUS/$name"; then
        say "generating $CORPUS/$name ($files files)"
        python3 bench/gen_corpus.py "$CORPUS/$name" --files "$files"
    fi
done
BIG=$CORPUS/big/big.setup.json
if ! fresh "$BIG"; then
    say "generating $BIG"
    python3 bench/gen_corpus.py "$BIG" --big
fi
SETUP_LIST=$CORPUS/10k.setup-json.txt

bytes_of_dir() { find "$1" -type f -name '*.json' -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
bytes_of_list() { xargs -a "$1" -d '\n' stat -c %s | awk '{s += $1} END {print s + 0}'; }
B10=$(bytes_of_dir "$CORPUS/10k")
B100=$(bytes_of_dir "$CORPUS/100k")
BBIG=$(stat -c %s "$BIG")
NSETUP=$(wc -l < "$SETUP_LIST")
BSETUP=$(bytes_of_list "$SETUP_LIST")

# --- environment ----------------------------------------------------------
rm -rf "$RAW"
mkdir -p "$RAW"
{
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by bench/run.sh."
    echo
    commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
    if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock build.rs rules schemas 2> /dev/null)" ]; then
        commit="$commit plus uncommitted changes"
    fi
    echo "- chatlint: $("$BIN" --version) (release profile), commit $commit; $(rustc --version)"
    echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | sed 's/.*: //'))," \
        "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
    if [ -n "$HYPERFINE" ]; then echo "- timing: $("$HYPERFINE" --version)"; else echo "- timing: python3 $(python3 -c 'import platform; print(platform.python_version())') time.perf_counter (hyperfine not installed)"; fi
    if [ -n "$CHECK_JSONSCHEMA" ]; then echo "- $("$CHECK_JSONSCHEMA" --version) (Python $("$(dirname "$CHECK_JSONSCHEMA")"/python3 -c 'import platform; print(platform.python_version())' 2> /dev/null || python3 -c 'import platform; print(platform.python_version())'))"; fi
    if [ -n "$AJV" ]; then
        ajv_dir=$(dirname "$(readlink -f "$AJV")")/..
        v() { node -p "require('$1/package.json').version" 2> /dev/null || echo '?'; }
        echo "- ajv-cli $(v "$ajv_dir") with ajv $(v "$(node -p "require('path').dirname(require.resolve('ajv/package.json', {paths: ['$ajv_dir']}))" 2> /dev/null)") and ajv-formats $(v "$(node -p "require('path').dirname(require.resolve('ajv-formats/package.json', {paths: ['$ajv_dir']}))" 2> /dev/null)"), node $(node --version)"
    fi
    echo "- corpora: bench/gen_corpus.py (generator $digest, seed 20261107):" \
        "$(sed -n 2p "$CORPUS/10k.stats.txt");" \
        "100k: $(sed -n 2p "$CORPUS/100k.stats.txt");" \
        "big: $(sed -n 2p "$BIG.stats.txt")"
    echo "- load average before the run: $(cut -d ' ' -f 1-3 /proc/loadavg) (on $(nproc) CPUs)"
    echo "- \"10k setup\": the $NSETUP spaces.setup files of the 10k corpus that are strict JSON ($SETUP_LIST), the set the schema validators are compared on"
} > "$RAW/env.txt"
cat "$RAW/env.txt"

# --- sanity: one run of each, outputs kept in bench/out/ -----------------
# chatlint exits 1 when it has findings (expected here), 2 when a file could
# not be checked or on a usage error.
chatlint_once() { # name expected-files paths...
    local name=$1 expected=$2 rc=0
    shift 2
    "$BIN" check "$@" --format json > "$OUT/chatlint-$name.json" || rc=$?
    echo "chatlint on $name: exit code $rc"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        echo "bench/run.sh: chatlint failed (exit code $rc) on $name; see $OUT/chatlint-$name.json" >&2
        exit 1
    fi
    python3 bench/benchlib.py check-output "$OUT/chatlint-$name.json" "$expected"
}
say "sanity runs (outputs in $OUT/)"
chatlint_once 10k 10000 "$CORPUS/10k"
chatlint_once 100k 100000 "$CORPUS/100k"
chatlint_once big 1 "$BIG"
# shellcheck disable=SC2046  # the paths have no spaces
chatlint_once 10k-setup "$NSETUP" $(cat "$SETUP_LIST")
rm -f "$OUT/chatlint-100k.json" # 80 MB; not worth keeping

# --- timing -------------------------------------------------------------
# One xargs invocation per command (-x -s: fail rather than split the list),
# so every tool starts once, as chatlint does.
XARGS_LIST="xargs -a $SETUP_LIST -d '\n' -x -s 2000000"

measure() { # id tool corpus files bytes reference-id note runs command
    local id=$1 tool=$2 corpus=$3 files=$4 bytes=$5 ref=$6 note=$7 runs=$8 cmd=$9
    say "$tool${note:+ ($note)} on $corpus: $cmd"
    if [ -n "$HYPERFINE" ]; then
        "$HYPERFINE" --style basic --warmup 1 --runs "$runs" --ignore-failure \
            --export-json "$RAW/$id.json" --command-name "$id" "$cmd"
    else
        python3 bench/benchlib.py time "$RAW/$id.json" "$id" "$FALLBACK_RUNS" "$cmd"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$tool" "$corpus" "$files" "$bytes" "$ref" "$note" >> "$RAW/runs.tsv"
}

measure cat-10k "cat (read only)" 10k 10000 "$B10" chatlint-10k "" "$RUNS_FAST" \
    "find $CORPUS/10k -type f -name '*.json' -print0 | xargs -0 cat > /dev/null"
measure chatlint-10k chatlint 10k 10000 "$B10" chatlint-10k "" "$RUNS_FAST" \
    "$BIN check $CORPUS/10k --format json > /dev/null"
measure chatlint-10k-1t chatlint 10k 10000 "$B10" chatlint-10k "1 thread" "$RUNS_FAST" \
    "RAYON_NUM_THREADS=1 $BIN check $CORPUS/10k --format json > /dev/null"
measure cat-100k "cat (read only)" 100k 100000 "$B100" chatlint-100k "" "$RUNS_SLOW" \
    "find $CORPUS/100k -type f -name '*.json' -print0 | xargs -0 cat > /dev/null"
measure chatlint-100k chatlint 100k 100000 "$B100" chatlint-100k "" "$RUNS_SLOW" \
    "$BIN check $CORPUS/100k --format json > /dev/null"
measure chatlint-big chatlint "1 MB file" 1 "$BBIG" chatlint-big "" "$RUNS_FAST" \
    "$BIN check $BIG --format json > /dev/null"
measure chatlint-setup chatlint "10k setup" "$NSETUP" "$BSETUP" chatlint-setup "" "$RUNS_FAST" \
    "$XARGS_LIST $BIN check --format json > /dev/null"

if [ -n "$CHECK_JSONSCHEMA" ]; then
    rc=0
    bash -c "$XARGS_LIST $CHECK_JSONSCHEMA --schemafile $SETUP_SCHEMA" > "$OUT/check-jsonschema-10k-setup.txt" 2>&1 || rc=$?
    echo "check-jsonschema on 10k setup: exit code $rc (xargs turns 1 into 123), output in $OUT/check-jsonschema-10k-setup.txt;" \
        "files flagged: $(grep -o '^  [^ ]*\.json::' "$OUT/check-jsonschema-10k-setup.txt" | sort -u | wc -l)"
    measure check-jsonschema check-jsonschema "10k setup" "$NSETUP" "$BSETUP" chatlint-setup "" "$RUNS_SLOW" \
        "$XARGS_LIST $CHECK_JSONSCHEMA --schemafile $SETUP_SCHEMA > /dev/null 2>&1"
fi
if [ -n "$AJV" ]; then
    # ajv-cli takes a glob (-d "dir/**/*.setup.json") but exits at the first
    # file that is not JSON, so it is given the same list, one -d per file.
    # --strict=false: ajv's strict mode refuses the schema's x-* annotations.
    AJV_CMD="$AJV validate --spec=draft2020 -c ajv-formats --strict=false --all-errors --errors=text -s $SETUP_SCHEMA \$(sed 's/^/-d /' $SETUP_LIST)"
    rc=0
    bash -c "$AJV_CMD" > "$OUT/ajv-10k-setup.txt" 2>&1 || rc=$?
    echo "ajv on 10k setup: exit code $rc, output in $OUT/ajv-10k-setup.txt;" \
        "valid $(grep -c ' valid$' "$OUT/ajv-10k-setup.txt" || true), invalid $(grep -c ' invalid$' "$OUT/ajv-10k-setup.txt" || true)"
    measure ajv "ajv-cli" "10k setup" "$NSETUP" "$BSETUP" chatlint-setup "" "$RUNS_FAST" "$AJV_CMD > /dev/null 2>&1"
fi

# --- peak memory ----------------------------------------------------------
if [ -n "$GNU_TIME" ]; then
    say "peak memory (/usr/bin/time -v)"
    mem() { # id tool corpus files bytes command
        "$GNU_TIME" -v -o "$RAW/mem-$1.txt" bash -c "$6" || true
        printf '%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" "$(python3 bench/benchlib.py maxrss "$RAW/mem-$1.txt")" >> "$RAW/mem.tsv"
    }
    mem chatlint-10k chatlint 10k 10000 "$B10" "$BIN check $CORPUS/10k --format json > /dev/null"
    mem chatlint-100k chatlint 100k 100000 "$B100" "$BIN check $CORPUS/100k --format json > /dev/null"
    mem chatlint-big chatlint "1 MB file" 1 "$BBIG" "$BIN check $BIG --format json > /dev/null"
    mem chatlint-setup chatlint "10k setup" "$NSETUP" "$BSETUP" "$XARGS_LIST $BIN check --format json > /dev/null"
    if [ -n "$CHECK_JSONSCHEMA" ]; then
        mem check-jsonschema check-jsonschema "10k setup" "$NSETUP" "$BSETUP" "$XARGS_LIST $CHECK_JSONSCHEMA --schemafile $SETUP_SCHEMA > /dev/null 2>&1"
    fi
    if [ -n "$AJV" ]; then
        mem ajv ajv-cli "10k setup" "$NSETUP" "$BSETUP" "$AJV_CMD > /dev/null 2>&1"
    fi
fi

# --- table --------------------------------------------------------------
say "results (also in $OUT/results.md)"
python3 bench/benchlib.py table "$OUT"
for n in ${notes[@]+"${notes[@]}"}; do echo "note: $n"; done
