//! The user's stars and recently visited entities, and the problems recorded for an
//! entity's catalog file.

use backlot_model::ingest::IngestProblem;
use backlot_model::ipc::StarredEntities;
use backlot_model::query::EntitySummary;
use rusqlite::{OptionalExtension, params};

use super::Store;
use super::details::ref_key;
use super::query::{SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row};
use crate::error::Result;

/// Recent visits kept; older ones are forgotten.
const RECENT_KEPT: i64 = 50;
const RECENT_DEFAULT: u32 = 10;

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Store {
    /// Stars or unstars `entity_ref` (which need not be in the catalog now) and returns the
    /// starred entities.
    pub fn set_starred(&self, entity_ref: &str, starred: bool) -> Result<StarredEntities> {
        let key = ref_key(entity_ref)?;
        if starred {
            self.conn.execute(
                "INSERT INTO stars (entity_ref, starred_at) VALUES (?1, ?2) ON CONFLICT (entity_ref) DO NOTHING",
                params![key, now_millis()],
            )?;
        } else {
            self.conn
                .execute("DELETE FROM stars WHERE entity_ref = ?1", [key])?;
        }
        self.starred()
    }

    pub fn is_starred(&self, entity_ref: &str) -> Result<bool> {
        let key = ref_key(entity_ref)?;
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM stars WHERE entity_ref = ?1")?
            .exists([key])?)
    }

    /// Starred entities, most recently starred first; refs no longer in the catalog apart.
    pub fn starred(&self) -> Result<StarredEntities> {
        self.snapshot(|| {
            let refs: Vec<String> = self
                .conn
                .prepare_cached(
                    "SELECT entity_ref FROM stars ORDER BY starred_at DESC, entity_ref",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let (items, missing) = self.summaries_by_ref(&refs)?;
            Ok(StarredEntities { items, missing })
        })
    }

    /// Remembers that the entity's page was opened now.
    pub fn record_visit(&self, entity_ref: &str) -> Result<()> {
        let key = ref_key(entity_ref)?;
        self.conn.execute(
            "INSERT INTO recent_visits (entity_ref, visited_at) VALUES (?1, ?2)
             ON CONFLICT (entity_ref) DO UPDATE SET visited_at = excluded.visited_at",
            params![key, now_millis()],
        )?;
        self.conn.execute(
            "DELETE FROM recent_visits WHERE entity_ref NOT IN
               (SELECT entity_ref FROM recent_visits ORDER BY visited_at DESC LIMIT ?1)",
            [RECENT_KEPT],
        )?;
        Ok(())
    }

    /// The most recently visited entities still in the catalog, newest first.
    pub fn recent(&self, limit: u32) -> Result<Vec<EntitySummary>> {
        let limit = if limit == 0 { RECENT_DEFAULT } else { limit };
        self.snapshot(|| {
            let refs: Vec<String> = self
                .conn
                .prepare_cached(
                    "SELECT entity_ref FROM recent_visits ORDER BY visited_at DESC, entity_ref",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let (mut items, _gone) = self.summaries_by_ref(&refs)?;
            items.truncate(limit as usize);
            Ok(items)
        })
    }

    /// Summaries of `refs` in their order, and the refs not in the catalog.
    fn summaries_by_ref(&self, refs: &[String]) -> Result<(Vec<EntitySummary>, Vec<String>)> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE e.entity_ref = ?1");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let (mut items, mut missing) = (Vec::new(), Vec::new());
        for r in refs {
            match stmt.query_row([r], summary_from_row).optional()? {
                Some(summary) => items.push(summary),
                None => missing.push(r.clone()),
            }
        }
        Ok((items, missing))
    }

    /// Problems the last ingestion recorded for the catalog file `entity_ref` came from.
    pub fn problems_for(&self, entity_ref: &str) -> Result<Vec<IngestProblem>> {
        let key = ref_key(entity_ref)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.file, x.line, x.col, x.doc_index, x.field, x.message
             FROM entities e JOIN ingest_errors x ON x.file = e.source_file
             WHERE e.entity_ref = ?1 ORDER BY x.line, x.col",
        )?;
        let problems = stmt
            .query_map([key], |r| {
                Ok(IngestProblem {
                    file: r.get(0)?,
                    line: r.get(1)?,
                    column: r.get(2)?,
                    document: r.get(3)?,
                    entity_ref: None,
                    field: r.get(4)?,
                    message: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;
    use backlot_model::query::{EntityFilter, EntityQuery, SortField, SortOrder};

    fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
            paths.push(dir.path().join(name));
        }
        let mut store = Store::open(&dir.path().join("c.db")).unwrap();
        ingest::ingest(&mut store, &paths).unwrap();
        (dir, store)
    }

    const TWO: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {type: service, owner: t, lifecycle: production}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: b}\nspec: {type: service, owner: t, lifecycle: production}\n";

    #[test]
    fn stars_survive_reopen_and_keep_refs_that_left_the_catalog() {
        let (dir, store) = store_with(&[("c.yaml", TWO)]);
        store.set_starred("Component:default/A", true).unwrap();
        let s = store.set_starred("component:default/ghost", true).unwrap();
        assert_eq!(
            s.items
                .iter()
                .map(|e| e.entity_ref.as_str())
                .collect::<Vec<_>>(),
            ["component:default/a"]
        );
        assert_eq!(s.missing, ["component:default/ghost"]);
        assert!(store.is_starred("component:default/a").unwrap());
        drop(store);
        let store = Store::open(&dir.path().join("c.db")).unwrap();
        assert!(store.starred().unwrap().contains("component:default/a"));
        let s = store.set_starred("component:default/a", false).unwrap();
        assert!(!s.contains("component:default/a"));
        assert!(!store.is_starred("component:default/a").unwrap());
        assert!(store.set_starred("not a ref", true).is_err());
    }

    #[test]
    fn recents_are_newest_first_without_duplicates_or_vanished_entities() {
        let (_dir, store) = store_with(&[("c.yaml", TWO)]);
        store.record_visit("component:default/a").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        store.record_visit("component:default/b").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(3));
        store.record_visit("component:default/gone").unwrap();
        let refs = |v: Vec<EntitySummary>| v.into_iter().map(|e| e.entity_ref).collect::<Vec<_>>();
        assert_eq!(
            refs(store.recent(0).unwrap()),
            ["component:default/b", "component:default/a"]
        );
        std::thread::sleep(std::time::Duration::from_millis(3));
        store.record_visit("component:default/a").unwrap();
        assert_eq!(
            refs(store.recent(0).unwrap()),
            ["component:default/a", "component:default/b"]
        );
        assert_eq!(refs(store.recent(1).unwrap()), ["component:default/a"]);
    }

    fn refs(store: &Store, filter: EntityFilter) -> Vec<String> {
        let q = EntityQuery {
            filter,
            limit: 100,
            ..Default::default()
        };
        store
            .query(&q)
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.entity_ref)
            .collect()
    }

    const ORG: &str = "apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: ada}\nspec: {memberOf: [red]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: red}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: blue}\nspec: {type: team, children: [], members: [ada]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: green}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: by-red}\nspec: {type: service, owner: red, lifecycle: production}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: by-blue}\nspec: {type: service, owner: blue, lifecycle: production}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: by-green}\nspec: {type: service, owner: green, lifecycle: production}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: by-ada}\nspec: {type: service, owner: 'user:ada', lifecycle: production}\n";

    #[test]
    fn owned_by_a_user_covers_the_user_and_both_ways_of_group_membership() {
        let (_dir, store) = store_with(&[("org.yaml", ORG)]);
        let filter = EntityFilter {
            owned_by: Some("ada".into()),
            kinds: vec!["component".into()],
            ..Default::default()
        };
        assert_eq!(
            refs(&store, filter),
            [
                "component:default/by-ada",
                "component:default/by-blue",
                "component:default/by-red"
            ]
        );
        let nobody = EntityFilter {
            owned_by: Some("user:default/nobody".into()),
            ..Default::default()
        };
        assert!(refs(&store, nobody).is_empty());
        let bad = EntityFilter {
            owned_by: Some("user:".into()),
            ..Default::default()
        };
        assert!(
            store
                .query(&EntityQuery {
                    filter: bad,
                    ..Default::default()
                })
                .is_err()
        );
    }

    #[test]
    fn starred_and_error_filters_and_counts() {
        let broken = format!(
            "{TWO}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: 'bad name!'}}\nspec: {{}}\n"
        );
        let (_dir, store) = store_with(&[("c.yaml", &broken), ("org.yaml", ORG)]);
        store.set_starred("component:default/by-red", true).unwrap();
        store.set_starred("component:default/b", true).unwrap();
        let starred = EntityFilter {
            starred: true,
            ..Default::default()
        };
        assert_eq!(
            refs(&store, starred.clone()),
            ["component:default/b", "component:default/by-red"]
        );
        let facets = store.facets(&starred).unwrap();
        assert_eq!(
            facets.facets["kind"].iter().map(|f| f.count).sum::<u64>(),
            2
        );
        let errors = EntityFilter {
            with_errors: true,
            ..Default::default()
        };
        assert_eq!(
            refs(&store, errors),
            ["component:default/a", "component:default/b"]
        );
    }

    #[test]
    fn offset_pages_agree_with_cursor_pages_in_every_mode() {
        let (_dir, store) = store_with(&[("org.yaml", ORG), ("c.yaml", TWO)]);
        let all = |q: EntityQuery| {
            let mut out = Vec::new();
            let mut q = EntityQuery { limit: 3, ..q };
            loop {
                let page = store.query(&q).unwrap();
                out.extend(page.items.into_iter().map(|e| e.entity_ref));
                match page.next_cursor {
                    Some(c) => q.cursor = Some(c),
                    None => return out,
                }
            }
        };
        let by_offset = |q: EntityQuery, total: usize| {
            let mut out = Vec::new();
            for offset in (0..total).step_by(3) {
                let page = store
                    .query(&EntityQuery {
                        offset: offset as u64,
                        limit: 3,
                        ..q.clone()
                    })
                    .unwrap();
                out.extend(page.items.into_iter().map(|e| e.entity_ref));
            }
            out
        };
        let modes = [
            EntityQuery::default(),
            EntityQuery {
                order: Some(SortOrder {
                    field: SortField::Owner,
                    descending: true,
                }),
                ..Default::default()
            },
            EntityQuery {
                text: Some("by".into()),
                ..Default::default()
            },
            EntityQuery {
                text: Some("by".into()),
                order: Some(SortOrder::default()),
                ..Default::default()
            },
        ];
        for q in modes {
            let expected = all(q.clone());
            assert!(!expected.is_empty());
            assert_eq!(by_offset(q.clone(), expected.len()), expected, "{q:?}");
        }
    }

    #[test]
    fn problems_of_an_entity_file_are_reported_with_their_line() {
        let broken = format!(
            "{TWO}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: 'bad name!'}}\nspec: {{type: service, owner: t, lifecycle: x}}\n"
        );
        let (_dir, store) = store_with(&[
            ("c.yaml", &broken),
            (
                "ok.yaml",
                "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: t}\nspec: {type: team, children: []}\n",
            ),
        ]);
        let problems = store.problems_for("component:default/a").unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].file.ends_with("c.yaml"));
        assert_eq!(problems[0].line, Some(11));
        assert!(store.problems_for("group:default/t").unwrap().is_empty());
    }
}
