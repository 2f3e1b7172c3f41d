//! The command palette in a real window, over the demo catalog: Ctrl+K from anywhere, type
//! words of a docs section, Enter lands on that TechDocs page at its heading.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use backlot_e2e::App;

#[tokio::test]
async fn ctrl_k_finds_a_docs_section_and_enter_opens_it_at_the_heading() {
    let app = App::launch().await;
    app.find(".nav-item[data-plugin='home'][aria-current='page']")
        .await;
    // Ctrl+K (WebDriver's Control key, released by the null key) in the header's box.
    app.find(".global-search input")
        .await
        .send_keys("\u{E009}k\u{E000}")
        .await
        .unwrap();
    let input = app.find(".palette-input").await;
    assert_eq!(
        app.js("return document.activeElement?.className").await,
        "palette-input",
        "the palette takes the keyboard"
    );
    input.send_keys("construction heuristic").await.unwrap();
    app.wait_for_text(
        "the docs section in the palette",
        ".palette-item[aria-selected='true']",
        "The solver",
    )
    .await;
    app.screenshot("palette").await;
    input.send_keys("\u{E007}").await.unwrap(); // Enter
    app.wait_until(
        "the docs page at the heading",
        "const h = document.querySelector('.pane-active .docs-page [id=\"the-solver\"]'); \
         return location.pathname === '/docs/default/component/route-optimizer' && !!h \
           && h.getBoundingClientRect().top >= 0 && h.getBoundingClientRect().top < innerHeight / 2",
    )
    .await;
    assert_eq!(app.count(".palette").await, 0, "the palette closed");
    app.close().await;
}
