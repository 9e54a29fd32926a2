//! `--add-ignores REASON`: accepts every current finding by appending an
//! `[[ignore]]` entry for it to the config that governs its file (a new
//! chatlint.toml in the current folder when there is none).

use crate::runner::FileResult;
use chatlint_workspace::config::{ConfigCache, FILE_NAME};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Appends the entries; returns how many were written.
pub fn add_ignores(results: &[FileResult], configs: &ConfigCache, reason: &str) -> Result<usize, String> {
    if reason.trim().is_empty() {
        return Err("--add-ignores needs a reason".into());
    }
    let mut by_config: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut count = 0;
    for r in results.iter().filter(|r| r.error.is_none() && !r.diagnostics.is_empty()) {
        let abs = std::path::absolute(&r.name).map_err(|e| e.to_string())?;
        let config = configs.for_file(&abs)?;
        let target = config.path.clone().unwrap_or_else(|| PathBuf::from(FILE_NAME));
        let text = by_config.entry(target).or_default();
        let path = config.literal_pattern(&abs);
        for d in &r.diagnostics {
            text.push_str(&format!(
                "\n[[ignore]]\npath = {}\nrule = {}\npointer = {}\nreason = {}\n",
                toml_string(&path),
                toml_string(d.rule.id()),
                toml_string(&d.pointer),
                toml_string(reason)
            ));
            count += 1;
        }
    }
    for (file, text) in by_config {
        append(&file, &text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(count)
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    f.write_all(text.as_bytes())
}
