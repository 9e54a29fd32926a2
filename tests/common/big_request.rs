//! A spaces.setup request of a given size, for tests of large documents.

/// A spaces.setup request of about `target` bytes: a named space and as
/// many memberships as it takes.
pub fn big_request(target: usize) -> String {
    let mut s = String::from(
        "{\n  \"requestId\": \"0f8b2c1e-9d4a-4c3b-8e2f-6a7b5c4d3e21\",\n  \"space\": { \"spaceType\": \"SPACE\", \"displayName\": \"Big\" },\n  \"memberships\": [\n",
    );
    let mut i = 0;
    while s.len() < target {
        s.push_str(&format!(
            "    {{ \"member\": {{ \"name\": \"users/{:09}\", \"type\": \"HUMAN\" }} }},\n",
            100_000_000 + i
        ));
        i += 1;
    }
    s.push_str("    { \"member\": { \"name\": \"users/1\", \"type\": \"HUMAN\" } }\n  ]\n}\n");
    s
}
