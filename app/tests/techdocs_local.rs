//! Local docs (`dir:` refs) through the real app API over the fixtures' MkDocs sites and
//! hostile ones written here.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

#[path = "docs_support/mod.rs"]
mod common;

use backlot_model::ErrorCode;
use backlot_techdocs_common::{DocsOrigin, DocsPage, DocsSite, NavNode, SearchHit};
use common::{PNG, api_with, component, fixtures};
use serde_json::json;

fn site(api: &backlot_app::Api, entity_ref: &str) -> Result<DocsSite, backlot_model::ApiError> {
    api.dispatch("techdocs_site", json!({"entityRef": entity_ref}))
        .map(|v| serde_json::from_value(v).unwrap())
}

fn page(
    api: &backlot_app::Api,
    entity_ref: &str,
    page: Option<&str>,
) -> Result<DocsPage, backlot_model::ApiError> {
    api.dispatch(
        "techdocs_page",
        json!({"entityRef": entity_ref, "page": page}),
    )
    .map(|v| serde_json::from_value(v).unwrap())
}

fn search(api: &backlot_app::Api, entity_ref: &str, query: &str) -> Vec<SearchHit> {
    serde_json::from_value(
        api.dispatch(
            "techdocs_search",
            json!({"entityRef": entity_ref, "query": query}),
        )
        .unwrap(),
    )
    .unwrap()
}

const DEMO: &str = "component:default/backstage-demo";

