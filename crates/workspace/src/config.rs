//! `chatlint.toml`: found upward from each checked file, turned into
//! [`Settings`] plus the file-selection rules (method patterns,
//! include/exclude, size limit). Command-line options override it.

use chatlint_engine::catalogue::{self, Rule};
use chatlint_engine::method::Method;
use chatlint_engine::profile::Profile;
use chatlint_engine::request::Params;
use chatlint_engine::settings::{Level, RequestContext, Settings};
use chatlint_engine::suggest::closest;
use globset::{Candidate, Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub const FILE_NAME: &str = "chatlint.toml";
/// Files larger than this are refused unless configured otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;
/// A config file is a few lines; anything larger is refused unread.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    profile: Option<String>,
    max_file_size: Option<u64>,
    #[serde(default)]
    rules: HashMap<String, Level>,
    #[serde(default)]
    context: RequestContext,
    /// Method name → glob patterns of files with that method.
    #[serde(default)]
    methods: BTreeMap<String, Vec<String>>,
    /// Extra patterns a folder walk picks up (besides `*.setup.json`,
    /// `*.create.json` and JSON shaped like a request).
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    /// Accepted findings: `[[ignore]]` tables.
    #[serde(default)]
    ignore: Vec<toml::Spanned<IgnoreEntry>>,
    /// Parameters of files that are bare request bodies: `[[requests]]`.
    #[serde(default)]
    requests: Vec<RequestEntry>,
}

/// `[[requests]]`: the parameters (and method) of the files a glob names,
/// for request files that are bare REST bodies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestEntry {
    /// Glob of the files it applies to, relative to the config's folder.
    path: String,
    method: Option<String>,
    name: Option<String>,
    parent: Option<String>,
    update_mask: Option<String>,
    use_admin_access: Option<bool>,
    request_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    /// Glob of the files it applies to, relative to the config's folder.
    path: String,
    rule: String,
    /// Only the finding at this JSON pointer (all of the rule's findings when absent).
    pointer: Option<String>,
    /// Why the finding is accepted; required.
    reason: String,
}

/// One `[[ignore]]` entry, with what the run made of it.
#[derive(Debug)]
pub struct Ignore {
    pub path: String,
    pub rule: Rule,
    pub pointer: Option<String>,
    pub reason: String,
    /// Where the entry is in the config file (bytes).
    pub span: std::ops::Range<usize>,
    glob: GlobSet,
    /// A checked file matched `path`.
    seen: AtomicBool,
    /// Findings it silenced.
    used: AtomicUsize,
}

/// An `[[ignore]]` entry that matched checked files but silenced nothing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnusedIgnore {
    pub config: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub rule: Rule,
    pub pointer: Option<String>,
}

/// Command-line options that win over the config file.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub profile: Option<String>,
    pub max_file_size: Option<u64>,
}

#[derive(Debug)]
pub struct Config {
    /// The config file, when one was found.
    pub path: Option<PathBuf>,
    /// Patterns are relative to this folder.
    pub root: PathBuf,
    pub settings: Settings,
    pub max_file_size: u64,
    methods: Vec<(GlobSet, Method)>,
    /// `[[requests]]`: a file's method and parameters, by glob, in order.
    requests: Vec<(GlobSet, Option<Method>, Params)>,
    include: GlobSet,
    exclude: GlobSet,
    pub ignores: Vec<Ignore>,
    /// The config file's text, to locate `[[ignore]]` entries.
    text: String,
}

impl Config {
    /// The built-in defaults, for a run with no config file.
    pub fn defaults(root: PathBuf, overrides: &Overrides) -> Result<Config, String> {
        Config::build(None, root, ConfigFile::default(), String::new(), overrides)
    }

