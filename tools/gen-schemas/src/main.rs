//! Regenerates `schemas/*.schema.json` from the vendored discovery document.
//! `cargo run -p gen-schemas` writes them; `-- --check` only compares and
//! exits 1 when they are stale. Run from the repository root.

use gen_schemas::{DISCOVERY_PATH, OUTPUT_DIR, OVERLAY_PATH, generate};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let files =
        match read(DISCOVERY_PATH).and_then(|d| read(OVERLAY_PATH).map(|o| (d, o))).and_then(|(d, o)| generate(&d, &o))
        {
            Ok(files) => files,
            Err(e) => {
                eprintln!("gen-schemas: {e}");
                return ExitCode::from(2);
            }
        };
    let mut stale = false;
    for (name, text) in files {
        let path = Path::new(OUTPUT_DIR).join(&name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            eprintln!("gen-schemas: {} is stale", path.display());
            stale = true;
        } else if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen-schemas: {}: {e}", path.display());
            return ExitCode::from(2);
        } else {
            println!("wrote {}", path.display());
        }
    }
    if stale {
        eprintln!("run `cargo run -p gen-schemas` and commit the result");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
