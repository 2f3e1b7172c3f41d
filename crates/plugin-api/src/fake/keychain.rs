//! The fake's keychain and team backend: what the UI may see of secrets (whether set, who
//! uses them — never values) and the team backend's settings.

use backlot_model::ipc::{self, Credentials, SecretStatus, TeamBackend};

use super::state::FakeState;

pub(super) fn team(state: &FakeState) -> TeamBackend {
    TeamBackend {
        token_set: state.keychain.contains_key(ipc::TEAM_BACKEND_TOKEN),
        keychain_error: state.keychain_error.clone(),
        ..state.team.clone()
    }
}

/// The preferences with who is signed in, as the real backend fills them in.
pub(super) fn preferences(state: &FakeState) -> ipc::Preferences {
    let session = &state.team.session;
    ipc::Preferences {
        signed_in_as: session.signed_in.then(|| session.user.clone()).flatten(),
        ..state.preferences.clone()
    }
}

pub(super) fn secret_status(state: &FakeState, name: &str) -> SecretStatus {
    SecretStatus {
        name: name.to_string(),
        set: state.keychain_error.is_none() && state.keychain.contains_key(name),
        used_by: state.secrets_needed.get(name).cloned().unwrap_or_default(),
    }
}

pub(super) fn credentials(state: &FakeState) -> Credentials {
    Credentials {
        keychain_error: state.keychain_error.clone(),
        secrets: state
            .secrets_needed
            .keys()
            .map(|name| secret_status(state, name))
            .collect(),
    }
}

/// `http://` or `https://` followed by something.
pub(super) fn is_http_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .is_some_and(|host| !host.is_empty())
}
