//! Which files to check, and reading them safely.
//!
//! A path named on the command line is always checked. A folder is walked
//! (respecting .gitignore and hidden files), and a walked `.json` file is
//! checked when its name says it is a request (`*.setup.json`,
//! `*.create.json`), when the config's patterns name it, or when its body
//! has a request's shape; anything else (package.json, tsconfig.json) is
//! left alone.

use crate::config::DEFAULT_MAX_FILE_SIZE;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file; `explicit` when it was named on the command line.
    File { path: PathBuf, explicit: bool },
    /// Standard input, shown under `name`.
    Stdin { name: String },
}

impl Target {
    pub fn display_name(&self) -> String {
        match self {
            Target::File { path, .. } => path.display().to_string(),
            Target::Stdin { name } => name.clone(),
        }
    }
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// What the command line's paths expand to.
#[derive(Debug, Default)]
pub struct Collected {
    pub targets: Vec<Target>,
    /// Paths that could not be read or walked.
    pub errors: Vec<InputError>,
    /// The folders walked, each with the targets it gave (so a walk that
    /// checks nothing can be reported by the caller).
    pub walks: Vec<Walk>,
}

/// A folder named on the command line and the `.json` files its walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub root: PathBuf,
    /// Indices into [`Collected::targets`].
    pub targets: std::ops::Range<usize>,
}

/// Expands command-line paths into targets; `-` is standard input.
pub fn collect(paths: &[PathBuf], stdin_name: Option<&str>) -> Collected {
    let mut c = Collected::default();
    for p in paths {
        if p.as_os_str() == "-" {
            c.targets.push(Target::Stdin { name: stdin_name.unwrap_or("<stdin>").to_string() });
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => c.errors.push(InputError { path: p.display().to_string(), message: describe_io(&e) }),
            Ok(m) if m.is_dir() => {
                let first = c.targets.len();
                walk(p, &mut c.targets, &mut c.errors);
                c.walks.push(Walk { root: p.clone(), targets: first..c.targets.len() });
            }
            Ok(_) => c.targets.push(Target::File { path: p.clone(), explicit: true }),
        }
    }
    c
}

fn walk(dir: &Path, targets: &mut Vec<Target>, errors: &mut Vec<InputError>) {
    // The walk yields each folder's entries in the order the file system
    // keeps them; the paths are sorted once at the end instead (component
    // by component, the order of a depth-first walk of sorted folders).
    // Asking the walker to sort cost a file name parsed from the back of
    // its path on both sides of every comparison: a tenth of a run's
    // instructions, before the first file could be checked.
    let walker = ignore::WalkBuilder::new(dir).follow_links(true).require_git(false).build();
    let mut found: Vec<PathBuf> = Vec::new();
    let first_error = errors.len();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && e.path().extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) {
                    // `chatlint check .` shows `a.json`, not `./a.json`.
                    let p = e.into_path();
                    found.push(p.strip_prefix("./").map(Path::to_path_buf).unwrap_or(p));
                }
            }
            Err(e) => errors.push(InputError { path: dir.display().to_string(), message: walk_error(&e) }),
        }
    }
    found.sort_unstable_by(|a, b| walk_order(a, b));
    debug_assert!(found.is_sorted(), "walk_order is the order of paths");
    errors[first_error..].sort_by(|a, b| a.message.cmp(&b.message));
    targets.extend(found.into_iter().map(|path| Target::File { path, explicit: false }));
}

/// The order of paths (component by component, so `a/x` comes before
/// `a-b/x`), without parsing their components: past the bytes they share,
/// a separator sorts below every other byte. The two orders agree on the
/// paths a walk makes (no `.` components, no repeated separators).
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (a.as_os_str().as_encoded_bytes(), b.as_os_str().as_encoded_bytes());
    let shared = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // `None` (the path ends) first; then a separator; then every other byte.
    let next = |p: &[u8]| p.get(shared).map(|&c| if std::path::is_separator(c as char) { 0 } else { u16::from(c) + 1 });
    next(a).cmp(&next(b))
}

fn walk_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => format!("{}: {}", path.display(), walk_error(err)),
        ignore::Error::Loop { child, .. } => format!("symbolic link loop at {}; not followed", child.display()),
        ignore::Error::Io(io) => describe_io(io),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        other => other.to_string(),
    }
}