#[test]
fn the_backstage_demo_site_has_its_name_nav_and_pages() {
    let (_dir, api) = api_with(&[fixtures().join("backstage-demo/catalog-info.yaml")]);
    let s = site(&api, DEMO).unwrap();
    assert_eq!(s.site_name, "Backstage Demo");
    assert_eq!(s.origin, DocsOrigin::Local);
    assert_eq!(s.home, "index.md");
    // No nav in its mkdocs.yml: made from the files, index first, the examples folder a section.
    assert_eq!(
        s.nav[0],
        NavNode {
            title: "TechDocs".into(),
            page: Some("index.md".into()),
            children: vec![]
        }
    );
    let examples = s
        .nav
        .iter()
        .find(|n| n.title == "Examples")
        .expect("an Examples section");
    let titles: Vec<&str> = examples.children.iter().map(|n| n.title.as_str()).collect();
    assert!(
        titles.contains(&"Basic Markdown") && titles.contains(&"Code blocks"),
        "{titles:?}"
    );
    assert_eq!(
        examples
            .children
            .iter()
            .find(|n| n.title == "Basic Markdown")
            .unwrap()
            .page
            .as_deref(),
        Some("examples/basic.md")
    );

    // Home: links between pages became in-app links.
    let home = page(&api, DEMO, None).unwrap();
    assert_eq!(
        (home.page.as_str(), home.title.as_str()),
        ("index.md", "TechDocs")
    );
    assert!(
        home.html
            .contains(r#"href="/docs/default/component/backstage-demo?page=examples/basic.md""#),
        "{}",
        home.html
    );
    let ids: Vec<&str> = home.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["techdocs", "overview", "examples"]);
    assert!(
        home.html
            .contains(r##"<a class="doc-anchor" href="#overview""##),
        "{}",
        home.html
    );

    // Tables, and every heading level with its anchor.
    let basic = page(&api, DEMO, Some("examples/basic.md")).unwrap();
    assert!(
        basic.html.contains("<table>") && basic.html.contains("<th>Topic</th>"),
        "{}",
        basic.html
    );
    assert!(basic.html.contains("<td>Topic 2</td>"), "{}", basic.html);
    for level in 1..=6u8 {
        assert!(
            basic
                .headings
                .iter()
                .any(|h| h.level == level && h.text == format!("h{level}")),
            "h{level}: {:?}",
            basic.headings
        );
    }
    // Fenced code is highlighted.
    let code = page(&api, DEMO, Some("examples/code.md")).unwrap();
    assert!(
        code.html
            .contains(r#"<code class="language-typescript"><span class="tok-kw">const</span>"#),
        "{}",
        code.html
    );
    assert!(
        code.html.contains(r#"<span class="tok-kw">def</span>"#),
        "{}",
        code.html
    );
    // The iframe example loses its frame; the download link loses its attribute list and
    // its target (not a page of the site) but keeps its text.
    let iframe = page(&api, DEMO, Some("examples/iframe.md")).unwrap();
    assert!(!iframe.html.contains("<iframe"), "{}", iframe.html);
    let download = page(&api, DEMO, Some("examples/download.md")).unwrap();
    assert!(
        download.html.contains(">Hello world code sample</a></p>"),
        "{}",
        download.html
    );
    assert!(!download.html.contains("sample1.py\""), "{}", download.html);
}

#[test]
fn search_finds_sections_with_their_anchor() {
    let (_dir, api) = api_with(&[fixtures().join("backstage-demo/catalog-info.yaml")]);
    let hits = search(&api, DEMO, "example table");
    let first = hits.first().expect("a hit");
    assert_eq!(first.page, "examples/basic.md");
    assert_eq!(first.anchor.as_deref(), Some("table-example"));
    assert!(first.snippet.to_lowercase().contains("table"), "{first:?}");
    assert!(search(&api, DEMO, "quux-not-there").is_empty());
    let lexers = search(&api, DEMO, "pygments lexers");
    assert_eq!(
        lexers.first().map(|h| h.page.as_str()),
        Some("examples/code.md"),
        "{lexers:?}"
    );
}

/// Copies the folder `from` (regular files and folders) to `to`.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_create_app_example_docs_render() {
    let tmp = tempfile::tempdir().unwrap();
    // The docs sit beside the entity's catalog file, as in a repository (a `dir:` ref may not
    // leave the entity's folder).
    copy_tree(
        &fixtures().join("backstage-create-app/example-docs"),
        &tmp.path().join("example-docs"),
    );
    let file = component(
        tmp.path(),
        "example-website",
        &[("backstage.io/techdocs-ref", "dir:./example-docs")],
    );
    let (_dir, api) = api_with(&[file]);
    let s = site(&api, "component:default/example-website").unwrap();
    assert_eq!(s.site_name, "example-website");
    let home = page(&api, "component:default/example-website", None).unwrap();
    assert_eq!(home.title, "Example TechDocs page");
    assert!(
        home.html.contains("<code>example-website</code>"),
        "{}",
        home.html
    );
    let listed: Vec<serde_json::Value> =
        serde_json::from_value(api.dispatch("techdocs_entities", json!({})).unwrap()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["entityRef"], "component:default/example-website");
    assert_eq!(listed[0]["origin"], "local");
}

#[test]
fn hostile_docs_are_sanitized_images_inlined_and_links_kept_inside() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("site/docs/images")).unwrap();
    std::fs::create_dir_all(root.join("site/docs/guide")).unwrap();
    std::fs::write(root.join("secret.png"), PNG).unwrap();
    std::fs::write(root.join("site/docs/images/logo.png"), PNG).unwrap();
    std::os::unix::fs::symlink(
        root.join("secret.png"),
        root.join("site/docs/images/escape.png"),
    )
    .unwrap();
    std::fs::write(
        root.join("site/mkdocs.yml"),
        "site_name: Hostile\nnav:\n  - Start: index.md\n  - Guide:\n      - guide/setup.md\nmarkdown_extensions:\n  - admonition\n",
    )
    .unwrap();
    std::fs::write(
        root.join("site/docs/index.md"),
        "# Start\n\n<script>alert('x')</script>\n\n<img src=\"images/logo.png\" onerror=\"alert(1)\">\n\n\
         ![escape](images/escape.png) ![outside](../../secret.png)\n\n\
         [js](javascript:alert(2)) <a href=\"JAVASCRIPT:alert(3)\" onclick=\"alert(4)\">js2</a>\n\n\
         [setup](guide/setup.md#steps) [up](../outside.md)\n\n\
         !!! danger \"Do <b>not</b> <script>x</script>\"\n    Careful with **this**.\n\n\
         <div style=\"position:fixed\" onmouseover=\"alert(5)\">styled</div>\n",
    )
    .unwrap();
    std::fs::write(
        root.join("site/docs/guide/setup.md"),
        "# Setup\n\n## Steps\n\nBack to [start](../index.md).\n",
    )
    .unwrap();
    let file = component(
        root,
        "hostile",
        &[("backstage.io/techdocs-ref", "dir:./site")],
    );
    let (_dir, api) = api_with(&[file]);
    let entity = "component:default/hostile";

    let s = site(&api, entity).unwrap();
    assert_eq!(
        s.nav[1].children[0],
        NavNode {
            title: "Setup".into(),
            page: Some("guide/setup.md".into()),
            children: vec![]
        }
    );
    let p = page(&api, entity, None).unwrap();
    let lower = p.html.to_lowercase();
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "style=",
    ] {
        assert!(!lower.contains(bad), "{bad} survived: {}", p.html);
    }
    assert!(
        p.html.contains(r#"<img src="data:image/png;base64,"#),
        "the image is inlined: {}",
        p.html
    );
    assert_eq!(
        p.html.matches("data:image/png").count(),
        1,
        "only the image inside the docs folder: {}",
        p.html
    );
    assert!(
        p.html
            .contains(r#"href="/docs/default/component/hostile?page=guide/setup.md#steps""#),
        "{}",
        p.html
    );
    assert!(
        !p.html.contains("outside.md"),
        "links out of the site are dropped: {}",
        p.html
    );
    assert!(
        p.html.contains(r#"<div class="admonition danger">"#),
        "{}",
        p.html
    );
    assert!(p.html.contains("<strong>this</strong>"), "{}", p.html);
    assert!(
        p.html.contains("Do &lt;b&gt;not&lt;/b&gt;"),
        "the title is text: {}",
        p.html
    );
    let setup = page(&api, entity, Some("guide/setup.md")).unwrap();
    assert!(
        setup
            .html
            .contains(r#"href="/docs/default/component/hostile?page=index.md""#),
        "{}",
        setup.html
    );
}

#[test]
fn bad_data_fails_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("broken/docs")).unwrap();
    std::fs::write(
        root.join("broken/mkdocs.yml"),
        "site_name: Broken\nnav:\n  - Home: [index.md\n  - x: : y\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("nodocs")).unwrap();
    std::fs::write(
        root.join("nodocs/mkdocs.yml"),
        "site_name: No docs\ndocs_dir: missing\n",
    )
    .unwrap();
    let files = vec![
        component(
            root,
            "broken",
            &[("backstage.io/techdocs-ref", "dir:./broken")],
        ),
        component(
            root,
            "nodir",
            &[("backstage.io/techdocs-ref", "dir:./not-here")],
        ),
        component(
            root,
            "nodocs",
            &[("backstage.io/techdocs-ref", "dir:./nodocs")],
        ),
        component(
            root,
            "remote",
            &[("backstage.io/techdocs-ref", "url:https://github.com/o/r")],
        ),
        component(root, "plain", &[]),
    ];
    let (_dir, api) = api_with(&files);

    let e = site(&api, "component:default/broken").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let where_ = format!(
        "{}:",
        root.join("broken/mkdocs.yml")
            .canonicalize()
            .unwrap()
            .display()
    );
    assert!(
        e.message.starts_with(&where_),
        "file and line first: {}",
        e.message
    );
    assert!(
        e.message[where_.len()..].starts_with('3') || e.message[where_.len()..].starts_with('4'),
        "{}",
        e.message
    );

    let e = site(&api, "component:default/nodir").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(
        e.message.contains("not-here") && e.message.contains("does not exist"),
        "{}",
        e.message
    );

    let e = page(&api, "component:default/nodocs", None).unwrap_err();
    assert!(
        e.message.contains("docs_dir “missing” does not exist"),
        "{}",
        e.message
    );

    let e = site(&api, "component:default/remote").unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(
        e.message.contains("url:https://github.com/o/r"),
        "{}",
        e.message
    );

    let e = site(&api, "component:default/plain").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(
        e.message
            .contains("no backstage.io/techdocs-ref annotation"),
        "{}",
        e.message
    );

    let e = site(&api, "component:default/nobody").unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    let (_dir, api) = api_with(&[fixtures().join("backstage-demo/catalog-info.yaml")]);
    let e = page(&api, DEMO, Some("../../../etc/passwd")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(e.message.contains("no page"), "{}", e.message);
    let e = api
        .dispatch("techdocs_page", json!({"entityRef": 3}))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

#[test]
fn the_app_answers_docs_commands_only_with_the_plugin_registered() {
    let (dir, api) = api_with(&[fixtures().join("backstage-demo/catalog-info.yaml")]);
    assert_eq!(
        api.backend_plugin_ids(),
        ["techdocs", "github-actions", "api-docs", "scaffolder"]
    );
    let bare = backlot_app::Api::builder(dir.path())
        .plugins(Vec::new())
        .open();
    assert_eq!(
        bare.dispatch("techdocs_site", json!({"entityRef": DEMO}))
            .unwrap_err()
            .code,
        ErrorCode::Unsupported
    );
    assert_eq!(
        api.dispatch("techdocs_nope", json!({})).unwrap_err().code,
        ErrorCode::Unsupported
    );
    let listed = api.dispatch("techdocs_entities", json!({})).unwrap();
    assert_eq!(listed[0]["entityRef"], DEMO);
    assert_eq!(listed[0]["techdocsRef"], "dir:.");
    // Core commands still work beside it.
    assert!(
        api.dispatch("catalog_summary", json!({})).unwrap()["total"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn the_demo_catalog_has_docs_for_its_route_optimizer() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store =
            backlot_catalog_backend::Store::open(&dir.path().join(backlot_app::STORE_FILE))
                .unwrap();
        backlot_catalog_backend::demo::install(&mut store, dir.path()).unwrap();
    }
    let api = backlot_app::Api::open(dir.path());
    let entity = "component:default/route-optimizer";
    let listed = api.dispatch("techdocs_entities", json!({})).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let s = site(&api, entity).unwrap();
    assert_eq!(s.site_name, "Route optimizer");
    assert!(s.notice.is_none(), "every nav page exists: {s:?}");
    let pages: Vec<&str> = {
        let mut out = Vec::new();
        NavNode::pages(&s.nav, &mut out);
        out
    };
    assert_eq!(
        pages,
        ["index.md", "how-it-works.md", "operations/running.md"]
    );
    let how = page(&api, entity, Some("how-it-works.md")).unwrap();
    assert!(
        how.html.contains(r#"src="data:image/svg+xml;base64,"#),
        "the diagram is inlined: {}",
        how.html
    );
    assert!(
        how.html.contains(r#"<div class="admonition warning">"#),
        "{}",
        how.html
    );
    assert!(
        how.html.contains(r#"<span class="tok-kw">pub</span>"#),
        "{}",
        how.html
    );
    let home = page(&api, entity, None).unwrap();
    assert!(home.html.contains(r#"href="/docs/default/component/route-optimizer?page=how-it-works.md#what-it-publishes""#), "{}", home.html);
    let running = page(&api, entity, Some("operations/running.md")).unwrap();
    assert!(
        running.html.contains(r#"<details class="admonition tip">"#),
        "{}",
        running.html
    );
    assert!(
        running
            .html
            .contains(r#"href="/docs/default/component/route-optimizer?page=index.md""#),
        "{}",
        running.html
    );
    assert_eq!(search(&api, entity, "cut-off")[0].page, "how-it-works.md");
}
