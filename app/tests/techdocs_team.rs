//! Team-entity docs against a real HTTP server on 127.0.0.1 publishing a TechDocs site:
//! the token is sent, a refused or missing token is `unauthorized`, the site is cached
//! (without the token) and served from the cache once the server is gone.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

#[path = "docs_support/mod.rs"]
mod common;

use backlot_backend_plugin_api::{BackendPlugin, Host};
use backlot_model::ErrorCode;
use backlot_techdocs_backend::TechDocsBackend;
use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, SearchHit};
use common::{SiteServer, TeamHost, publish_team_site};
use serde_json::json;

const TEAM: &str = "component:default/team-svc";
const TOKEN: &str = "team-token-canary-42";

fn call<T: serde::de::DeserializeOwned>(
    host: &(dyn Host + 'static),
    command: &str,
    args: serde_json::Value,
) -> Result<T, backlot_model::ApiError> {
    TechDocsBackend
        .routes()
        .dispatch(host, command, args)
        .expect("a docs command")
        .map(|v| serde_json::from_value(v).unwrap())
}

fn site(host: &(dyn Host + 'static)) -> Result<DocsSite, backlot_model::ApiError> {
    call(host, "techdocs_site", json!({"entityRef": TEAM}))
}

fn page(
    host: &(dyn Host + 'static),
    page: Option<&str>,
) -> Result<DocsPage, backlot_model::ApiError> {
    call(
        host,
        "techdocs_page",
        json!({"entityRef": TEAM, "page": page}),
    )
}

#[test]
fn a_published_site_is_fetched_with_the_token_sanitized_and_cached_for_offline_reading() {
    let published = tempfile::tempdir().unwrap();
    publish_team_site(published.path(), "etag-1");
    let mut server = SiteServer::start(published.path(), TOKEN);
    let data = tempfile::tempdir().unwrap();
    let host = TeamHost::new(data.path(), Some(server.url.clone()), Some(TOKEN));

    let s = site(&host).unwrap();
    assert_eq!(
        (s.site_name.as_str(), s.origin, s.offline),
        ("Team Svc", DocsOrigin::Team, false)
    );
    assert_eq!(s.home, "index.html");
    assert!(s.fetched_at_ms.is_some() && s.notice.is_none(), "{s:?}");
    let titles: Vec<String> = s
        .nav
        .iter()
        .flat_map(|n| {
            std::iter::once(n.title.clone()).chain(n.children.iter().map(|c| c.title.clone()))
        })
        .collect();
    assert!(
        titles.contains(&"Team Service".to_string()) && titles.contains(&"Install".to_string()),
        "{:?}",
        s.nav
    );
    {
        let seen = server.seen.lock().unwrap();
        assert!(
            seen.iter()
                .all(|r| r.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))),
            "{seen:?}"
        );
        let paths: Vec<&str> = seen.iter().map(|r| r.path.as_str()).collect();
        assert!(
            paths.contains(
                &"/api/techdocs/static/docs/default/component/team-svc/techdocs_metadata.json"
            ),
            "{paths:?}"
        );
        assert!(
            paths.contains(
                &"/api/techdocs/static/docs/default/component/team-svc/guide/install/index.html"
            ),
            "{paths:?}"
        );
        assert!(
            !paths.iter().any(|p| p.ends_with(".js")),
            "scripts are not fetched: {paths:?}"
        );
    }

    let home = page(&host, None).unwrap();
    assert_eq!(home.title, "Team Service");
    let lower = home.html.to_lowercase();
    for bad in ["<script", "onerror", "javascript:", "md-header", "md-nav"] {
        assert!(!lower.contains(bad), "{bad} survived: {}", home.html);
    }
    assert!(
        home.html.contains(r#"src="data:image/png;base64,"#),
        "{}",
        home.html
    );
    assert!(
        home.html
            .contains(r#"href="/docs/default/component/team-svc?page=guide/install/index.html""#),
        "{}",
        home.html
    );
    assert!(
        home.html.contains(r#"<div class="admonition note">"#),
        "{}",
        home.html
    );
    let install = page(&host, Some("guide/install/index.html")).unwrap();
    assert!(
        install
            .html
            .contains(r#"href="/docs/default/component/team-svc?page=index.html#team-service""#),
        "{}",
        install.html
    );
    assert_eq!(
        install
            .headings
            .iter()
            .map(|h| h.id.as_str())
            .collect::<Vec<_>>(),
        ["install", "requirements"]
    );
    let hits: Vec<SearchHit> = call(
        &host,
        "techdocs_search",
        json!({"entityRef": TEAM, "query": "quantum"}),
    )
    .unwrap();
    assert_eq!(
        (hits[0].page.as_str(), hits[0].anchor.as_deref()),
        ("guide/install/index.html", Some("requirements"))
    );

    // The cache holds the site, never the token.
    for entry in walkdir(data.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(TOKEN),
            "the token reached {}",
            entry.display()
        );
    }

    // Unchanged etag: only the metadata is asked for again.
    let before = server.seen.lock().unwrap().len();
    site(&host).unwrap();
    assert_eq!(server.seen.lock().unwrap().len(), before + 1);

    // The server goes away: the copy is served, marked offline, with its age.
    server.stop();
    let s = site(&host).unwrap();
    assert!(s.offline, "{s:?}");
    assert!(
        s.notice
            .as_deref()
            .unwrap_or_default()
            .contains("could not be reached"),
        "{s:?}"
    );
    assert_eq!(
        page(&host, Some("guide/install/index.html")).unwrap().title,
        "Install"
    );
}

#[test]
fn refused_or_missing_credentials_and_unpublished_sites_fail_clearly() {
    let published = tempfile::tempdir().unwrap();
    publish_team_site(published.path(), "etag-1");
    let server = SiteServer::start(published.path(), TOKEN);
    let data = tempfile::tempdir().unwrap();

    let wrong = TeamHost::new(data.path(), Some(server.url.clone()), Some("not-the-token"));
    let e = site(&wrong).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e}");
    assert!(e.message.contains("refused the token (HTTP 401)"), "{e}");
    assert!(!e.message.contains("not-the-token"), "{e}");

    let none = TeamHost::new(data.path(), Some(server.url.clone()), None);
    let e = page(&none, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized, "{e}");
    assert!(e.message.contains("no team backend token"), "{e}");

    let nourl = TeamHost::new(data.path(), None, Some(TOKEN));
    let e = site(&nourl).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e}");
    assert!(e.message.contains("no team backend"), "{e}");

    let empty = tempfile::tempdir().unwrap();
    let unpublished = SiteServer::start(empty.path(), TOKEN);
    let host = TeamHost::new(data.path(), Some(unpublished.url.clone()), Some(TOKEN));
    let e = site(&host).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "{e}");
    assert!(e.message.contains("no published docs"), "{e}");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let gone = TeamHost::new(
        data.path(),
        Some(format!("http://127.0.0.1:{port}")),
        Some(TOKEN),
    );
    let e = site(&gone).unwrap_err();
    assert_eq!(e.code, ErrorCode::Offline, "{e}");
    assert!(e.message.contains("no local copy yet"), "{e}");

    let listed: Vec<serde_json::Value> = call(&host, "techdocs_entities", json!({})).unwrap();
    assert_eq!(listed[0]["origin"], "team");
}

fn walkdir(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_site_and_its_first_page_asked_together_fetch_the_site_once() {
    let published = tempfile::tempdir().unwrap();
    publish_team_site(published.path(), "etag-1");
    let server = SiteServer::start(published.path(), TOKEN);
    let data = tempfile::tempdir().unwrap();
    let url = server.url.clone();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (dir, url) = (data.path().to_path_buf(), url.clone());
            std::thread::spawn(move || {
                let host = TeamHost::new(&dir, Some(url), Some(TOKEN));
                if i % 2 == 0 {
                    site(&host).map(|s| s.site_name)
                } else {
                    page(&host, None).map(|p| p.title)
                }
            })
        })
        .collect();
    for t in threads {
        let got = t.join().unwrap().unwrap();
        assert!(got == "Team Svc" || got == "Team Service", "{got}");
    }
    let seen = server.seen.lock().unwrap();
    let index_fetches = seen
        .iter()
        .filter(|r| r.path.ends_with("/team-svc/index.html"))
        .count();
    assert_eq!(index_fetches, 1, "{seen:?}");
}

