//! `backlot search`: the index the search page and the palette use, headless — a query's
//! hits (entities, docs sections, API operations), or `--rebuild` to bring the index up to
//! date (`--full`: from scratch).

use std::io::Write;

use backlot_app::Api;
use backlot_model::ApiError;
use backlot_model::search::{Search, count_label};

use super::output::{self, Failure};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct SearchArgs {
    /// What to look for (words; prefixes match; one typo is forgiven).
    pub query: Vec<String>,
    /// Only hits of this type: entity, docs, api (repeatable).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Hits shown at most.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Also ask the team backend's search (results it alone has are marked "team").
    #[arg(long)]
    pub team: bool,
    /// Bring the index up to date instead of searching (what changed since last time).
    #[arg(long, conflicts_with = "query")]
    pub rebuild: bool,
    /// With --rebuild: forget the index and collate everything again.
    #[arg(long, requires = "rebuild")]
    pub full: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run_search(args: SearchArgs, api: &Api, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let json = args.json;
    let outcome = search(args, api, out);
    output::finish(outcome, json, err)
}

fn search(args: SearchArgs, api: &Api, out: &mut dyn Write) -> Result<u8, Failure> {
    if args.rebuild {
        let report = api.rebuild_search_index(args.full)?;
        if args.json {
            output::print_json(out, &report)?;
        } else {
            output::w(writeln!(
                out,
                "Search index: {} sources indexed again, {} removed; {} documents; {} ms.",
                report.reindexed, report.removed, report.documents, report.duration_ms
            ))?;
            for problem in &report.problems {
                output::w(writeln!(out, "  not indexed: {problem}"))?;
            }
        }
        return Ok(0);
    }
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        return Err(
            ApiError::invalid_input("nothing to search for: give words, or --rebuild").into(),
        );
    }
    let results = api.search(&Search {
        query,
        types: args.types,
        limit: args.limit,
        offset: 0,
        team: args.team,
    })?;
    if args.json {
        output::print_json(out, &results)?;
        return Ok(0);
    }
    if let Some(notice) = &results.team_notice {
        output::w(writeln!(out, "({notice})"))?;
    }
    if let Some(corrected) = &results.corrected {
        output::w(writeln!(out, "(showing results for “{corrected}”)"))?;
    }
    for hit in &results.hits {
        let place = match (&hit.entity_ref, hit.doc_type.as_str()) {
            (Some(r), "entity") => r.clone(),
            _ => hit.location.clone(),
        };
        output::w(writeln!(
            out,
            "{:<7} {}  — {place}",
            hit.doc_type, hit.title
        ))?;
    }
    output::w(writeln!(
        out,
        "{} of {} hits ({})",
        results.hits.len(),
        count_label(results.total),
        results
            .by_type
            .iter()
            .map(|t| format!("{} {}", t.doc_type, count_label(t.count)))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    Ok(if results.hits.is_empty() { 1 } else { 0 })
}
