//! The run page: asks `GetRun` again while the run goes on (the fake moves it on at each
//! call: processing → completed) and stops once it is over, shows each step's status,
//! Cancel sends `CancelRun`, and the output's links lead to the entity page, the browser or
//! show the folder.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

use std::time::Duration;

use backlot_plugin_api::FakeBackend;
use backlot_scaffolder_common::ipc::{
    CancelRun, OutputLink, OutputText, RunStatus, RunStep, RunStepStatus, RunView,
};
use backlot_scaffolder_common::{EventStatus, LogEvent};
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn step(id: &str, status: Option<RunStepStatus>) -> RunStep {
    RunStep {
        id: id.into(),
        name: format!("Step {id}"),
        action: format!("{id}:action"),
        status,
    }
}

fn log(lines: &[&str]) -> Vec<LogEvent> {
    lines
        .iter()
        .map(|l| LogEvent {
            step_id: None,
            status: Some(EventStatus::Processing),
            message: (*l).to_string(),
        })
        .collect()
}

fn view(status: RunStatus, steps: Vec<RunStep>, lines: &[&str]) -> RunView {
    let mut summary = run_summary("run-1", "Rust service", status);
    summary.values = json!({"name": "route-planner"});
    RunView {
        summary,
        steps,
        log: log(lines),
        ..RunView::default()
    }
}

fn progressing() -> ScaffolderFake {
    use RunStepStatus::{Completed, Processing};
    let mut done = view(
        RunStatus::Completed,
        vec![
            step("fetch", Some(Completed)),
            step("publish", Some(Completed)),
        ],
        &["Fetching", "Publishing", "Done"],
    );
    done.links = vec![
        OutputLink {
            title: Some("Open in catalog".into()),
            entity_ref: Some("component:default/route-planner".into()),
            ..OutputLink::default()
        },
        OutputLink {
            title: Some("Folder".into()),
            url: Some("file:///tmp/work/route-planner".into()),
            ..OutputLink::default()
        },
        OutputLink {
            title: Some("Repository".into()),
            url: Some("https://github.com/acme/route-planner".into()),
            ..OutputLink::default()
        },
    ];
    done.text = vec![OutputText {
        title: Some("Next steps".into()),
        content: "Run cargo test".into(),
    }];
    ScaffolderFake::new(FakeBackend::new()).with(|s| {
        s.run_states = vec![
            view(
                RunStatus::Running,
                vec![step("fetch", Some(Processing)), step("publish", None)],
                &["Fetching"],
            ),
            view(
                RunStatus::Running,
                vec![
                    step("fetch", Some(Completed)),
                    step("publish", Some(Processing)),
                ],
                &["Fetching", "Publishing"],
            ),
            done,
        ];
    })
}

fn statuses(page: &backlot_plugin_api::testkit::Page) -> Vec<String> {
    page.all(".run-step")
        .iter()
        .map(|s| s.get_attribute("data-status").unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn the_run_is_followed_until_it_ends() {
    let fake = progressing();
    let page = mount(&fake, "/create/runs/run-1");
    page.wait_for("[data-testid='run-status']").await;
    assert_eq!(page.text("[data-testid='run-status']"), "running");
    assert_eq!(statuses(&page), ["processing", "waiting"]);
    assert!(
        page.one(".run-step[data-step='fetch']")
            .class_name()
            .contains("run-step-processing")
    );
    assert_eq!(page.text("[data-testid='run-log']"), "Fetching");
    page.one("[data-action='cancel']");

    page.wait_until("the second state", |p| {
        statuses(p) == ["completed", "processing"]
    })
    .await;
    page.wait_until("the end", |p| {
        p.text("[data-testid='run-status']") == "completed"
    })
    .await;
    assert_eq!(statuses(&page), ["completed", "completed"]);
    assert_eq!(
        page.text("[data-testid='run-log']"),
        "Fetching\nPublishing\nDone"
    );
    assert!(page.find("[data-action='cancel']").is_none());
    assert_eq!(fake.state.borrow().get_runs, 3);
    // Over: not asked again.
    gloo_timers::future::sleep(Duration::from_millis(1300)).await;
    assert_eq!(fake.state.borrow().get_runs, 3);

    // Run again: the template's form with these values.
    let again = page
        .one(".page-header a.button")
        .get_attribute("href")
        .unwrap();
    assert!(
        again.starts_with("/create/templates/default/new-service?values=")
            && again.contains("route-planner"),
        "{again}"
    );

    // The output: an entity link, a folder, a web address, a text.
    let entity = page.one("[data-testid='run-output'] a[href^='/catalog']");
    assert_eq!(
        entity.get_attribute("href").as_deref(),
        Some("/catalog/default/component/route-planner")
    );
    assert_eq!(entity.text_content().unwrap(), "Open in catalog");
    press(&page, "[data-testid='run-output'] a[href^='/catalog']").await;
    assert_eq!(
        page.navigations(),
        ["/catalog/default/component/route-planner"]
    );
    assert_eq!(
        page.text("[data-testid='run-folder']"),
        "/tmp/work/route-planner"
    );
    press(&page, "[data-testid='run-output'] a[href^='https:']").await;
    assert_eq!(
        fake.inner.opened(),
        ["https://github.com/acme/route-planner"]
    );
    assert_eq!(page.navigations().len(), 1);
    assert_eq!(page.text(".run-text h3"), "Next steps");
    assert_eq!(page.text(".run-text pre"), "Run cargo test");
}

#[wasm_bindgen_test]
async fn cancel_stops_the_run() {
    let fake = progressing().with(|s| {
        s.run_states.truncate(1);
        s.cancelled = Some(view(
            RunStatus::Cancelled,
            vec![
                step("fetch", Some(RunStepStatus::Completed)),
                step("publish", Some(RunStepStatus::Cancelled)),
            ],
            &["Fetching", "Cancelled"],
        ));
    });
    let page = mount(&fake, "/create/runs/run-1");
    page.wait_for("[data-action='cancel']").await;
    press(&page, "[data-action='cancel']").await;
    page.wait_until("the cancelled run", |p| {
        p.text("[data-testid='run-status']") == "cancelled"
    })
    .await;
    assert_eq!(
        fake.state.borrow().cancels,
        [CancelRun {
            run_id: "run-1".into()
        }]
    );
    assert_eq!(statuses(&page), ["completed", "cancelled"]);
    assert!(page.find("[data-action='cancel']").is_none());
    let asked = fake.state.borrow().get_runs;
    gloo_timers::future::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        fake.state.borrow().get_runs,
        asked,
        "asked again after the end"
    );
}

#[wasm_bindgen_test]
async fn an_unknown_run_says_so() {
    let page = mount(
        &ScaffolderFake::new(FakeBackend::new()),
        "/create/runs/nope",
    );
    page.wait_for(".banner-error").await;
    assert!(page.text(".banner-error").contains("no such run"));
}
