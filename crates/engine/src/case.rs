//! Proto field names and their JSON names, both ways. Kept free of the
//! crate's types: the build script uses it too (to generate the models).

/// `spaceType` → `space_type`: how protoc derives JSON names, reversed.
pub fn to_snake_case(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `display_name` → `displayName`: the JSON name of a proto field name (a
/// name without `_` is kept).
pub fn to_camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
