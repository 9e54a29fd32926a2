//! `chatlint import spaces/ID…`: writes the request files that describe
//! live spaces (`chatlint-plan`'s `import`), read by `chatlint-send`'s
//! `live`. Each file is written whole or not at all, and an existing file
//! is never overwritten. User docs: docs/plan.md.

use crate::args::ImportArgs;
use crate::exit::Exit;
use crate::plan;
use chatlint_engine::Method;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn import(args: ImportArgs) -> ExitCode {
    if !args.out.is_dir() {
        eprintln!("chatlint: --out {}: no such folder", args.out.display());
        return Exit::Error.into();
    }
    let read = match chatlint_send::live::read_spaces(&args.spaces, &plan::read_options(&args.live), plan::notes()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("chatlint: nothing imported: {e}");
            return Exit::Error.into();
        }
    };
    // Role files only when chatlint checks spaces.members.patch requests.
    let roles = "spaces.members.patch".parse::<Method>().is_ok();
    let mut failed = false;
    for (name, got) in args.spaces.iter().zip(read) {
        let imported = got.and_then(|(space, members)| chatlint_plan::import::import(&space, &members, roles));
        let imported = match imported {
            Ok(i) => i,
            Err(e) => {
                eprintln!("chatlint: {name}: not imported: {e}");
                failed = true;
                continue;
            }
        };
        for note in &imported.notes {
            eprintln!("chatlint: note: {note}");
        }
        let mut written = 0;
        for (file, value) in &imported.files {
            let path = args.out.join(file);
            let text = serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
            match write_new(&path, &text) {
                Ok(()) => written += 1,
                Err(e) => {
                    eprintln!("chatlint: {}: not written: {e}", path.display());
                    failed = true;
                }
            }
        }
        println!("{name}: {written} file{} written in {}", if written == 1 { "" } else { "s" }, args.out.display());
    }
    if failed { Exit::Fail.into() } else { Exit::Ok.into() }
}

/// Writes a new file whole (a temporary file renamed into place), never
/// over an existing one.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            std::io::Error::new(e.error.kind(), "it exists already (chatlint import never overwrites a file)")
        } else {
            e.error
        }
    })?;
    Ok(())
}
