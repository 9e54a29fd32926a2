//! Fixes on disk: writing a fixed file atomically, and the diff `--diff`
//! shows.

use std::io::Write;
use std::path::Path;

/// Replaces `path`'s contents with `text` atomically: a temporary file in
/// the same folder, given the original's permissions, renamed over it.
/// A symbolic link is followed: the file it points to is rewritten (the
/// temporary file goes beside that file) and the link stays a link.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let dir = real.parent().unwrap_or(Path::new("/"));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&real) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of a file's fix, as `--diff` prints it.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