    pub fn load(path: &Path, overrides: &Overrides) -> Result<Config, String> {
        let text = read_config(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: ConfigFile =
            toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::build(Some(path.to_path_buf()), root, file, text, overrides)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn build(
        path: Option<PathBuf>,
        root: PathBuf,
        file: ConfigFile,
        text: String,
        overrides: &Overrides,
    ) -> Result<Config, String> {
        let profile_name = overrides.profile.as_deref().or(file.profile.as_deref());
        let profile = match profile_name {
            Some(name) => Profile::by_name(name)?,
            None => Profile::default_profile(),
        };
        let mut levels = HashMap::new();
        for (id, level) in &file.rules {
            let Some(rule) = Rule::from_id(id) else {
                let hint = closest(id, catalogue::all().map(|r| r.id))
                    .map(|(s, _)| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                return Err(format!("[rules] names an unknown rule `{id}`{hint}"));
            };
            levels.insert(rule, *level);
        }
        let mut ignores = Vec::new();
        for entry in file.ignore {
            let span = entry.span();
            let entry = entry.into_inner();
            if entry.reason.trim().is_empty() {
                return Err(format!("[[ignore]] for `{}` on `{}` needs a `reason`", entry.rule, entry.path));
            }
            let Some(rule) = Rule::from_id(&entry.rule) else {
                return Err(format!("[[ignore]] names an unknown rule `{}`", entry.rule));
            };
            let glob = glob_set("[[ignore]] path", std::slice::from_ref(&entry.path))?;
            ignores.push(Ignore {
                path: entry.path,
                rule,
                pointer: entry.pointer,
                reason: entry.reason,
                span,
                glob,
                seen: AtomicBool::new(false),
                used: AtomicUsize::new(0),
            });
        }
        let mut methods = Vec::new();
        for (name, patterns) in &file.methods {
            let method: Method = name.parse().map_err(|e| format!("[methods]: {e}"))?;
            methods.push((glob_set(&format!("[methods] \"{name}\""), patterns)?, method));
        }
        let mut requests = Vec::new();
        for entry in file.requests {
            let method =
                entry.method.map(|m| m.parse::<Method>()).transpose().map_err(|e| format!("[[requests]]: {e}"))?;
            let glob = glob_set("[[requests]] path", std::slice::from_ref(&entry.path))?;
            let params = Params {
                request_id: entry.request_id,
                update_mask: entry.update_mask,
                name: entry.name,
                parent: entry.parent,
                use_admin_access: entry.use_admin_access,
            };
            requests.push((glob, method, params));
        }
        Ok(Config {
            path,
            root,
            settings: Settings { profile, levels, context: file.context },
            max_file_size: overrides.max_file_size.or(file.max_file_size).unwrap_or(DEFAULT_MAX_FILE_SIZE),
            methods,
            requests,
            include: glob_set("include", &file.include)?,
            exclude: glob_set("exclude", &file.exclude)?,
            ignores,
            text,
        })
    }

    /// Drops the findings an `[[ignore]]` entry accepts for this file.
    pub fn suppress(&self, file: &Path, diags: &mut Vec<chatlint_engine::Diagnostic>) {
        let rel = self.relative(file);
        for ig in self.ignores.iter().filter(|ig| ig.glob.is_match(rel)) {
            ig.seen.store(true, Ordering::Relaxed);
            let before = diags.len();
            diags.retain(|d| d.rule != ig.rule || ig.pointer.as_ref().is_some_and(|p| *p != d.pointer));
            ig.used.fetch_add(before - diags.len(), Ordering::Relaxed);
        }
    }

    /// Entries that applied to a checked file but silenced nothing.
    pub fn unused_ignores(&self) -> Vec<UnusedIgnore> {
        let index = chatlint_engine::line_index::LineIndex::new(&self.text);
        let name = self.shown_path();
        self.ignores
            .iter()
            .filter(|ig| ig.seen.load(Ordering::Relaxed) && ig.used.load(Ordering::Relaxed) == 0)
            .map(|ig| {
                let at = index.line_col(&self.text, ig.span.start);
                UnusedIgnore {
                    config: name.clone(),
                    line: at.line,
                    column: at.column,
                    path: ig.path.clone(),
                    rule: ig.rule,
                    pointer: ig.pointer.clone(),
                }
            })
            .collect()
    }

    /// The config file's path as messages show it (from the current
    /// folder when it is below it; empty for the built-in defaults).
    pub fn shown_path(&self) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        self.path.as_ref().map_or_else(String::new, |p| p.strip_prefix(&cwd).unwrap_or(p).display().to_string())
    }

    /// The path of `file` as `[[ignore]]` patterns see it.
    pub fn pattern_path(&self, file: &Path) -> String {
        self.relative(file).to_string_lossy().replace('\\', "/")
    }

    /// A pattern (of `[[ignore]]`, `[[requests]]`, …) that matches `file`
    /// and nothing else: its path with every glob character (`*?[]{}`…)
    /// escaped, so a file named `*.setup.json` is not every file.
    pub fn literal_pattern(&self, file: &Path) -> String {
        globset::escape(&self.pattern_path(file))
    }

    fn relative<'p>(&self, file: &'p Path) -> &'p Path {
        file.strip_prefix(&self.root).unwrap_or(file)
    }

