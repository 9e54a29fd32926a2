//! Output formats for a check run, written as the run goes.
//!
//! Every format is a [`Report`]: `begin`, then `file` for each file in the
//! output order (as soon as the runner has it), then `end` with what only
//! the whole run knows (unused `[[ignore]]` entries, the counts). A report
//! never holds the files it was given: JSON and the line formats write each
//! file's part at once; SARIF (whose `rules` and `invocations` come before
//! the results) and JUnit (whose counts head the document) keep the files'
//! parts in a temporary file until `end`, and so do the diffs that human
//! and concise output print after the findings. The bytes are the same as
//! rendering the whole run at once (`tests/stream_golden.rs`).

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::runner::FileResult;
use chatlint_engine::diagnostic::{Applicability, Severity};
use chatlint_workspace::config::UnusedIgnore;
use std::borrow::Cow;
use std::fmt::Write;
use std::io::{self, BufRead, Seek};

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Concise,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "junit" => Format::Junit,
            "concise" => Format::Concise,
            _ => return Err(format!("unknown format `{s}` (human, json, sarif, github, junit, concise)")),
        })
    }
}

/// What a report shows after the files: what only the whole run knows.
pub struct End<'a> {
    pub unused_ignores: &'a [UnusedIgnore],
    pub summary: Summary,
}

/// A report in one format, written as the run goes (see the module doc).
pub trait Report {
    /// Before the first file.
    fn begin(&mut self, _out: &mut dyn io::Write) -> io::Result<()> {
        Ok(())
    }
    /// One file, in the output order; its part is written (or set aside)
    /// before this returns, so the caller may drop it.
    fn file(&mut self, r: &FileResult, out: &mut dyn io::Write) -> io::Result<()>;
    /// After the last file.
    fn end(&mut self, end: &End, out: &mut dyn io::Write) -> io::Result<()>;
}

/// A fresh report in `format`. `color` applies to the human format only;
/// `fail_at` is the `--fail-on` level (JUnit marks files with such findings
/// as failed).
pub fn report(format: Format, color: bool, fail_at: Option<Severity>) -> Box<dyn Report> {
    match format {
        Format::Human => Box::new(human::Human::new(&human::Style { color, width: 100 })),
        Format::Json => Box::new(json::Json::default()),
        Format::Sarif => Box::new(sarif::Sarif::default()),
        Format::Github => Box::new(github::Github::default()),
        Format::Junit => Box::new(junit::Junit::new(fail_at)),
        Format::Concise => Box::new(concise::Concise::default()),
    }
}

/// Parts of a report kept on disk until its end: an unnamed temporary file
/// (gone when dropped), made only when something is set aside.
#[derive(Default)]
pub(crate) struct Spill {
    file: Option<io::BufWriter<std::fs::File>>,
}

impl Spill {
    pub(crate) fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.file.is_none() {
            self.file = Some(io::BufWriter::new(tempfile::tempfile()?));
        }
        io::Write::write_all(self.file.as_mut().expect("just made"), bytes)
    }

    /// The file, read from its start (nothing when nothing was set aside).
    fn reader(&mut self) -> io::Result<Option<io::BufReader<std::fs::File>>> {
        let Some(w) = self.file.take() else { return Ok(None) };
        let mut f = w.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        Ok(Some(io::BufReader::new(f)))
    }

    /// Writes everything set aside to `out`, and forgets it.
    pub(crate) fn copy_to(&mut self, out: &mut dyn io::Write) -> io::Result<()> {
        if let Some(mut r) = self.reader()? {
            io::copy(&mut r, out)?;
        }
        Ok(())
    }

    /// The lines set aside (each written with a final `\n`), and forgets them.
    pub(crate) fn lines(&mut self) -> io::Result<impl Iterator<Item = io::Result<String>>> {
        Ok(self.reader()?.into_iter().flat_map(|r| r.lines()))
    }
}

/// Writes `value` as serde_json pretty-prints it (two spaces a level) with
/// every line after the first indented by `indent` more spaces: a fragment
/// at that depth of a larger pretty-printed document. Every file of a JSON
/// or SARIF report passes through here, so it is written in one go, with
/// no second pass over the text to indent it.
pub(crate) fn write_indented(out: &mut dyn io::Write, value: &impl serde::Serialize, indent: usize) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Nested { depth: 0, base: indent, has_value: false });
    value.serialize(&mut ser).map_err(io::Error::other)?;
    out.write_all(&buf)
}

/// serde_json's `PrettyFormatter`, starting `base` spaces in.
struct Nested {
    depth: usize,
    base: usize,
    has_value: bool,
}

