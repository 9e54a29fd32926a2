//! `schemas/` is what the generator makes from the vendored discovery
//! document, the vendored copy is the one its README records, and the schemas work
//! on their own in any JSON Schema 2020-12 validator.

use gen_schemas::{DISCOVERY_PATH, OUTPUT_DIR, OVERLAY_PATH, generate};
use std::path::Path;

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[test]
fn schemas_are_up_to_date() {
    let discovery = std::fs::read_to_string(repo(DISCOVERY_PATH)).unwrap();
    let overlay = std::fs::read_to_string(repo(OVERLAY_PATH)).unwrap();
    let files = generate(&discovery, &overlay).unwrap();
    assert_eq!(files.len(), chatlint_engine::Method::all().count());
    for (name, text) in files {
        let on_disk = std::fs::read_to_string(repo(OUTPUT_DIR).join(&name)).unwrap_or_default();
        assert!(on_disk == text, "schemas/{name} is stale: run `cargo run --bin gen-schemas` and commit the result");
    }
}

/// schemas/source/README.md records where the vendored discovery document
/// came from and its sha256; the file must still be the one recorded.
#[test]
fn vendored_discovery_document_is_the_one_recorded() {
    let record = std::fs::read_to_string(repo("schemas/source/README.md")).unwrap();
    let line = record
        .lines()
        .find(|l| l.starts_with("| sha256 of the file here |"))
        .expect("schemas/source/README.md records the sha256 of the file here");
    let recorded = line.split('`').nth(1).expect("the hash is in backticks");
    let vendored = std::fs::read(repo(DISCOVERY_PATH)).unwrap();
    let actual: String = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &vendored)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        actual == recorded,
        "{DISCOVERY_PATH} has sha256 {actual}, schemas/source/README.md records {recorded}: \
         update the record (where the file came from, its revision, both hashes)"
    );
    let revision = serde_json::from_slice::<serde_json::Value>(&vendored).unwrap()["revision"].clone();
    assert!(
        record.contains(&format!("`\"revision\": {revision}`")),
        "schemas/source/README.md does not name the vendored revision {revision}"
    );
}

#[test]
fn schemas_stand_alone_in_a_plain_validator() {
    let load =
        |p: &str| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(repo(p)).unwrap()).unwrap() };
    let setup = jsonschema::validator_for(&load("schemas/spaces.setup.schema.json")).unwrap();
    let configs = chatlint_workspace::ConfigCache::new(None, Default::default()).unwrap();
    let mut files = vec![repo("examples/valid")];
    let mut checked = 0;
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if p.extension().is_none_or(|e| e != "json") {
            continue;
        }
        checked += 1;
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        // Named by method, or a bare body whose method the config gives.
        let method = chatlint_engine::Method::from_file_name(&p)
            .or_else(|| configs.for_file(&p).unwrap().method_for(&p))
            .unwrap_or_else(|| panic!("{}: the example's method is in its name or chatlint.toml", p.display()));
        let schema = load(&format!("schemas/{}.schema.json", method.name()));
        // A request file may be the bare body: validate it against the
        // message of the form the engine reads it in.
        let root = chatlint_engine::parse_document(&std::fs::read_to_string(&p).unwrap(), method).unwrap().layout.root;
        let mut schema = schema.clone();
        if schema["$ref"] != format!("#/$defs/{root}") {
            schema["$ref"] = serde_json::json!(format!("#/$defs/{root}"));
            schema.as_object_mut().unwrap().remove("required");
        }
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
    assert!(checked >= 10, "only {checked} examples");
    let bad = serde_json::json!({"space": {"spaceType": "ROOM", "colour": 1}});
    let errors: Vec<String> = setup.iter_errors(&bad).map(|e| e.to_string()).collect();
    assert!(errors.iter().any(|e| e.contains("ROOM")) && errors.iter().any(|e| e.contains("colour")), "{errors:?}");
}
