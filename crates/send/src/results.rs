//! `--results FILE`: the journal of a run. One JSON line per request,
//! appended and flushed to disk as soon as the request is finished, so an
//! interrupted run keeps the record of every request that completed; a
//! re-run skips the requests it records as done.
//!
//! - A record stands for one request as sent ([`Identity`]: verb, URL,
//!   body digest): change the endpoint, a parameter or the body, and it no
//!   longer matches. Lines of older chatlint versions (no identity) never
//!   match: those requests are sent again (docs/send.md says why that is
//!   safe).
//! - One run per file at a time: a sending run holds an exclusive lock on
//!   it; a second run is refused before anything is sent.
//! - Only a regular file is read (never a FIFO or a device), within
//!   [`MAX_BYTES`], a line at most [`MAX_LINE`]; a line that is not a
//!   record (cut short by a killed run, not UTF-8, garbage) is named and
//!   skipped.
//! - Each record starts on a fresh line. Once one cannot be written, the
//!   file is "broken": no new request starts and the run fails.

use super::outcome::{Outcome, Problem, Status};
use super::request::{Identity, Planned};
use chatlint_engine::Method;
use serde::Serialize;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The most of a results file that is read: 1 GiB (a million requests at
/// a few hundred bytes each). A bigger one is refused: start a new file.
pub const MAX_BYTES: u64 = 1 << 30;
/// The longest line that is read: 1 MiB (chatlint writes lines of well
/// under 16 KiB: messages are cut to [`MAX_MESSAGE_CHARS`]).
pub const MAX_LINE: usize = 1 << 20;
/// How much of an error message a record keeps.
const MAX_MESSAGE_CHARS: usize = 2000;
/// How many bad lines are named one by one.
const NAMED_BAD_LINES: usize = 5;

pub struct ResultsFile {
    path: PathBuf,
    inner: Mutex<Inner>,
    notes: super::Notes,
}

struct Inner {
    file: File,
    /// The file does not end in `\n` (a run was killed mid-line): the next
    /// record starts with one.
    needs_newline: bool,
    /// Why a record could not be written; from then on nothing is sent.
    broken: Option<String>,
}

/// One line of the results file.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    /// When the request finished (UTC, RFC 3339).
    pub time: String,
    pub file: &'a str,
    pub method: &'static str,
    /// The request as sent: what a re-run compares.
    pub request: Identity,
    /// The requestId sent, for methods that take one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    /// `sent`, `exists`, `gone`, `failed` or `interrupted`.
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<&'a str>,
    /// What a destructive call removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
    pub attempts: u32,
}

impl<'a> Line<'a> {
    /// The line of a request `--send` planned from a file.
    pub fn of(plan: &'a Planned, outcome: &'a Outcome, http_status: Option<u16>) -> Line<'a> {
        let request_id = plan.sends_request_id.then_some(plan.request_id.as_str());
        Line::about(&plan.file, plan.method, plan.identity(), request_id, outcome, http_status)
    }

    /// The line of any request: the file it was made for, its method, the
    /// request as sent, the requestId it sent, what came of it.
    pub fn about(
        file: &'a str,
        method: Method,
        request: Identity,
        request_id: Option<&'a str>,
        outcome: &'a Outcome,
        http_status: Option<u16>,
    ) -> Line<'a> {
        let space = outcome.space.as_ref();
        let error = outcome.error.as_ref().map(|e| {
            let mut e = e.clone();
            if let Some((cut, _)) = e.message.char_indices().nth(MAX_MESSAGE_CHARS) {
                e.message.truncate(cut);
                e.message.push('…');
            }
            e
        });
        Line {
            time: super::retry::rfc3339(SystemTime::now()),
            file,
            method: method.name(),
            request,
            request_id,
            status: outcome.status,
            http_status,
            space: space.map(|s| s.name.as_str()),
            space_uri: space.and_then(|s| s.space_uri.as_deref()),
            membership: outcome.membership.as_deref(),
            deleted: outcome.deleted.as_deref(),
            error,
            attempts: outcome.attempts.unwrap_or(0),
        }
    }
}

