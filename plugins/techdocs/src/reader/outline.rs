//! The reader's outline ("On this page"): the shown page's level-2 and level-3 headings.

use backlot_model::ApiError;
use backlot_techdocs_common::DocsPage;
use yew::prelude::*;

use super::Target;

pub fn outline(
    page: Option<&Result<DocsPage, ApiError>>,
    named: Option<&str>,
    on_navigate: &Callback<Target>,
) -> Html {
    let Some(Ok(p)) = page else { return html! {} };
    let items: Vec<_> = p
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .collect();
    if items.is_empty() {
        return html! {};
    }
    html! {
        <aside class="docs-toc" aria-label="On this page">
            <div class="docs-toc-title small">{"On this page"}</div>
            <ul>
                { for items.iter().map(|h| {
                    let onclick = {
                        let (on_navigate, target) = (on_navigate.clone(), (named.map(str::to_string), Some(h.id.clone())));
                        Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            on_navigate.emit(target.clone());
                        })
                    };
                    html! {
                        <li class={format!("docs-toc-level-{}", h.level)}>
                            <a href={format!("#{}", h.id)} {onclick}>{&h.text}</a>
                        </li>
                    }
                }) }
            </ul>
        </aside>
    }
}
