//! Backlot's icon set: simple 24×24 stroke drawings, rendered as inline SVG.

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Icon {
    Home,
    Catalog,
    Settings,
    Search,
    Api,
    Docs,
    Ci,
    Star,
    Component,
    System,
    Domain,
    Group,
    User,
    Resource,
    Location,
    Template,
    Sun,
    Moon,
    Info,
    Warning,
}

impl Icon {
    /// SVG path data (stroke, no fill) in a 24×24 box.
    pub fn path(self) -> &'static str {
        match self {
            Icon::Home => "M3 11 12 4l9 7M5 10v10h5v-6h4v6h5V10",
            Icon::Catalog => "M4 5h16M4 10h16M4 15h16M4 20h10",
            Icon::Settings => "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0M14 4v4M8 10v4M16 16v4",
            Icon::Search => "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM15.5 15.5 20 20",
            Icon::Api => "M8 5 3 12l5 7M16 5l5 7-5 7M13.5 4l-3 16",
            Icon::Docs => "M5 4h9l5 5v11H5ZM14 4v5h5M8 13h8M8 17h6",
            Icon::Ci => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM10 8.5v7l6-3.5Z",
            Icon::Star => "m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9Z",
            Icon::Component => "M4 4h7v7H4ZM13 4h7v7h-7ZM4 13h7v7H4ZM13 13h7v7h-7Z",
            Icon::System => "M12 3 3 8l9 5 9-5ZM3 13l9 5 9-5M3 18l9 5 9-5",
            Icon::Domain => {
                "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18"
            }
            Icon::Group => {
                "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM2 20c0-4 3-6 7-6s7 2 7 6M17 4.5a3.5 3.5 0 0 1 0 6.5M19 14c2 .7 3 2.5 3 6"
            }
            Icon::User => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8ZM4 21c0-4.5 3.5-7 8-7s8 2.5 8 7",
            Icon::Resource => {
                "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3ZM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3"
            }
            Icon::Location => {
                "M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21ZM12 7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z"
            }
            Icon::Template => "M4 4h16v5H4ZM4 13h7v7H4ZM14 13h6M14 17h6M14 20h4",
            Icon::Sun => {
                "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8ZM12 2v2M12 20v2M2 12h2M20 12h2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"
            }
            Icon::Moon => "M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5Z",
            Icon::Info => "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18ZM12 11v6M12 7.5v.5",
            Icon::Warning => "M12 3 2 20h20ZM12 10v5M12 17.5v.5",
        }
    }

    /// The icon for a catalog entity kind (case-insensitive); `Catalog` for unknown kinds.
    pub fn for_kind(kind: &str) -> Icon {
        match kind.to_ascii_lowercase().as_str() {
            "component" => Icon::Component,
            "api" => Icon::Api,
            "system" => Icon::System,
            "domain" => Icon::Domain,
            "group" => Icon::Group,
            "user" => Icon::User,
            "resource" => Icon::Resource,
            "location" => Icon::Location,
            "template" => Icon::Template,
            _ => Icon::Catalog,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct IconProps {
    pub icon: Icon,
    #[prop_or(20)]
    pub size: u32,
    #[prop_or_default]
    pub class: Classes,
}

#[component(IconView)]
pub fn icon_view(props: &IconProps) -> Html {
    html! {
        <svg class={classes!("icon", props.class.clone())} width={props.size.to_string()} height={props.size.to_string()}
             viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
             stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            <path d={props.icon.path()} />
        </svg>
    }
}
