//! Each method's typed model as Rust: the messages, fields, enums, oneofs
//! and required fields of `schemas/<method>.schema.json` (which
//! tools/gen-schemas generates), written as the expressions that build
//! `crate::model::Model`. The engine then parses no schema when it starts.

use crate::case::to_snake_case;
use serde_json::Value;
use std::fmt::Write;
use std::path::Path;

/// `models.rs`: `fn model(method: Method) -> Model`, one arm per schema.
pub fn write(schemas: &Path, out: &mut String) {
    let mut files: Vec<_> = std::fs::read_dir(schemas)
        .unwrap_or_else(|e| panic!("{}: {e}", schemas.display()))
        .map(|e| e.expect("readable schemas/ entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    files.sort();
    out.push_str("/// The model of `schemas/<method>.schema.json`.\n");
    out.push_str("pub(super) fn model(method: Method) -> Model {\n    match method.name() {\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().trim_end_matches(".schema.json").to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("schemas/{name}: {e}"));
        writeln!(out, "        {name:?} => {},", model(&schema)).unwrap();
    }
    out.push_str("        other => unreachable!(\"no schema for {other}\"),\n    }\n}\n");
}

fn model(schema: &Value) -> String {
    let root = schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")).expect("root $ref");
    let revision = schema["x-discoveryRevision"].as_str().unwrap_or_default();
    let mut messages = String::new();
    for (name, def) in sorted(&schema["$defs"]) {
        write!(messages, "(s({name:?}), {}), ", message(name, def)).unwrap();
    }
    let mut required = Vec::new();
    collect_required(schema, schema, "", &mut required);
    format!(
        "Model {{ method, root: s({root:?}), revision: s({revision:?}), messages: [{messages}].into_iter().collect(), required: vec![{}] }}",
        strings(required.iter().map(String::as_str))
    )
}

/// An object's members by name (the order serde_json's map gives without
/// `preserve_order`, which the runtime reading of the schema had).
fn sorted(v: &Value) -> Vec<(&String, &Value)> {
    let mut members: Vec<_> = v.as_object().into_iter().flatten().collect();
    members.sort_by(|a, b| a.0.cmp(b.0));
    members
}

fn strings<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(|x| format!("s({x:?}), ")).collect()
}

fn collect_required(schema: &Value, node: &Value, pointer: &str, out: &mut Vec<String>) {
    if let Some(req) = node["required"].as_array() {
        out.extend(req.iter().filter_map(Value::as_str).map(|f| format!("{pointer}/{f}")));
    }
    // Only the root and the properties of the root message carry `required`.
    if pointer.is_empty()
        && let Some(def) = node["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/"))
    {
        for (k, v) in sorted(&schema["$defs"][def]["properties"]) {
            if v.get("required").is_some() {
                collect_required(schema, v, &format!("/{k}"), out);
            }
        }
    }
}

fn message(name: &str, def: &Value) -> String {
    let mut fields = String::new();
    for (key, prop) in sorted(&def["properties"]) {
        let repeated = type_includes(prop, "array");
        let item = if repeated { &prop["items"] } else { prop };
        write!(
            fields,
            "Field {{ name: s({key:?}), proto_name: s({:?}), description: s({:?}), kind: {}, repeated: {repeated}, read_only: {}, deprecated: {} }}, ",
            to_snake_case(key),
            prop["description"].as_str().unwrap_or_default(),
            kind(item),
            prop["readOnly"].as_bool().unwrap_or(false),
            prop["deprecated"].as_bool().unwrap_or(false),
        )
        .unwrap();
    }
    let oneofs: String = sorted(&def["x-oneofs"])
        .into_iter()
        .map(|(k, v)| {
            let members = strings(v.as_array().into_iter().flatten().filter_map(Value::as_str));
            format!("(s({k:?}), vec![{members}]), ")
        })
        .collect();
    format!(
        "Message {{ name: s({name:?}), description: s({:?}), fields: vec![{fields}], oneofs: vec![{oneofs}] }}",
        def["description"].as_str().unwrap_or_default()
    )
}

fn kind(prop: &Value) -> String {
    if let Some(r) = prop["$ref"].as_str() {
        return format!("Kind::Message(s({:?}))", r.trim_start_matches("#/$defs/"));
    }
    if prop["x-enumNumbers"].is_object() {
        let descriptions = &prop["x-enumDescriptions"];
        let mut values: Vec<(&String, i64)> = sorted(&prop["x-enumNumbers"])
            .into_iter()
            .map(|(name, n)| (name, n.as_i64().unwrap_or_default()))
            .collect();
        // By number; a stable sort keeps names in order where numbers tie.
        values.sort_by_key(|v| v.1);
        let values: String = values
            .into_iter()
            .map(|(name, number)| {
                let description = descriptions[name].as_str().unwrap_or_default();
                format!("EnumValue {{ name: s({name:?}), number: {number}, description: s({description:?}) }}, ")
            })
            .collect();
        return format!("Kind::Enum(EnumType {{ values: vec![{values}] }})");
    }
    if type_includes(prop, "boolean") {
        "Kind::Bool".into()
    } else if type_includes(prop, "integer") {
        "Kind::Int32".into()
    } else if prop["format"] == "date-time" {
        "Kind::Timestamp".into()
    } else if prop["x-fieldMask"] == true {
        "Kind::FieldMask".into()
    } else {
        "Kind::String".into()
    }
}

fn type_includes(prop: &Value, t: &str) -> bool {
    match &prop["type"] {
        Value::String(s) => s == t,
        Value::Array(a) => a.iter().any(|x| x == t),
        _ => false,
    }
}
