//! Fixes on disk: replacing a fixed file atomically, only when that is
//! safe, and the diff `--diff` shows.

use std::io::{Read, Write};
use std::path::Path;

/// Replaces `path`'s contents with `text` atomically: a temporary file in
/// the same folder, given the original's owner, group and permissions,
/// renamed over it. A symbolic link is followed: the file it points to is
/// rewritten (the temporary file goes beside that file) and the link stays
/// a link.
///
/// `read` is the text the fix was made from. Nothing is written (and the
/// error says why, for the user) when:
/// - the file no longer holds `read` (a save made while chatlint ran: it
///   is compared right before the rename, so the save is never lost);
/// - it is read-only (no write permission for anyone), or the user may not
///   write it;
/// - it has more than one hard link (a new file under this name would
///   split it from its other names; see docs/ci.md);
/// - its owner or group cannot be kept (a file of another user).
pub fn replace_fixed(path: &Path, read: &str, text: &str) -> Result<(), String> {
    let io = |e: std::io::Error| chatlint_workspace::files::describe_io(&e);
    let real = std::fs::canonicalize(path).map_err(io)?;
    let meta = std::fs::metadata(&real).map_err(io)?;
    may_replace(&real, &meta)?;
    let dir = real.parent().unwrap_or(Path::new("/"));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    keep_owner(tmp.as_file(), &meta)?;
    // After the owner: changing the owner may clear set-id bits.
    tmp.as_file().set_permissions(meta.permissions()).map_err(io)?;
    if !still_holds(&real, read) {
        return Err("changed while being fixed: nothing written; run chatlint again".into());
    }
    tmp.persist(&real).map_err(|e| io(e.error))?;
    Ok(())
}

/// Why a file must not be replaced, if it must not.
fn may_replace(real: &Path, meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.permissions().readonly() {
        return Err("it is read-only; make it writable to let --fix change it".into());
    }
    // Opening for writing (without truncating) asks the system whether
    // this user may write it, whatever the mode bits say.
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(real) {
        return Err(format!("it cannot be written ({})", chatlint_workspace::files::describe_io(&e)));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(format!(
                "it has {} hard links, and a fixed copy under one name would split it from the others; \
                 apply the change --diff shows by hand",
                meta.nlink()
            ));
        }
    }
    Ok(())
}

/// Gives the replacement the original's owner and group.
fn keep_owner(_file: &std::fs::File, _meta: &std::fs::Metadata) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::os::unix::fs::fchown(_file, Some(_meta.uid()), Some(_meta.gid())).map_err(|_| {
            format!(
                "it belongs to another user or group (uid {}, gid {}), which a fixed copy could not keep",
                _meta.uid(),
                _meta.gid()
            )
        })?;
    }
    Ok(())
}

/// Whether the file at `real` holds exactly `read` (read back, bounded by
/// its length).
fn still_holds(real: &Path, read: &str) -> bool {
    let Ok(f) = std::fs::File::open(real) else { return false };
    let mut now = Vec::with_capacity(read.len() + 1);
    f.take(read.len() as u64 + 1).read_to_end(&mut now).is_ok() && now == read.as_bytes()
}

/// A unified diff of a file's fix, as `--diff` prints it.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17 item 6: a save made while `--fix` ran (between reading the
    /// file and replacing it) is kept: nothing is written, and the reason
    /// says so.
    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("team.setup.json");
        let big = |c: char| format!("{{\"x\": \"{}\"}}", c.to_string().repeat(5 << 20));
        // What chatlint read, then what the user saved meanwhile.
        let (read, saved) = (big('a'), big('b'));
        std::fs::write(&file, &saved).unwrap();
        let err = replace_fixed(&file, &read, "{}").unwrap_err();
        assert!(err.contains("changed while being fixed: nothing written"), "{err}");
        assert!(std::fs::read_to_string(&file).unwrap() == saved, "the save was overwritten");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "a temporary file was left behind");
        // Unchanged since it was read: replaced.
        replace_fixed(&file, &saved, "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{}");
    }
}
