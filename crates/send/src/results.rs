//! `--results FILE`: one JSON line per request, appended as soon as the
//! request is finished, so an interrupted run keeps the record of every
//! request that completed.

use super::outcome::{Outcome, Problem, Status};
use serde::Serialize;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

pub struct ResultsFile {
    path: PathBuf,
    file: Mutex<File>,
    notes: super::Notes,
}

/// One line of the results file.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    /// When the request finished (UTC, RFC 3339).
    pub time: String,
    pub file: &'a str,
    pub method: &'static str,
    /// The requestId sent, or, for a method that takes none, chatlint's
    /// derived id of the request (what a re-run compares).
    pub request_id: &'a str,
    /// `sent`, `exists`, `failed` or `interrupted`.
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_uri: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a Problem>,
    pub attempts: u32,
}

impl<'a> Line<'a> {
    pub fn of(
        file: &'a str,
        method: chatlint_engine::Method,
        request_id: &'a str,
        outcome: &'a Outcome,
        http_status: Option<u16>,
    ) -> Line<'a> {
        let space = outcome.space.as_ref();
        Line {
            time: super::retry::rfc3339(SystemTime::now()),
            file,
            method: method.name(),
            request_id,
            status: outcome.status,
            http_status,
            space: space.map(|s| s.name.as_str()),
            space_uri: space.and_then(|s| s.space_uri.as_deref()),
            membership: outcome.membership.as_deref(),
            error: outcome.error.as_ref(),
            attempts: outcome.attempts.unwrap_or(0),
        }
    }
}

/// A request that an earlier run recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub space: Option<String>,
    pub space_uri: Option<String>,
    /// The membership added (spaces.members.create).
    pub membership: Option<String>,
}

/// The requests a results file records as sent, by file (as named then)
/// and requestId. A missing file records nothing; lines that are not
/// results lines (or not JSON) are passed over.
pub fn recorded(path: &Path) -> Result<HashMap<(String, String), Recorded>, String> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(format!("--results {}: could not read it: {e}", path.display())),
    };
    let mut sent = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("--results {}: could not read it: {e}", path.display()))?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let done = matches!(v["status"].as_str(), Some("sent" | "exists"));
        if let (Some(file), Some(id), true) = (text("file"), text("request_id"), done) {
            let r = Recorded { space: text("space"), space_uri: text("space_uri"), membership: text("membership") };
            sent.insert((file, id), r);
        }
    }
    Ok(sent)
}

impl ResultsFile {
    /// Opens (creating it if needed) for appending; write failures go to `notes`.
    pub fn open(path: &Path, notes: super::Notes) -> Result<ResultsFile, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("--results {}: could not open it for appending: {e}", path.display()))?;
        Ok(ResultsFile { path: path.to_path_buf(), file: Mutex::new(file), notes })
    }

    /// Appends one line with a single write, then flushes it to disk.
    pub fn record(&self, line: &Line) {
        let mut text = serde_json::to_string(line).unwrap_or_default();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let written = file.write_all(text.as_bytes()).and_then(|_| file.flush()).and_then(|_| file.sync_data());
        if let Err(e) = written {
            (self.notes)(&format!("--results {}: could not write: {e}", self.path.display()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_one_line_per_record() {
        let path = std::env::temp_dir().join(format!("chatlint-results-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut ok = Outcome::new(Status::Sent);
        ok.request_id = Some("id1".into());
        ok.attempts = Some(2);
        ok.space = Some(super::super::outcome::Space {
            name: "spaces/A".into(),
            space_uri: Some("https://chat.google.com/room/A".into()),
            display_name: None,
        });
        for _ in 0..2 {
            let f = ResultsFile::open(&path, std::sync::Arc::new(|_: &str| {})).unwrap();
            f.record(&Line::of("a.setup.json", chatlint_engine::Method::Setup, "id1", &ok, Some(200)));
        }
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["space"], "spaces/A");
        assert_eq!(lines[0]["status"], "sent");
        assert_eq!(lines[0]["request_id"], "id1");
        assert_eq!(lines[0]["attempts"], 2);
        assert_eq!(lines[0]["method"], "spaces.setup");
    }

    #[test]
    fn knows_what_was_sent() {
        let path = std::env::temp_dir().join(format!("chatlint-recorded-{}.jsonl", std::process::id()));
        assert!(recorded(&path).unwrap().is_empty(), "a missing file records nothing");
        let lines = [
            r#"{"file":"a.setup.json","request_id":"1","status":"sent","space":"spaces/A","space_uri":"u"}"#,
            r#"{"file":"b.setup.json","request_id":"2","status":"failed"}"#,
            r#"{"file":"c.setup.json","request_id":"3","status":"interrupted"}"#,
            "not json",
            r#"{"earlier":true}"#,
        ];
        std::fs::write(&path, lines.join("\n")).unwrap();
        let sent = recorded(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(sent.len(), 1);
        let a = &sent[&("a.setup.json".to_string(), "1".to_string())];
        assert_eq!((a.space.as_deref(), a.space_uri.as_deref()), (Some("spaces/A"), Some("u")));
    }
}
