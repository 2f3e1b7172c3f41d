//! Light/dark theme: follows the operating system unless Settings overrides it.

use backlot_model::ipc::ThemePreference;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(DARK_QUERY).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The theme actually shown for a preference.
pub fn effective(preference: ThemePreference, system_dark: bool) -> &'static str {
    match preference {
        ThemePreference::Light => "light",
        ThemePreference::Dark => "dark",
        ThemePreference::System if system_dark => "dark",
        ThemePreference::System => "light",
    }
}

fn apply(preference: ThemePreference) {
    let theme = effective(preference, system_prefers_dark());
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
        let _ = root.set_attribute(
            "data-theme-preference",
            &format!("{preference:?}").to_lowercase(),
        );
    }
}

/// Applies `preference` to the document and, for `System`, follows OS changes live.
#[hook]
pub fn use_theme(preference: ThemePreference) {
    use_effect_with(preference, |preference| {
        let preference = *preference;
        apply(preference);
        let media = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok().flatten());
        let listener = Closure::<dyn Fn()>::new(move || apply(preference));
        if let Some(media) = &media {
            media.set_onchange(Some(listener.as_ref().unchecked_ref()));
        }
        move || {
            if let Some(media) = &media {
                media.set_onchange(None);
            }
            drop(listener);
        }
    });
}