pub fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// IO failed, or the file is over the size limit: nothing was checked.
    Refused(String),
    /// The bytes are not UTF-8; the lossy text and the first bad byte's offset.
    NotUtf8 { lossy: String, offset: usize },
}

/// Reads a target, refusing anything over `max_size` bytes without
/// reading it whole, and anything that is not a regular file (a FIFO, a
/// socket, a device) without opening it for long: nothing here blocks.
pub fn read(target: &Target, max_size: u64) -> Result<String, ReadError> {
    let max_size = if max_size == 0 { DEFAULT_MAX_FILE_SIZE } else { max_size };
    let mut bytes = Vec::new();
    // `max_size` may be u64::MAX: one byte more tells "over the limit" apart.
    let limited = |r: &mut dyn Read, bytes: &mut Vec<u8>| r.take(max_size.saturating_add(1)).read_to_end(bytes);
    let result = match target {
        Target::Stdin { .. } => limited(&mut std::io::stdin().lock(), &mut bytes),
        Target::File { path, .. } => {
            let (f, len) = open_regular(path).map_err(ReadError::Refused)?;
            if len > max_size {
                return Err(too_large(len, max_size));
            }
            // The size is known: one buffer of the right size (and a byte
            // to see the end), no copy through a second buffer.
            bytes.reserve_exact(usize::try_from(len).unwrap_or(0).saturating_add(1));
            limited(&mut { f }, &mut bytes)
        }
    };
    result.map_err(|e| ReadError::Refused(describe_io(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(bytes.len() as u64, max_size));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        ReadError::NotUtf8 { lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(), offset }
    })
}

/// Opens a regular file for reading (following symbolic links), with its
/// size; anything else is refused with what it is. The type is checked
/// before opening, and the file is opened without blocking (a FIFO swapped
/// in meanwhile cannot hang the run) and checked again once open.
pub fn open_regular(path: &Path) -> Result<(std::fs::File, u64), String> {
    // Why a path could not be opened: its type when it is not a file (a
    // socket cannot be opened at all), else the error.
    let refused = |e: std::io::Error| match std::fs::metadata(path) {
        Ok(meta) => not_regular(&meta.file_type()).and(Err(describe_io(&e))),
        Err(_) => Err(describe_io(&e)),
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Opening never blocks (a FIFO with no writer); the type is then
        // checked on what was opened, so nothing is read from a non-file.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    not_regular(&std::fs::metadata(path).map_err(|e| describe_io(&e))?.file_type())?;
    let f = options.open(path).or_else(refused)?;
    let meta = f.metadata().map_err(|e| describe_io(&e))?;
    not_regular(&meta.file_type())?;
    Ok((f, meta.len()))
}

/// `Err(why)` when a file of this type is not a regular file.
pub fn not_regular(t: &std::fs::FileType) -> Result<(), String> {
    if t.is_file() {
        return Ok(());
    }
    if t.is_dir() {
        return Err("is a folder, not a file".into());
    }
    let what = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                "a FIFO (named pipe)"
            } else if t.is_socket() {
                "a socket"
            } else if t.is_char_device() {
                "a character device"
            } else if t.is_block_device() {
                "a block device"
            } else {
                "a special file"
            }
        }
        #[cfg(not(unix))]
        {
            "a special file"
        }
    };
    Err(format!("is {what}, not a regular file"))
}

fn too_large(size: u64, max: u64) -> ReadError {
    let more = if size > max { format!("{size} bytes") } else { format!("more than {max} bytes") };
    ReadError::Refused(format!(
        "file is {more}, over the limit of {max} bytes (raise `max_file_size` in chatlint.toml or pass --max-file-size)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_is_the_order_of_paths() {
        // Names around the separator's byte ('-' and '.' sort below '/'),
        // prefixes of each other, nested folders, non-ASCII.
        let names = ["a", "a-b", "a.json", "a/x.json", "a/b/x.json", "a-b/x.json", "ab/x", "a b", "é/x", "a/é", "b"];
        let paths: Vec<PathBuf> = names.iter().map(|n| Path::new("root").join(n)).collect();
        for a in &paths {
            for b in &paths {
                assert_eq!(walk_order(a, b), a.cmp(b), "{} vs {}", a.display(), b.display());
            }
        }
    }
}