#[test]
fn a_cached_team_site_is_indexed_for_search_and_only_once_it_is_cached() {
    let published = tempfile::tempdir().unwrap();
    publish_team_site(published.path(), "etag-1");
    let server = SiteServer::start(published.path(), TOKEN);
    let data = tempfile::tempdir().unwrap();
    let host = TeamHost::new(data.path(), Some(server.url.clone()), Some(TOKEN));
    let collator = TechDocsBackend.search_collators()[0];
    let entity = host.entities[0].clone();

    // Never opened: nothing to index, and indexing downloads nothing.
    assert_eq!(collator.stamp(&host, &entity), None);
    assert!(collator.collate(&host, &entity).unwrap().is_empty());
    assert!(server.seen.lock().unwrap().is_empty(), "no download");

    site(&host).unwrap();
    let stamp = collator.stamp(&host, &entity).expect("cached: a stamp");
    let docs = collator.collate(&host, &entity).unwrap();
    let requirements = docs
        .iter()
        .find(|d| d.text.contains("quantum router"))
        .unwrap_or_else(|| panic!("{docs:?}"));
    assert_eq!(
        requirements.location,
        "/docs/default/component/team-svc?page=guide/install/index.html#requirements"
    );
    assert_eq!(requirements.title, "Install › Requirements");
    // The sanitized page: no script text indexed.
    assert!(docs.iter().all(|d| !d.text.contains("evil")), "{docs:?}");

    // The same copy keeps its stamp (the site is not collated again).
    assert_eq!(collator.stamp(&host, &entity).as_ref(), Some(&stamp));
}