/// A request that an earlier run recorded as done (`sent`, `exists` or `gone`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub space: Option<String>,
    pub space_uri: Option<String>,
    /// The membership added or changed.
    pub membership: Option<String>,
    /// What a destructive call removed.
    pub deleted: Option<String>,
}

/// The requests a results file records as done, by the request as sent.
pub type Records = HashMap<Identity, Recorded>;

/// Reads a results file without taking it (`--dry-run`). A missing file
/// records nothing.
pub fn read(path: &Path, notes: &super::Notes) -> Result<Records, String> {
    match open_regular(path, false)? {
        None => Ok(Records::new()),
        Some(file) => Ok(scan(&file, path, notes)?.records),
    }
}

impl ResultsFile {
    /// Opens the file for appending (creating it if needed), takes it for
    /// this run, and reads what it records.
    pub fn open(path: &Path, notes: super::Notes) -> Result<(ResultsFile, Records), String> {
        let file =
            open_regular(path, true)?.ok_or_else(|| format!("--results {}: could not create it", path.display()))?;
        lock(&file, path, &notes)?;
        let scanned = scan(&file, path, &notes)?;
        let inner = Inner { file, needs_newline: !scanned.ends_in_newline, broken: None };
        Ok((ResultsFile { path: path.to_path_buf(), inner: Mutex::new(inner), notes }, scanned.records))
    }

    /// Appends one line with a single write, flushed to disk before this
    /// returns. An error breaks the file for the rest of the run.
    pub fn record(&self, line: &Line) -> Result<(), String> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(why) = &inner.broken {
            return Err(why.clone());
        }
        let mut text = String::from(if inner.needs_newline { "\n" } else { "" });
        text.push_str(&serde_json::to_string(line).unwrap_or_default());
        text.push('\n');
        let file = &mut inner.file;
        let written = file.write_all(text.as_bytes()).and_then(|_| file.flush()).and_then(|_| file.sync_data());
        match written {
            Ok(()) => {
                inner.needs_newline = false;
                Ok(())
            }
            Err(e) => {
                let why = format!("--results {}: could not write a record: {e}", self.path.display());
                (self.notes)(&format!("{why}; no new request starts"));
                // Part of the line may be there: the next one starts afresh.
                inner.needs_newline = true;
                inner.broken = Some(why.clone());
                Err(why)
            }
        }
    }

    /// Why a record could not be written, once one could not.
    pub fn broken(&self) -> Option<String> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).broken.clone()
    }
}

/// A results file taken for a whole run whose requests go out in more
/// than one way (`chatlint apply`: its own writes, and the creates sent as
/// `--send` sends them): opened, locked and read once, before anything is
/// sent, and held until the last clone is dropped.
#[derive(Clone)]
pub struct Journal {
    pub(crate) file: Arc<ResultsFile>,
    /// What the file recorded as done when it was opened.
    pub(crate) records: Records,
}

impl Journal {
    /// [`ResultsFile::open`]: a file that is not a regular one, or that
    /// another run holds, is refused here.
    pub fn open(path: &Path, notes: super::Notes) -> Result<Journal, String> {
        let (file, records) = ResultsFile::open(path, notes)?;
        Ok(Journal { file: Arc::new(file), records })
    }

    pub fn path(&self) -> &Path {
        &self.file.path
    }

    /// Why a record could not be written, once one could not: from then
    /// on no new request starts.
    pub fn broken(&self) -> Option<String> {
        self.file.broken()
    }
}

