//! The RepoUrlPicker's value, as Backstage writes it: `host?owner=o&repo=r` (the parts
//! percent-encoded), read back into its parts and checked against the field's
//! `allowedHosts`, `allowedOwners` and `allowedRepos`.

use serde_json::Value;

use super::schema::Field;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoUrl {
    pub host: String,
    pub owner: String,
    pub repo: String,
}

impl RepoUrl {
    pub fn parse(value: &str) -> RepoUrl {
        let (host, query) = value.split_once('?').unwrap_or((value, ""));
        let mut url = RepoUrl {
            host: host.to_string(),
            ..RepoUrl::default()
        };
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = backlot_text::percent::decode(v);
            match k {
                "owner" => url.owner = v,
                "repo" => url.repo = v,
                _ => {}
            }
        }
        url
    }

    pub fn to_value(&self) -> String {
        let enc = backlot_text::percent::encode;
        format!(
            "{}?owner={}&repo={}",
            self.host,
            enc(&self.owner),
            enc(&self.repo)
        )
    }

    pub fn is_incomplete(&self) -> bool {
        self.host.is_empty() || self.owner.is_empty() || self.repo.is_empty()
    }

    /// What the field's options refuse, if anything.
    pub fn problem(&self, field: &Field) -> Option<String> {
        let allowed = |key: &str| -> Option<Vec<String>> {
            field.option(key).and_then(Value::as_array).map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
        };
        if self.is_incomplete() {
            return Some("Host, owner and repository are all needed.".into());
        }
        for (key, part, what) in [
            ("allowedHosts", &self.host, "host"),
            ("allowedOwners", &self.owner, "owner"),
            ("allowedRepos", &self.repo, "repository"),
        ] {
            if let Some(list) = allowed(key)
                && !list.is_empty()
                && !list.contains(part)
            {
                return Some(format!("The {what} must be one of: {}.", list.join(", ")));
            }
        }
        if !valid_part(&self.owner) || !valid_part(&self.repo) {
            return Some("Owner and repository: letters, digits, -, _ and . only.".into());
        }
        None
    }
}

fn valid_part(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

    use super::*;
    use crate::form::schema::page;
    use serde_json::json;

    #[test]
    fn the_value_round_trips_and_the_options_are_enforced() {
        let url = RepoUrl::parse("github.com?owner=parcelpine&repo=route-planner");
        assert_eq!(
            url,
            RepoUrl {
                host: "github.com".into(),
                owner: "parcelpine".into(),
                repo: "route-planner".into()
            }
        );
        assert_eq!(
            url.to_value(),
            "github.com?owner=parcelpine&repo=route-planner"
        );
        let p = page(
            &json!({"properties": {"repoUrl": {"type": "string", "ui:field": "RepoUrlPicker",
                "ui:options": {"allowedHosts": ["github.com"], "allowedOwners": ["parcelpine"]}}}}),
            &json!({}),
        );
        let field = &p.fields[0];
        assert_eq!(url.problem(field), None);
        assert_eq!(
            RepoUrl::parse("gitlab.com?owner=parcelpine&repo=x").problem(field),
            Some("The host must be one of: github.com.".into())
        );
        assert_eq!(
            RepoUrl::parse("github.com?owner=someone&repo=x").problem(field),
            Some("The owner must be one of: parcelpine.".into())
        );
        assert!(RepoUrl::parse("github.com?owner=parcelpine").is_incomplete());
        assert!(
            RepoUrl::parse("github.com?owner=parcelpine&repo=a%20b")
                .problem(field)
                .is_some()
        );
    }
}
