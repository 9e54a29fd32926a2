//! Requests of one batch that share a requestId but ask for different
//! things. The API returns the space of the first request it saw with an
//! id and ignores the details of every later one (constraints S28, C13), so
//! such a batch cannot end as its files say: the later file's members,
//! name and settings would silently never be applied. The same request
//! twice under one id is fine (the second returns the first's space).

use super::request::Planned;
use chatlint_engine::method::ParamKey;

/// Files that share a requestId but ask for different requests.
#[derive(Debug, PartialEq, Eq)]
pub struct Conflict {
    pub request_id: String,
    /// Indices into the plans, in batch order.
    pub plans: Vec<usize>,
}

/// The conflicts of a batch, in the order of their first file. Only methods
/// that send a requestId take part.
pub fn find(plans: &[Planned]) -> Vec<Conflict> {
    let mut groups: Vec<Conflict> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if !p.method.spec().params.iter().any(|param| param.key == ParamKey::RequestId) {
            continue;
        }
        match groups.iter_mut().find(|g| g.request_id == p.request_id) {
            Some(g) => g.plans.push(i),
            None => groups.push(Conflict { request_id: p.request_id.clone(), plans: vec![i] }),
        }
    }
    groups.retain(|g| {
        let first = &plans[g.plans[0]];
        g.plans.iter().any(|&i| !same_request(first, &plans[i]))
    });
    groups
}

/// Whether two plans ask for the same request.
pub fn same_request(a: &Planned, b: &Planned) -> bool {
    a.method == b.method && a.asks == b.asks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checked, Item};
    use chatlint_engine::Method;
    use reqwest::Url;

    fn plans(files: &[(&str, Method, &str)]) -> Vec<Planned> {
        let endpoint = Url::parse("https://chat.googleapis.com").unwrap();
        files
            .iter()
            .enumerate()
            .map(|(i, (name, method, text))| {
                let item = Item {
                    name: name.to_string(),
                    method: Some(*method),
                    text: text.to_string(),
                    checked: Checked::Passed,
                    params: chatlint_engine::Params::default(),
                };
                crate::request::plan(i, &item, &endpoint).unwrap()
            })
            .collect()
    }

    #[test]
    fn same_id_different_request() {
        let a = r#"{"requestId":"X","space":{"spaceType":"SPACE","displayName":"A"}}"#;
        let a_again = "{ \"space\": { \"display_name\": \"A\", \"spaceType\": \"SPACE\" },\n \"request_id\": \"X\" }";
        let b = r#"{"requestId":"X","space":{"spaceType":"SPACE","displayName":"B"}}"#;
        let c = r#"{"requestId":"Y","space":{"spaceType":"SPACE","displayName":"B"}}"#;
        let ok = plans(&[("a", Method::Setup, a), ("a2", Method::Setup, a_again), ("c", Method::Setup, c)]);
        assert_eq!(find(&ok), []);
        let clash = plans(&[("a", Method::Setup, a), ("c", Method::Setup, c), ("b", Method::Setup, b)]);
        assert_eq!(find(&clash), [Conflict { request_id: "X".into(), plans: vec![0, 2] }]);
        // Derived ids never clash with each other: they are the content's.
        let space = r#"{"spaceType":"SPACE","displayName":"A"}"#;
        let derived = plans(&[("s", Method::Create, space), ("t", Method::Create, space)]);
        assert_eq!(find(&derived), []);
        // A pinned id that is another file's derived id does.
        let pinned = format!(r#"{{"requestId":"{}","space":{{"spaceType":"SPACE"}}}}"#, derived[0].request_id);
        let mixed = plans(&[("s", Method::Create, space), ("p", Method::Setup, &pinned)]);
        assert_eq!(find(&mixed).len(), 1);
    }
}