/// Opens `path` if it is a regular file (following links), without ever
/// blocking (a FIFO with no writer); `writing`: for appending, created if
/// missing. `None`: it does not exist (and is not to be created).
fn open_regular(path: &Path, writing: bool) -> Result<Option<File>, String> {
    let shown = path.display();
    let mut options = OpenOptions::new();
    options.read(true);
    if writing {
        options.append(true).create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    #[cfg(windows)]
    {
        // Windows: while this run has it open for writing, no other
        // process may open it for writing (FILE_SHARE_READ only): the lock.
        use std::os::windows::fs::OpenOptionsExt;
        if writing {
            options.share_mode(1);
        }
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !writing => return Ok(None),
        // ERROR_SHARING_VIOLATION: another run holds it.
        #[cfg(windows)]
        Err(e) if e.raw_os_error() == Some(32) => return Err(in_use(path)),
        Err(e) => {
            // A socket, or a FIFO without a reader, cannot be opened: say what it is.
            if let Ok(meta) = std::fs::metadata(path) {
                not_regular(&meta.file_type()).map_err(|what| format!("--results {shown}: {what}"))?;
            }
            return Err(format!("--results {shown}: could not open it: {e}"));
        }
    };
    let meta = file.metadata().map_err(|e| format!("--results {shown}: could not read it: {e}"))?;
    not_regular(&meta.file_type()).map_err(|what| format!("--results {shown}: {what}"))?;
    Ok(Some(file))
}

/// `Err(what it is)` unless a regular file.
fn not_regular(t: &std::fs::FileType) -> Result<(), String> {
    if t.is_file() {
        return Ok(());
    }
    let what = if t.is_dir() {
        "a folder"
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                "a FIFO (named pipe)"
            } else if t.is_char_device() || t.is_block_device() {
                "a device"
            } else if t.is_socket() {
                "a socket"
            } else {
                "a special file"
            }
        }
        #[cfg(not(unix))]
        {
            "a special file"
        }
    };
    Err(format!("is {what}, not a regular file; the results file must be one"))
}

fn in_use(path: &Path) -> String {
    format!(
        "--results {}: another chatlint run is using it (it holds the file's lock); wait for that run to end, \
         or give this one another results file",
        path.display()
    )
}

/// Takes the file for this run: an exclusive advisory lock (flock), held
/// until the file is closed, so two runs never send from one journal.
#[cfg(unix)]
fn lock(file: &File, path: &Path, notes: &super::Notes) -> Result<(), String> {
    use std::os::fd::AsRawFd;
    // SAFETY: flock on a descriptor this `File` owns and keeps open.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    if e.kind() == std::io::ErrorKind::WouldBlock {
        return Err(in_use(path));
    }
    // A file system without locks: say what that means, and go on.
    (notes)(&format!(
        "--results {}: could not lock it ({e}); two runs at the same time with this file would both send",
        path.display()
    ));
    Ok(())
}

/// On Windows the lock is the share mode the file was opened with.
#[cfg(not(unix))]
fn lock(_file: &File, _path: &Path, _notes: &super::Notes) -> Result<(), String> {
    Ok(())
}

struct Scanned {
    records: Records,
    /// Empty, or its last byte is `\n`.
    ends_in_newline: bool,
}

/// Reads the records of an open results file, within the bounds; names
/// and skips the lines that are not records.
fn scan(file: &File, path: &Path, notes: &super::Notes) -> Result<Scanned, String> {
    let shown = path.display();
    let too_big = || {
        format!(
            "--results {shown}: is larger than {} MiB, the most chatlint reads; start a new results file",
            MAX_BYTES >> 20
        )
    };
    let len = file.metadata().map_err(|e| format!("--results {shown}: could not read it: {e}"))?.len();
    if len > MAX_BYTES {
        return Err(too_big());
    }
    let mut reader = BufReader::new(file.take(MAX_BYTES + 1));
    let mut records = Records::new();
    let mut bad: Vec<String> = Vec::new();
    let mut old = 0usize;
    let mut total = 0u64;
    let mut ends_in_newline = true;
    let mut line = Vec::new();
    for number in 1.. {
        let (read, whole, newline) =
            read_line(&mut reader, &mut line).map_err(|e| format!("--results {shown}: could not read it: {e}"))?;
        if read == 0 {
            break;
        }
        total += read as u64;
        if total > MAX_BYTES {
            return Err(too_big());
        }
        ends_in_newline = newline;
        if !whole {
            bad.push(format!("line {number} is longer than {} KiB", MAX_LINE >> 10));
            continue;
        }
        match parse(&line) {
            Parsed::Blank => {}
            Parsed::Bad(why) => bad.push(format!("line {number} {why}")),
            Parsed::Old => old += 1,
            Parsed::Other => {}
            Parsed::Done(id, r) => {
                records.insert(id, r);
            }
        }
    }
    if !bad.is_empty() {
        let mut named = bad[..bad.len().min(NAMED_BAD_LINES)].join("; ");
        if bad.len() > NAMED_BAD_LINES {
            named.push_str(&format!("; and {} more", bad.len() - NAMED_BAD_LINES));
        }
        (notes)(&format!("--results {shown}: skipped what is not a record: {named}"));
    }
    if old > 0 {
        (notes)(&format!(
            "--results {shown}: {old} line{} from an older chatlint (without the request as sent) skip nothing: \
             those requests are sent again",
            if old == 1 { "" } else { "s" }
        ));
    }
    Ok(Scanned { records, ends_in_newline })
}