impl Nested {
    fn newline<W: ?Sized + io::Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: [u8; 64] = [b' '; 64];
        w.write_all(b"\n")?;
        let mut left = self.base + 2 * self.depth;
        while left > 0 {
            let n = left.min(SPACES.len());
            w.write_all(&SPACES[..n])?;
            left -= n;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `path:line:col: severity[rule] message`, as the concise and JUnit reports write a finding.
pub fn finding_line(
    file: &FileResult,
    index: &chatlint_engine::line_index::LineIndex,
    d: &chatlint_engine::diagnostic::Diagnostic,
) -> String {
    let p = index.line_col(&file.text, d.range.start);
    format!("{}:{}:{}: {}[{}] {}", shown(&file.name), p.line, p.column, d.severity.as_str(), d.rule, plain(&d.message))
}

/// Characters a terminal must not get raw from a name or a message: control
/// characters (a newline splits a line, ESC starts a command) and the
/// bidirectional-text controls (they reorder what is shown).
pub(crate) fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// A file name as the text formats (human, concise, JUnit) show it: as it
/// is, or, when it holds a character a terminal must not get raw, quoted
/// with those characters escaped (`"a\nb.json"`), so it stays one
/// unambiguous piece of one line.
pub fn shown(name: &str) -> Cow<'_, str> {
    if !name.chars().any(unsafe_char) {
        return Cow::Borrowed(name);
    }
    let mut out = String::from('"');
    for c in name.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if unsafe_char(c) => escape_into(&mut out, c),
            c => out.push(c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// A message (which may quote a key or value of the file) for the text
/// formats: characters a terminal must not get raw are escaped.
pub fn plain(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) { escape_into(&mut out, c) } else { out.push(c) }
    }
    Cow::Owned(out)
}

/// What the send step did with a file, on one line (concise and GitHub
/// output): `sent: …`, `failed: …`, `not sent: …` or `dry run: would send …`.
#[cfg(feature = "send")]
pub fn send_line(o: &chatlint_send::Outcome) -> String {
    use chatlint_send::Status;
    if o.status == Status::DryRun
        && let Some(r) = &o.request
    {
        let rid = match (&o.request_id, o.request_id_source) {
            (Some(id), Some("derived")) => format!(" [requestId {id}, derived]"),
            (Some(id), _) => format!(" [requestId {id}]"),
            _ => String::new(),
        };
        let danger = r.destructive.map(|d| format!(" [{}]", d.words())).unwrap_or_default();
        return format!("dry run: would send {} {}{danger}{rid}", r.http_method, r.url);
    }
    o.human_line().replace("\n  help: ", "; help: ").replace('\n', " ")
}

/// One line per unused `[[ignore]]` entry.
pub fn unused_ignore_lines(unused: &[UnusedIgnore]) -> String {
    let mut out = String::new();
    for u in unused {
        let at = u.pointer.as_deref().map(|p| format!(" at {p}")).unwrap_or_default();
        out.push_str(&format!(
            "{}:{}:{}: warning: unused [[ignore]] for `{}` on `{}`{}: it matched no finding; remove it\n",
            shown(&u.config),
            u.line,
            u.column,
            u.rule,
            plain(&u.path),
            plain(&at)
        ));
    }
    out
}

/// Counts over a run, shared by every format.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub hints: usize,
    /// Files that could not be checked (IO, size limit, config).
    pub failed: usize,
    /// Fixes applied (`--fix`).
    pub fixed: usize,
    /// Fixes `--diff` shows but did not apply.
    pub would_fix: usize,
    /// With `--send`: requests the API answered with a space, and those that failed.
    pub sent: usize,
    pub send_failed: usize,
    /// What the human and concise summary line say besides (the JSON
    /// summary's shape stays as documented): findings `--fix` would fix,
    /// findings only `--unsafe-fixes` would, findings `[[ignore]]`
    /// accepted, and files skipped as not Chat requests.
    #[serde(skip)]
    pub fixable: usize,
    #[serde(skip)]
    pub unsafe_fixable: usize,
    #[serde(skip)]
    pub ignored: usize,
    #[serde(skip)]
    pub skipped: usize,
    /// Folders whose walk found no Chat request (each also counted in
    /// `files` and `failed`: JSON lists it as an entry with its error).
    #[serde(skip)]
    pub empty_folders: usize,
    /// Files `--fix` checked but refused to rewrite (also counted in `failed`).
    #[serde(skip)]
    pub not_fixed: usize,
    /// Of `sent`: those the API answered "already exists" where that means
    /// done (members already there), and the method they were sent with
    /// (`None` when none, or several methods).
    #[serde(skip_serializing_if = "is_zero")]
    pub exists: usize,
    #[serde(skip)]
    pub exists_method: Option<chatlint_engine::Method>,
    /// Of `sent`: deletes the API answered "not found", which means done
    /// (already gone).
    #[serde(skip_serializing_if = "is_zero")]
    pub gone: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(results: &[FileResult]) -> Summary {
        let mut s = Summary::default();
        results.iter().for_each(|r| s.add(r));
        s
    }

    /// Counts one more file.
    pub fn add(&mut self, r: &FileResult) {
        self.files += 1;
        if r.error.is_some() {
            self.failed += 1;
        }
        self.empty_folders += usize::from(r.no_request_in_folder);
        self.not_fixed += usize::from(r.not_fixed);
        self.ignored += r.ignored;
        #[cfg(feature = "send")]
        match r.sent.as_ref().map(|o| o.status) {
            Some(chatlint_send::Status::Sent) => self.sent += 1,
            Some(chatlint_send::Status::Exists) => {
                self.sent += 1;
                self.exists += 1;
                self.exists_method = if self.exists == 1 || self.exists_method == r.method { r.method } else { None };
            }
            Some(chatlint_send::Status::Gone) => {
                self.sent += 1;
                self.gone += 1;
            }
            Some(chatlint_send::Status::Failed) => self.send_failed += 1,
            _ => {}
        }
        if r.diff.is_some() {
            self.would_fix += r.fixed;
        } else {
            self.fixed += r.fixed;
        }
        for d in &r.diagnostics {
            match fixable(d) {
                Some(Applicability::Safe) => self.fixable += 1,
                Some(Applicability::Unsafe) => self.unsafe_fixable += 1,
                None => {}
            }
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Hint => self.hints += 1,
            }
        }
    }
}

/// Whether `--fix` fixes a finding (`Safe`), only `--fix --unsafe-fixes`
/// does (`Unsafe`), or neither: as `--fix` picks, a safe fix when there is one.
pub fn fixable(d: &chatlint_engine::diagnostic::Diagnostic) -> Option<Applicability> {
    if d.fixes.iter().any(|f| f.applicability == Applicability::Safe) {
        Some(Applicability::Safe)
    } else {
        d.fixes.first().map(|_| Applicability::Unsafe)
    }
}
