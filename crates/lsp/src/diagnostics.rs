//! chatlint findings as LSP diagnostics.

use super::position::Mapper;
use chatlint_engine::diagnostic::{Diagnostic, Severity, TextRange};
use tower_lsp_server::ls_types::{self, CodeDescription, DiagnosticSeverity, NumberOrString, Uri};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "chatlint";

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// One finding, with its rule id as `code` and the rule's doc as
/// `codeDescription`; the help sentence follows the message; the other
/// places it is about (an update's mask path) are `relatedInformation` in
/// the same document.
pub fn to_lsp(d: &Diagnostic, uri: &Uri, map: &Mapper) -> ls_types::Diagnostic {
    let related: Vec<ls_types::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| ls_types::DiagnosticRelatedInformation {
            location: ls_types::Location { uri: uri.clone(), range: map.range(r.range) },
            message: r.message.clone(),
        })
        .collect();
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    ls_types::Diagnostic {
        range: map.range(d.range),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.id().to_string())),
        code_description: d.rule.info().docs_url().parse::<Uri>().ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        data: (!d.pointer.is_empty()).then(|| serde_json::json!({ "pointer": d.pointer })),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// A problem with the set-up rather than the request (a broken
/// chatlint.toml, a file over the size limit), shown at the top.
pub fn notice(severity: DiagnosticSeverity, message: String, map: &Mapper) -> ls_types::Diagnostic {
    ls_types::Diagnostic {
        range: map.range(TextRange::new(0, 0)),
        severity: Some(severity),
        source: Some(SOURCE.to_string()),
        message,
        ..Default::default()
    }
}