/// Reads one line, `\n` included, into `line` (cleared first), keeping at
/// most [`MAX_LINE`] bytes: `(bytes consumed, whether it fit, whether
/// it ended with `\n`)`.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<(usize, bool, bool)> {
    line.clear();
    let (mut read, mut fits) = (0, true);
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((read, fits, false));
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if fits && line.len() + take <= MAX_LINE {
            line.extend_from_slice(&buf[..take]);
        } else {
            fits = false;
            line.clear();
        }
        reader.consume(take);
        read += take;
        if done {
            return Ok((read, fits, true));
        }
    }
}

enum Parsed {
    Blank,
    Bad(String),
    /// A line of an older chatlint: no `request`.
    Old,
    /// A record of a request that is not done (failed, interrupted).
    Other,
    Done(Identity, Recorded),
}

fn parse(line: &[u8]) -> Parsed {
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => return Parsed::Bad(format!("is not UTF-8 (byte {})", e.valid_up_to() + 1)),
    };
    if text.trim().is_empty() {
        return Parsed::Blank;
    }
    let v = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v.is_object() => v,
        _ if !text.ends_with('\n') => return Parsed::Bad("is cut short (the run that wrote it was stopped)".into()),
        _ => return Parsed::Bad("is not a JSON record".into()),
    };
    let Some(request) = v.get("request") else { return Parsed::Old };
    let Ok(id) = serde_json::from_value::<Identity>(request.clone()) else {
        return Parsed::Bad("has a `request` that is not one chatlint wrote".into());
    };
    if !matches!(v["status"].as_str(), Some("sent" | "exists" | "gone")) {
        return Parsed::Other;
    }
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Parsed::Done(
        id,
        Recorded {
            space: text("space"),
            space_uri: text("space_uri"),
            membership: text("membership"),
            deleted: text("deleted"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::Space;
    use crate::{Checked, Item};
    use chatlint_engine::Method;
    use std::sync::Arc;

    fn plan(parent: &str, endpoint: &str) -> Planned {
        let item = Item {
            name: "m.member.json".into(),
            text: r#"{"member": {"name": "users/1", "type": "HUMAN"}}"#.into(),
            method: Some(Method::MembersCreate),
            checked: Checked::Passed,
            params: chatlint_engine::Params { parent: Some(parent.into()), ..Default::default() },
        };
        crate::request::plan(0, &item, &reqwest::Url::parse(endpoint).unwrap()).unwrap()
    }

    fn sent(membership: &str) -> Outcome {
        let mut o = Outcome::new(Status::Sent);
        o.membership = Some(membership.into());
        o.space = Some(Space { name: "spaces/A".into(), space_uri: None, display_name: None });
        o
    }

    /// Notes go into a list the test reads.
    fn notes() -> (crate::Notes, Arc<Mutex<Vec<String>>>) {
        let said = Arc::new(Mutex::new(Vec::new()));
        let keep = said.clone();
        (Arc::new(move |n: &str| keep.lock().unwrap().push(n.to_string())), said)
    }

    #[test]
    fn a_record_stands_for_the_request_as_sent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let a = plan("spaces/A", "http://127.0.0.1:9");
        {
            let (f, records) = ResultsFile::open(&path, notes().0).unwrap();
            assert!(records.is_empty());
            f.record(&Line::of(&a, &sent("spaces/A/members/1"), Some(200))).unwrap();
        }
        let (n, said) = notes();
        let records = read(&path, &n).unwrap();
        assert_eq!(records[&a.identity()].membership.as_deref(), Some("spaces/A/members/1"));
        // Another parent, another endpoint: another request.
        assert!(!records.contains_key(&plan("spaces/B", "http://127.0.0.1:9").identity()));
        assert!(!records.contains_key(&plan("spaces/A", "http://127.0.0.1:8").identity()));
        assert!(said.lock().unwrap().is_empty());
        let line: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
        assert_eq!(line["request"]["url"], "http://127.0.0.1:9/v1/spaces/A/members");
        assert_eq!(line["request"]["http_method"], "POST");
        assert_eq!(line["request"]["body_sha256"].as_str().unwrap().len(), 64);
    }

    #[test]
    fn old_lines_cut_lines_and_garbage_are_named_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let a = plan("spaces/A", "http://127.0.0.1:9");
        let good = serde_json::to_string(&Line::of(&a, &sent("spaces/A/members/1"), Some(200))).unwrap();
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"{\"file\":\"x.setup.json\",\"request_id\":\"1\",\"status\":\"sent\"}\n");
        bytes.extend_from_slice(b"\xff\xfe not utf-8\n");
        bytes.extend_from_slice(b"garbage\n\n");
        bytes.extend_from_slice(good.as_bytes());
        bytes.extend_from_slice(b"\n{\"time\":\"2026-");
        std::fs::write(&path, &bytes).unwrap();
        let (n, said) = notes();
        let (f, records) = ResultsFile::open(&path, n).unwrap();
        assert_eq!(records.len(), 1, "the good line still counts");
        let said = said.lock().unwrap().join("\n");
        assert!(said.contains("line 2 is not UTF-8 (byte 1)"), "{said}");
        assert!(said.contains("line 3 is not a JSON record"), "{said}");
        assert!(said.contains("line 6 is cut short"), "{said}");
        assert!(said.contains("1 line from an older chatlint"), "{said}");
        // The next record starts on a line of its own.
        let b = plan("spaces/B", "http://127.0.0.1:9");
        f.record(&Line::of(&b, &sent("spaces/B/members/1"), Some(200))).unwrap();
        drop(f);
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        assert!(text.ends_with("\"attempts\":0}\n") && text.contains("{\"time\":\"2026-\n{"), "{text}");
        let records = read(&path, &notes().0).unwrap();
        assert!(records.contains_key(&a.identity()) && records.contains_key(&b.identity()));
    }

    #[test]
    fn only_a_regular_file_within_bounds_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let (n, said) = notes();
        let long = dir.path().join("long.jsonl");
        std::fs::write(&long, format!("{}\n{{}}\n", "x".repeat(MAX_LINE + 10))).unwrap();
        assert!(read(&long, &n).unwrap().is_empty());
        assert!(said.lock().unwrap().join("").contains("line 1 is longer than 1024 KiB"), "{said:?}");
        let big = dir.path().join("big.jsonl");
        File::create(&big).unwrap().set_len(MAX_BYTES + 1).unwrap();
        let err = read(&big, &n).unwrap_err();
        assert!(err.contains("is larger than 1024 MiB"), "{err}");
        let err = read(dir.path(), &n).unwrap_err();
        assert!(err.contains("is a folder, not a regular file"), "{err}");
        #[cfg(unix)]
        {
            for device in ["/dev/zero", "/dev/null"] {
                let err = read(Path::new(device), &n).unwrap_err();
                assert!(err.contains("is a device, not a regular file"), "{err}");
                let err = ResultsFile::open(Path::new(device), n.clone()).err().unwrap();
                assert!(err.contains("not a regular file"), "{err}");
            }
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: a NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            for err in [read(&fifo, &n).unwrap_err(), ResultsFile::open(&fifo, n.clone()).err().unwrap()] {
                assert!(err.contains("is a FIFO (named pipe), not a regular file"), "{err}");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn one_run_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let first = ResultsFile::open(&path, notes().0).unwrap();
        let err = ResultsFile::open(&path, notes().0).err().unwrap();
        assert!(err.contains("another chatlint run is using it"), "{err}");
        assert!(read(&path, &notes().0).is_ok(), "a dry run only reads");
        drop(first);
        assert!(ResultsFile::open(&path, notes().0).is_ok(), "free again once the first run ends");
    }
}
