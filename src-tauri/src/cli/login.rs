//! `backlot login` and `backlot logout`: signing in to the team's Backstage as its own CLI
//! does (browser, PKCE, loopback redirect), or by pasting the address the browser ended on
//! when it runs on another machine (`--no-browser`). The session is the app's: the window
//! and `backlot sync` use it.

use std::io::{BufRead, Write};

use backlot_app::Api;
use backlot_model::ApiError;

use super::output::{self, Failure};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct LoginArgs {
    /// The team backend's base URL (saved as the team backend). Default: the one saved in
    /// Settings or set in app-config.yaml.
    #[arg(long, value_name = "URL")]
    pub backend: Option<String>,
    /// Do not open a browser: print the sign-in address, then read the address the
    /// browser ended on (pasted) from standard input.
    #[arg(long)]
    pub no_browser: bool,
}

pub fn run_login(
    args: LoginArgs,
    api: &Api,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let outcome = login(args, api, input, out, err);
    output::finish(outcome, false, err)
}

fn login(
    args: LoginArgs,
    api: &Api,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Failure> {
    let backend = match args.backend.filter(|b| !b.trim().is_empty()) {
        Some(b) => b,
        None => api.team_url()?.ok_or_else(|| {
            ApiError::invalid_input(
                "no team backend: pass --backend URL (or set it in Settings → Team backend)",
            )
        })?,
    };
    let signed_in = if args.no_browser {
        let mut shown = Ok(());
        let user = api.sign_in_pasted(
            &backend,
            |url| {
                shown = writeln!(
                    err,
                    "Open this address in a browser and sign in:\n\n  {url}\n\n\
                     Then paste the address the browser ended on (it starts with http://127.0.0.1:8055/callback) and press Enter:"
                );
            },
            || {
                let mut line = String::new();
                input
                    .read_line(&mut line)
                    .map_err(|e| ApiError::invalid_input(format!("cannot read the pasted address: {e}")))?;
                Ok(line)
            },
        );
        output::w(shown)?;
        user?
    } else {
        let started = api.start_sign_in(&backend, true)?;
        output::w(writeln!(
            err,
            "Opening the browser to sign in to {backend}. If it does not open, visit:\n\n  {}\n\nWaiting for the browser…",
            started.authorize_url
        ))?;
        api.wait_for_sign_in()?.user
    };
    let who = signed_in.as_deref().unwrap_or("an unnamed user");
    output::w(writeln!(out, "Signed in to {backend} as {who}."))?;
    Ok(0)
}

pub fn run_logout(api: &Api, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let outcome = api
        .sign_out()
        .map_err(Failure::Api)
        .and_then(|()| {
            output::w(writeln!(
                out,
                "Signed out: the session was revoked and removed from the keychain. The offline catalog is kept."
            ))?;
            Ok(0)
        });
    output::finish(outcome, false, err)
}