    /// What the config's patterns say of a file (an absolute path).
    pub fn select(&self, file: &Path) -> Selection {
        // The path relative to the config, made ready for matching once:
        // a file meets up to five kinds of pattern.
        let rel = Candidate::new(self.relative(file));
        if self.exclude.is_match_candidate(&rel) {
            return Selection { excluded: true, ..Selection::default() };
        }
        let mut requested = false;
        let mut params = Params::default();
        let mut from_requests = None;
        // Later entries win, field by field, and for the method.
        for (_, method, p) in self.requests.iter().filter(|(g, _, _)| g.is_match_candidate(&rel)) {
            requested = true;
            params.merge(p);
            from_requests = method.or(from_requests);
        }
        let method = from_requests
            .or_else(|| self.methods.iter().find(|(set, _)| set.is_match_candidate(&rel)).map(|(_, m)| *m));
        let included = requested || self.include.is_match_candidate(&rel);
        Selection { excluded: false, method, included, params }
    }

    /// The method the config's patterns give this file: `[[requests]]`
    /// entries first, then `[methods]`.
    pub fn method_for(&self, file: &Path) -> Option<Method> {
        self.select(file).method
    }
}

/// What a config's patterns say of one file.
#[derive(Debug, Default)]
pub struct Selection {
    /// `exclude` matches it: it is never checked (nothing else is worked out).
    pub excluded: bool,
    /// Its method by `[[requests]]` (the last entry with one), then `[methods]`.
    pub method: Option<Method>,
    /// `include` or a `[[requests]]` entry names it: it is a request,
    /// whatever its shape.
    pub included: bool,
    /// The parameters its `[[requests]]` entries give (later ones win, field by field).
    pub params: Params,
}

/// Compiles the patterns of one setting (`what` names it in errors). A
/// pattern can parse and still be too big to compile: that is an error
/// too, never a panic.
fn glob_set(what: &str, patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| format!("{what}: bad pattern {}: {}", shown(p), e.kind()))?;
        b.add(glob);
    }
    b.build().map_err(|e| match patterns {
        [one] => format!("{what}: pattern {} is too big to compile ({})", shown(one), e.kind()),
        _ => format!("{what}: the patterns are too big to compile together ({})", e.kind()),
    })
}

/// A pattern as errors quote it: whole when short, else its start and length.
fn shown(pattern: &str) -> String {
    const MAX: usize = 60;
    if pattern.chars().count() <= MAX {
        return format!("`{pattern}`");
    }
    let start: String = pattern.chars().take(MAX).collect();
    format!("`{start}…` ({} characters)", pattern.chars().count())
}

