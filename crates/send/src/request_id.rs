//! The stable `requestId` of a file that sets none.
//!
//! Google's idempotency (constraints S28, C13): a request whose requestId was
//! seen before returns the space created then, and creates nothing. So the
//! id must be the same every time the same request is sent. chatlint derives
//! it as a UUID version 5 (SHA-1, RFC 9562) in the URL namespace of the
//! file's *canonical* body (the value the ProtoJSON reader produces:
//! lowerCamelCase keys, enum names, unset values left out; compact JSON with
//! keys sorted, so reordering members keeps the id too). This is the same id the `request-id-not-uuid`
//! fix writes into a file, so pinning the id after a send keeps it.
//!
//! Consequences (documented in docs/send.md): reformatting the file,
//! renaming or moving it, or switching between snake_case and camelCase
//! keeps the id; changing what the request asks for (a member, the
//! displayName) gives a new id, so the changed request creates a new space.
//! Two files with the same body share an id, and the second returns the
//! first's space.

use chatlint_engine::Document;

/// The derived requestId of a parsed request body.
pub fn derive(doc: &Document) -> String {
    doc.derived_request_id()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatlint_engine::Method;

    fn id(text: &str, method: Method) -> String {
        derive(&chatlint_engine::parse_document(text, method).unwrap())
    }

    #[test]
    fn stable_across_spelling_and_layout_distinct_across_content() {
        let a = id(r#"{"space":{"spaceType":"SPACE","displayName":"Eng"}}"#, Method::Setup);
        let same = id(
            "{\n  \"space\": { \"space_type\": \"SPACE\",\n \"display_name\": \"Eng\" }, \"requestId\": \"\" }",
            Method::Setup,
        );
        assert_eq!(a, same);
        assert_ne!(a, id(r#"{"space":{"spaceType":"SPACE","displayName":"Ops"}}"#, Method::Setup));
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 5);
    }
}
