//! The reader's nav tree: the site's pages and sections, the shown page marked active.

use backlot_techdocs_common::{NavNode, docs_link};
use yew::prelude::*;

use super::Target;

pub fn nav_tree(
    nodes: &[NavNode],
    entity_ref: &str,
    current: &str,
    on_navigate: &Callback<Target>,
) -> Html {
    html! {
        <ul class="docs-nav-list">
            { for nodes.iter().map(|n| {
                let item = match &n.page {
                    Some(page) => {
                        let onclick = {
                            let (on_navigate, page) = (on_navigate.clone(), page.clone());
                            Callback::from(move |e: MouseEvent| {
                                e.prevent_default();
                                on_navigate.emit((Some(page.clone()), None));
                            })
                        };
                        html! {
                            <a href={docs_link(entity_ref, page, None)} data-page={page.clone()}
                               class={classes!("docs-nav-link", (page == current).then_some("active"))}
                               aria-current={(page == current).then_some("page")} {onclick}>{&n.title}</a>
                        }
                    }
                    None => html! { <span class="docs-nav-section">{&n.title}</span> },
                };
                html! {
                    <li>
                        { item }
                        if !n.children.is_empty() { { nav_tree(&n.children, entity_ref, current, on_navigate) } }
                    </li>
                }
            }) }
        </ul>
    }
}