/// Reads a config file: a regular file (not a folder, FIFO or device, which
/// could block or never end) of at most [`MAX_CONFIG_SIZE`] bytes.
fn read_config(path: &Path) -> Result<String, String> {
    let too_large = || format!("is larger than 1 MiB ({MAX_CONFIG_SIZE} bytes), too large for a config file");
    let (f, len) = crate::files::open_regular(path)?;
    if len > MAX_CONFIG_SIZE {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    f.take(MAX_CONFIG_SIZE + 1).read_to_end(&mut bytes).map_err(|e| crate::files::describe_io(&e))?;
    if bytes.len() as u64 > MAX_CONFIG_SIZE {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| format!("is not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))
}

/// Finds and caches the config that governs each folder: the nearest
/// `chatlint.toml` upward, or the defaults. An explicit `--config` wins.
pub struct ConfigCache {
    explicit: Option<Arc<Config>>,
    overrides: Overrides,
    by_dir: Mutex<HashMap<PathBuf, Result<Arc<Config>, String>>>,
    /// The current folder, asked once: relative paths are taken from it.
    cwd: PathBuf,
}

impl ConfigCache {
    pub fn new(explicit: Option<&Path>, overrides: Overrides) -> Result<ConfigCache, String> {
        let explicit = explicit.map(|p| Config::load(p, &overrides).map(Arc::new)).transpose()?;
        let cwd = std::env::current_dir().unwrap_or_default();
        Ok(ConfigCache { explicit, overrides, by_dir: Mutex::new(HashMap::new()), cwd })
    }

    /// `path` made absolute from the current folder, as
    /// `std::path::absolute` would, without asking the system for the
    /// current folder once per file.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        let joined = if path.is_absolute() { path.to_path_buf() } else { self.cwd.join(path) };
        std::path::absolute(&joined).unwrap_or(joined)
    }

    /// The config for a file (or, for stdin, the current folder).
    pub fn for_file(&self, file: &Path) -> Result<Arc<Config>, String> {
        self.for_absolute(&self.absolute(file))
    }

    /// [`ConfigCache::for_file`] of a path [`ConfigCache::absolute`] made.
    pub fn for_absolute(&self, abs: &Path) -> Result<Arc<Config>, String> {
        if let Some(c) = &self.explicit {
            return Ok(c.clone());
        }
        self.for_dir(abs.parent().unwrap_or(Path::new("")))
    }

    /// Every config this run loaded (for unused `[[ignore]]` entries).
    pub fn loaded(&self) -> Vec<Arc<Config>> {
        let mut all: Vec<Arc<Config>> = self.explicit.iter().cloned().collect();
        for c in self.by_dir.lock().expect("config cache lock").values().flatten() {
            if !all.iter().any(|a| Arc::ptr_eq(a, c)) {
                all.push(c.clone());
            }
        }
        all
    }

    fn for_dir(&self, dir: &Path) -> Result<Arc<Config>, String> {
        if let Some(found) = self.by_dir.lock().expect("config cache lock").get(dir) {
            return found.clone();
        }
        let candidate = dir.join(FILE_NAME);
        // Anything named chatlint.toml is meant as a config: one that is not
        // a readable regular file (a folder, a FIFO, a broken link) is
        // reported, not skipped in favour of one further up.
        let present = match std::fs::symlink_metadata(&candidate) {
            Ok(_) => true,
            Err(e) => !matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory),
        };
        let result = if present {
            if std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_symlink())
                && std::fs::metadata(&candidate).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            {
                Err(format!("{}: is a symbolic link to nothing", candidate.display()))
            } else {
                Config::load(&candidate, &self.overrides).map(Arc::new)
            }
        } else {
            match dir.parent() {
                Some(parent) if parent != dir => self.for_dir(parent),
                _ => Config::defaults(self.cwd.clone(), &self.overrides).map(Arc::new),
            }
        };
        // Two workers may have loaded a folder's config at the same time:
        // every file of the folder gets the one kept first, so its
        // `[[ignore]]` entries count their uses in one place (two copies
        // once made an entry both used and reported unused).
        self.by_dir.lock().expect("config cache lock").entry(dir.to_path_buf()).or_insert(result).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_asking_at_once_share_one_config_per_folder() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(
            root.path().join(FILE_NAME),
            "[[ignore]]\npath = \"*\"\nrule = \"group-email\"\nreason = \"r\"\n",
        )
        .unwrap();
        for round in 0..20 {
            let dir = root.path().join(format!("d{round}/e"));
            std::fs::create_dir_all(&dir).unwrap();
            let cache = ConfigCache::new(None, Overrides::default()).unwrap();
            let start = std::sync::Barrier::new(8);
            let found: Vec<Arc<Config>> = std::thread::scope(|s| {
                let workers: Vec<_> = (0..8)
                    .map(|i| {
                        let (cache, start, file) = (&cache, &start, dir.join(format!("{i}.setup.json")));
                        s.spawn(move || {
                            start.wait();
                            cache.for_file(&file).unwrap()
                        })
                    })
                    .collect();
                workers.into_iter().map(|w| w.join().unwrap()).collect()
            });
            assert!(found.iter().all(|c| Arc::ptr_eq(c, &found[0])), "round {round}: copies of one config");
            assert_eq!(cache.loaded().len(), 1, "round {round}");
        }
    }
}
