//! What the palette offers: the app's actions (pages, plugins' actions, sync, theme) matched
//! fuzzily, and the search index's hits.

use backlot_model::ipc::ThemePreference;
use backlot_model::search::{SearchHit, TYPE_API, TYPE_DOCS, TYPE_ENTITY};
use backlot_plugin_api::PluginRegistry;
use backlot_plugin_api::routing::build_query;

/// What choosing an entry does.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    Go(String),
    SyncNow,
    Theme(ThemePreference),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub label: String,
    pub keywords: String,
    pub run: Run,
}

/// One row of the palette.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Action(Action),
    Hit(SearchHit),
}

/// The palette's type filter (Tab goes to the next).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    All,
    Actions,
    Entities,
    Docs,
    Apis,
}

impl Filter {
    pub fn next(self) -> Self {
        match self {
            Filter::All => Filter::Actions,
            Filter::Actions => Filter::Entities,
            Filter::Entities => Filter::Docs,
            Filter::Docs => Filter::Apis,
            Filter::Apis => Filter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Actions => "Actions",
            Filter::Entities => "Entities",
            Filter::Docs => "Docs",
            Filter::Apis => "APIs",
        }
    }

    /// The search types this filter asks for; `None`: no search (actions only).
    pub fn search_types(self) -> Option<Vec<String>> {
        match self {
            Filter::All => Some(Vec::new()),
            Filter::Actions => None,
            Filter::Entities => Some(vec![TYPE_ENTITY.into()]),
            Filter::Docs => Some(vec![TYPE_DOCS.into()]),
            Filter::Apis => Some(vec![TYPE_API.into()]),
        }
    }

    pub fn shows_actions(self) -> bool {
        matches!(self, Filter::All | Filter::Actions)
    }
}

/// Every action the app offers now.
pub fn actions(registry: &PluginRegistry) -> Vec<Action> {
    let mut out: Vec<Action> = registry
        .nav_entries()
        .into_iter()
        .map(|(plugin, nav)| Action {
            label: format!("Go to {}", nav.label),
            keywords: format!("{} page open", plugin.id),
            run: Run::Go(nav.path.to_string()),
        })
        .collect();
    for plugin in registry.plugins() {
        out.extend(plugin.actions.iter().map(|a| Action {
            label: a.label.to_string(),
            keywords: a.keywords.to_string(),
            run: Run::Go(a.to.to_string()),
        }));
    }
    let fixed = [
        ("Sync now", "team backend refresh pull", Run::SyncNow),
        (
            "Settings: Team backend",
            "sign in token backstage url",
            Run::Go("/settings".into()),
        ),
        (
            "Settings: Credentials",
            "keychain secrets github token",
            Run::Go("/settings".into()),
        ),
        (
            "Theme: Dark",
            "appearance colour color night",
            Run::Theme(ThemePreference::Dark),
        ),
        (
            "Theme: Light",
            "appearance colour color day",
            Run::Theme(ThemePreference::Light),
        ),
        (
            "Theme: System",
            "appearance colour color auto",
            Run::Theme(ThemePreference::System),
        ),
    ];
    out.extend(fixed.into_iter().map(|(label, keywords, run)| Action {
        label: label.into(),
        keywords: keywords.into(),
        run,
    }));
    out
}

/// How well `query` matches `action` (higher is better), `None` when it does not: every
/// query character in order (a subsequence), better at word starts and in a row.
pub fn score(action: &Action, query: &str) -> Option<i32> {
    let query: Vec<char> = query
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if query.is_empty() {
        return Some(0);
    }
    [&action.label, &action.keywords]
        .iter()
        .enumerate()
        .filter_map(|(i, text)| subsequence(&text.to_lowercase(), &query).map(|s| s - i as i32 * 5))
        .max()
}

fn subsequence(text: &str, query: &[char]) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    let (mut q, mut score, mut last) = (0, 0i32, None::<usize>);
    for (i, c) in chars.iter().enumerate() {
        if q < query.len() && *c == query[q] {
            let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
            score += 1
                + if word_start { 4 } else { 0 }
                + if last == Some(i.wrapping_sub(1)) {
                    3
                } else {
                    0
                };
            last = Some(i);
            q += 1;
        }
    }
    (q == query.len()).then_some(score)
}

/// The actions matching `query`, best first (all of them, in order, when it is empty).
pub fn matching(actions: &[Action], query: &str, at_most: usize) -> Vec<Action> {
    let mut scored: Vec<(i32, usize, &Action)> = actions
        .iter()
        .enumerate()
        .filter_map(|(i, a)| score(a, query).map(|s| (s, i, a)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<Action> = scored
        .into_iter()
        .take(at_most)
        .map(|(_, _, a)| a.clone())
        .collect();
    let query = query.trim();
    if !query.is_empty() {
        out.push(Action {
            label: format!("Search everything for “{query}”"),
            keywords: String::new(),
            run: Run::Go(format!("/search{}", build_query([("q", query)]))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn action(label: &str) -> Action {
        Action {
            label: label.into(),
            keywords: String::new(),
            run: Run::SyncNow,
        }
    }

    #[wasm_bindgen_test]
    fn fuzzy_prefers_word_starts_and_runs() {
        let all = [
            action("Go to Catalog"),
            action("Theme: Dark"),
            action("Go to Docs"),
        ];
        let best = matching(&all, "docs", 5);
        assert_eq!(best[0].label, "Go to Docs");
        assert!(score(&action("Theme: Dark"), "thd").is_some());
        assert!(score(&action("Theme: Dark"), "xyz").is_none());
        assert_eq!(matching(&all, "gtc", 5)[0].label, "Go to Catalog");
        assert_eq!(
            matching(&all, "", 5).len(),
            3,
            "everything, no search entry"
        );
        assert!(
            matching(&all, "dark", 5)
                .last()
                .unwrap()
                .label
                .starts_with("Search everything")
        );
    }
}
