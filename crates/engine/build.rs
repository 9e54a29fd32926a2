//! Turns the catalogue (`rules/<id>.toml`) and the profiles
//! (`rules/profiles.toml`) into Rust at build time: a typed rule id (`Rule`,
//! so a misspelt id does not compile), each rule's facts as static data, and
//! the profiles; and each method's schema into the Rust that makes its
//! typed model (`build/models.rs`). Nothing is parsed when chatlint starts,
//! and a malformed catalogue file fails the build with its name and the
//! reason.

#[path = "src/case.rs"]
#[allow(dead_code)] // the build uses one of its two functions
mod case;
#[path = "build/models.rs"]
mod models;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Files in rules/ that are data about the catalogue, not rules.
const NOT_RULES: [&str; 2] = ["profiles.toml", "uncovered.toml"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    severity: String,
    summary: String,
    constraints: Vec<String>,
    methods: toml::Value,
    #[serde(default)]
    profiles: Option<Vec<String>>,
    #[serde(default)]
    needs_context: Vec<String>,
    fix: String,
    #[serde(default)]
    fix_kind: Option<String>,
    #[serde(default)]
    reported_by: Option<String>,
    #[serde(default)]
    supersedes: Vec<String>,
    what: String,
    why: String,
    how_to_fix: String,
    sources: Vec<SourceFile>,
    examples: Vec<ExampleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    quote: String,
    from: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleFile {
    valid: bool,
    method: String,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    context: Option<toml::Table>,
    #[serde(default)]
    params: Option<toml::Table>,
    #[serde(default)]
    note: Option<String>,
    body: String,
    #[serde(default)]
    other: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfilesFile {
    default: String,
    profile: BTreeMap<String, ProfileFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    summary: String,
    source: String,
    max_memberships: usize,
    display_name_max: usize,
    description_max: usize,
    guidelines_max: usize,
    email_aliases: bool,
    google_groups: bool,
    external_users: bool,
    admin_permission_settings: bool,
    missing_fields: Vec<String>,
}

fn main() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&rules_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", rules_dir.display()))
        .map(|e| e.expect("readable rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        println!("cargo:rerun-if-changed={}", path.display());
        if NOT_RULES.contains(&name.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let rule: RuleFile = toml::from_str(&text).unwrap_or_else(|e| panic!("rules/{name}: {e}"));
        if format!("{}.toml", rule.id) != name {
            panic!("rules/{name}: id `{}` does not match the file name", rule.id);
        }
        rules.push(rule);
    }
    // Id order (not file-name order: `a-b.toml` sorts before `a.toml`), so
    // that `Rule`'s derived order is the ids' order.
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let mut out = String::new();
    write_rules(&mut out, &rules, &ids);
    let profiles_text = std::fs::read_to_string(rules_dir.join("profiles.toml")).unwrap();
    let profiles: ProfilesFile = toml::from_str(&profiles_text).unwrap_or_else(|e| panic!("rules/profiles.toml: {e}"));
    let mut profiles_out = String::new();
    write_profiles(&mut profiles_out, &profiles);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("catalogue.rs"), out).expect("write catalogue.rs");
    std::fs::write(out_dir.join("profiles.rs"), profiles_out).expect("write profiles.rs");
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    println!("cargo:rerun-if-changed={}", schemas.display());
    let mut models_out = String::new();
    models::write(&schemas, &mut models_out);
    std::fs::write(out_dir.join("models.rs"), models_out).expect("write models.rs");
}

/// `display-name-forbidden` → `DisplayNameForbidden`.
fn variant(id: &str) -> String {
    id.split('-').map(|w| w[..1].to_ascii_uppercase() + &w[1..]).collect()
}

fn strs(items: &[String]) -> String {
    format!("&[{}]", items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "))
}

fn opt(s: &Option<String>) -> String {
    s.as_ref().map_or("None".to_string(), |s| format!("Some({s:?})"))
}

fn write_rules(out: &mut String, rules: &[RuleFile], ids: &[&str]) {
    out.push_str("/// A rule of the catalogue, by id (one `rules/<id>.toml` each).\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum Rule {\n");
    for r in rules {
        writeln!(out, "    /// `{}`: {}", r.id, r.summary).unwrap();
        writeln!(out, "    {},", variant(&r.id)).unwrap();
    }
    out.push_str("}\n\nimpl Rule {\n    /// Every rule, in id order.\n");
    writeln!(out, "    pub const ALL: [Rule; {}] = [", rules.len()).unwrap();
    for r in rules {
        writeln!(out, "        Rule::{},", variant(&r.id)).unwrap();
    }
    out.push_str("    ];\n}\n\n");
    writeln!(out, "static INFO: [RuleInfo; {}] = [", rules.len()).unwrap();
    for r in rules {
        let file = format!("rules/{}.toml", r.id);
        let severity = match r.severity.as_str() {
            "error" => "Error",
            "warning" => "Warning",
            "hint" => "Hint",
            s => panic!("{file}: unknown severity `{s}` (error, warning, hint)"),
        };
        let fix = match r.fix.as_str() {
            "always" => "Always",
            "sometimes" => "Sometimes",
            "none" => "None",
            s => panic!("{file}: `fix` must be always, sometimes or none, not `{s}`"),
        };
        let fix_kind = match (r.fix.as_str(), r.fix_kind.as_deref()) {
            ("none", None) => "None".to_string(),
            ("none", Some(_)) => panic!("{file}: `fix_kind` makes no sense with `fix = \"none\"`"),
            (_, None) => {
                panic!("{file}: say which fixes it offers: `fix_kind = \"safe\"`, \"unsafe\" or \"safe-or-unsafe\"")
            }
            (_, Some("safe")) => "Some(FixKind::Safe)".to_string(),
            (_, Some("unsafe")) => "Some(FixKind::Unsafe)".to_string(),
            (_, Some("safe-or-unsafe")) => "Some(FixKind::SafeOrUnsafe)".to_string(),
            (_, Some(k)) => panic!("{file}: unknown fix_kind `{k}`"),
        };
        let contexts: Vec<String> = r
            .needs_context
            .iter()
            .map(|c| match c.as_str() {
                "auth" => "ContextKey::Auth".to_string(),
                "caller" => "ContextKey::Caller".to_string(),
                "domain" => "ContextKey::Domain".to_string(),
                "consumer_account" => "ContextKey::ConsumerAccount".to_string(),
                k => panic!("{file}: unknown context key `{k}`"),
            })
            .collect();
        let supersedes: Vec<String> = r
            .supersedes
            .iter()
            .map(|s| {
                assert!(ids.contains(&s.as_str()), "{file}: supersedes unknown rule `{s}`");
                format!("Rule::{}", variant(s))
            })
            .collect();
        let reported_by = match r.reported_by.as_deref() {
            None => "None",
            Some("send") => "Some(Reporter::Send)",
            Some(x) => panic!("{file}: unknown reported_by `{x}` (send)"),
        };
        let methods = methods(&file, &r.methods);
        writeln!(out, "    RuleInfo {{").unwrap();
        writeln!(out, "        id: {:?},", r.id).unwrap();
        writeln!(out, "        severity: Severity::{severity},").unwrap();
        writeln!(out, "        summary: {:?},", r.summary).unwrap();
        writeln!(out, "        constraints: {},", strs(&r.constraints)).unwrap();
        writeln!(out, "        methods: {methods},").unwrap();
        let profiles = r.profiles.as_ref().map_or("None".to_string(), |p| format!("Some({})", strs(p)));
        writeln!(out, "        profiles: {profiles},").unwrap();
        writeln!(out, "        needs_context: &[{}],", contexts.join(", ")).unwrap();
        writeln!(out, "        fix: FixOffer::{fix},").unwrap();
        writeln!(out, "        fix_kind: {fix_kind},").unwrap();
        writeln!(out, "        reported_by: {reported_by},").unwrap();
        writeln!(out, "        supersedes: &[{}],", supersedes.join(", ")).unwrap();
        writeln!(out, "        what: {:?},", r.what).unwrap();
        writeln!(out, "        why: {:?},", r.why).unwrap();
        writeln!(out, "        how_to_fix: {:?},", r.how_to_fix).unwrap();
        out.push_str("        sources: &[\n");
        for s in &r.sources {
            writeln!(out, "            Source {{ quote: {:?}, from: {:?} }},", s.quote, s.from).unwrap();
        }
        out.push_str("        ],\n        examples: &[\n");
        for e in &r.examples {
            let context = e.context.as_ref().map(|t| toml::to_string(t).expect("context as TOML"));
            let params = e.params.as_ref().map(|t| toml::to_string(t).expect("params as TOML"));
            writeln!(
                out,
                "            Example {{ valid: {}, method: {:?}, profile: {}, context: {}, params: {}, note: {}, body: {:?}, other: {} }},",
                e.valid,
                e.method,
                opt(&e.profile),
                opt(&context),
                opt(&params),
                opt(&e.note),
                e.body,
                opt(&e.other)
            )
            .unwrap();
        }
        out.push_str("        ],\n    },\n");
    }
    out.push_str("];\n\n");
}

/// A rule doc's `methods` as a `Methods` expression: `"all"`, a list of
/// method names, or `{ phase = …, holds = … }` (each a word or a list).
/// Names are checked against the table by tests/catalogue.rs (the build
/// script cannot see the table).
fn methods(file: &str, v: &toml::Value) -> String {
    let words = |key: &str, v: &toml::Value| -> Vec<String> {
        match v {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().unwrap_or_else(|| panic!("{file}: `methods.{key}` lists a non-string")).to_string())
                .collect(),
            _ => panic!("{file}: `methods.{key}` must be a word or a list of words"),
        }
    };
    match v {
        toml::Value::String(s) if s == "all" => "Methods::All".to_string(),
        toml::Value::Array(_) => {
            let names = words("", v);
            assert!(!names.is_empty(), "{file}: `methods` is empty");
            format!("Methods::Named({})", strs(&names))
        }
        toml::Value::Table(t) => {
            let mut phases = Vec::new();
            let mut holds = Vec::new();
            for (key, value) in t {
                for w in words(key, value) {
                    match (key.as_str(), w.as_str()) {
                        ("phase", "create") => phases.push("Phase::Create"),
                        ("phase", "update") => phases.push("Phase::Update"),
                        ("phase", "delete") => phases.push("Phase::Delete"),
                        ("holds", "space") => holds.push("Holds::Space"),
                        ("holds", "membership") => holds.push("Holds::Membership"),
                        ("phase", _) => panic!("{file}: unknown phase `{w}` (create, update, delete)"),
                        ("holds", _) => panic!("{file}: unknown `holds` `{w}` (space, membership)"),
                        _ => panic!("{file}: `methods` takes `phase` and `holds`, not `{key}`"),
                    }
                }
            }
            assert!(!t.is_empty(), "{file}: `methods = {{}}` names no group");
            format!("Methods::Group {{ phases: &[{}], holds: &[{}] }}", phases.join(", "), holds.join(", "))
        }
        _ => panic!("{file}: `methods` is \"all\", a list of method names, or {{ phase = …, holds = … }}"),
    }
}

fn write_profiles(out: &mut String, file: &ProfilesFile) {
    let names: Vec<&String> = file.profile.keys().collect();
    let default = names
        .iter()
        .position(|n| **n == file.default)
        .unwrap_or_else(|| panic!("rules/profiles.toml: the default `{}` is not a profile", file.default));
    writeln!(out, "const DEFAULT_PROFILE: usize = {default};").unwrap();
    writeln!(out, "static PROFILES: [Profile; {}] = [", names.len()).unwrap();
    for (name, p) in &file.profile {
        let missing: Vec<String> = p
            .missing_fields
            .iter()
            .map(|f| {
                let (m, field) =
                    f.split_once('.').unwrap_or_else(|| panic!("rules/profiles.toml: `{f}` is not Message.field"));
                format!("({m:?}, {field:?})")
            })
            .collect();
        writeln!(
            out,
            "    Profile {{ name: {name:?}, summary: {:?}, source: {:?}, max_memberships: {}, display_name_max: {}, \
             description_max: {}, guidelines_max: {}, email_aliases: {}, google_groups: {}, external_users: {}, \
             admin_permission_settings: {}, missing_fields: &[{}] }},",
            p.summary,
            p.source,
            p.max_memberships,
            p.display_name_max,
            p.description_max,
            p.guidelines_max,
            p.email_aliases,
            p.google_groups,
            p.external_users,
            p.admin_permission_settings,
            missing.join(", ")
        )
        .unwrap();
    }
    out.push_str("];\n");
}
