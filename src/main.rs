//! The `chatlint` binary: everything is in the library (`src/lib.rs`).

// Linting allocates many small strings; mimalloc serves them faster than
// the system allocator (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    chatlint::main()
}
