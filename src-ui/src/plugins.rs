//! The plugins this build of Backlot is made of. Adding a plugin is one line here.

use backlot_plugin_api::Plugin;

pub fn plugins() -> Vec<Plugin> {
    vec![
        crate::pages::home::plugin(),
        backlot_catalog::plugin(),
        backlot_api_docs::plugin(),
        backlot_techdocs::plugin(),
        backlot_github_actions::plugin(),
        backlot_scaffolder::plugin(),
        crate::pages::search::plugin(),
        crate::pages::settings::plugin(),
        crate::pages::welcome::plugin(),
    ]
}
