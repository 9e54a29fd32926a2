//! `chatlint lsp` with a real, independent client: headless neovim runs
//! tests/nvim/lsp_client.lua, which opens request files, and this test
//! asserts what it received.
//!
//! It needs `nvim`, so it is `#[ignore]`d: plain `cargo test` reports it as
//! ignored, never as passed. `.ci/run` installs neovim and runs it with
//! `cargo test -- --ignored`; run that way without `nvim` on PATH, it fails
//! and says how to install it.

#![cfg(feature = "lsp")]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nvim_available() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_nvim(dir: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nvim/lsp_client.lua");
    let out = dir.join("out.json");
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir)
        .env("LSP_BIN", env!("CARGO_BIN_EXE_chatlint"))
        .env("FIXTURE", dir.join("group-chat.setup.json"))
        .env("NEWFILE", dir.join("new.setup.json"))
        .env("OUT", &out)
        // nvim writes logs and state under these, even with -i NONE.
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        let mut err = String::new();
        let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
        panic!("nvim wrote no result ({e}); stderr:\n{err}")
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad result JSON ({e}): {text}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

#[test]
#[ignore = "needs neovim (nvim on PATH; installed by .ci/run); run with cargo test -- --ignored"]
fn neovim_gets_diagnostics_hover_completion_and_a_quick_fix() {
    assert!(
        nvim_available(),
        "this test needs neovim, and `nvim` is not on PATH: install it (`apt-get install neovim`, as .ci/run does), \
         then run `cargo test --test lsp_nvim -- --ignored`"
    );
    let dir = tempfile::tempdir().unwrap();
    // A group chat with a name, and a `people/` member name after an emoji
    // on the same line (UTF-16 columns differ from bytes and characters).
    let fixture = r#"{
  "space": {
    "spaceType": "GROUP_CHAT",
    "displayName": "Weekly sync"
  },
  "memberships": [
    { "member": { "displayName": "Ana 🚀", "name": "people/123456789", "type": "HUMAN" } }
  ]
}
"#;
    std::fs::write(dir.path().join("group-chat.setup.json"), fixture).unwrap();
    std::fs::write(dir.path().join("new.setup.json"), "{\n  \"space\": {\n    \"spaceType\": \n  }\n}\n").unwrap();

    let r = run_nvim(dir.path());
    assert_eq!(r["ok"], true, "the client script failed: {r}");
    let steps = strings(&r["steps"]);
    assert_eq!(steps, ["diagnostics", "hover", "code action", "completion"], "{r}");

    // Diagnostics: the engine's rule ids, at the engine's ranges.
    let expected =
        chatlint_engine::lint(fixture, chatlint_engine::Method::Setup, &chatlint_engine::Settings::default());
    let got = r["diagnostics"].as_array().unwrap();
    assert_eq!(got.len(), expected.len(), "{r}");
    let index = chatlint_engine::line_index::LineIndex::new(fixture);
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g["code"], e.rule.id());
        assert_eq!(g["source"], "chatlint");
        let (l0, c0) = index.utf16_position(fixture, e.range.start);
        let (l1, c1) = index.utf16_position(fixture, e.range.end);
        assert_eq!(g["range"]["start"]["line"], l0, "{}", e.rule);
        assert_eq!(g["range"]["start"]["character"], c0, "{}", e.rule);
        assert_eq!(g["range"]["end"]["line"], l1, "{}", e.rule);
        assert_eq!(g["range"]["end"]["character"], c1, "{}", e.rule);
    }
    let codes: Vec<&str> = got.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"display-name-forbidden") && codes.contains(&"user-name-format"), "{codes:?}");

    // Hover on `spaceType`.
    let hover = r["hover"].as_str().unwrap_or_default();
    for want in ["`spaceType`", "enum", "`SPACE`", "`GROUP_CHAT`", "`DIRECT_MESSAGE`"] {
        assert!(hover.contains(want), "hover lacks {want}: {hover}");
    }

    // The quick fix, applied by neovim, and the server's new diagnostics.
    let fixed = r["fixed_text"].as_str().unwrap_or_else(|| panic!("no quick fix applied: {r}"));
    assert!(fixed.contains("\"users/123456789\"") && !fixed.contains("people/"), "{fixed}");
    let after: Vec<&str> = r["after_fix"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(!after.contains(&"user-name-format") && after.contains(&"display-name-forbidden"), "{after:?}");

    // Completion: property names inside `space`, the space types as values.
    let keys = strings(&r["keys"]);
    assert!(keys.contains(&"displayName") && !keys.contains(&"spaceType"), "{keys:?}");
    assert_eq!(strings(&r["values"]), ["DIRECT_MESSAGE", "GROUP_CHAT", "SPACE"]);
}
