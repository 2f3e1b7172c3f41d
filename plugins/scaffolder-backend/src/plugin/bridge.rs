//! Actions that need the app (`catalog:fetch` reads the catalog) run on the engine's thread,
//! while the host is only reachable from the thread that has it: the engine runs on a scoped
//! thread and its actions send their questions over a channel to the host's thread, which
//! answers them until the engine is done.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use backlot_backend_plugin_api::Host;
use backlot_model::ApiError;
use serde_json::{Value, json};

use crate::ScaffolderError;
use crate::actions::{Action, ActionContext};

/// A question for the host.
pub enum HostCall {
    /// The entity of a ref, as Backstage's catalog API gives it (`None`: not in the catalog).
    Entity {
        entity_ref: String,
        reply: Sender<Result<Option<Value>, ApiError>>,
    },
}

/// Makes the channel: the sender goes to the actions, the receiver to [`serve_while`].
pub fn channel_pair() -> (Sender<HostCall>, Receiver<HostCall>) {
    channel()
}

/// Runs `work` on a scoped thread while answering its host calls on this one.
pub fn serve_while<T: Send>(
    host: &dyn Host,
    calls: &Receiver<HostCall>,
    work: impl FnOnce() -> T + Send,
) -> T {
    std::thread::scope(|scope| {
        let worker = scope.spawn(work);
        loop {
            match calls.recv_timeout(Duration::from_millis(20)) {
                Ok(call) => answer(host, call),
                Err(RecvTimeoutError::Timeout) if worker.is_finished() => break,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // A call sent just before the end is still answered (its sender waits for it).
        while let Ok(call) = calls.try_recv() {
            answer(host, call);
        }
        match worker.join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn answer(host: &dyn Host, call: HostCall) {
    match call {
        HostCall::Entity { entity_ref, reply } => {
            let found = host
                .entity(&entity_ref)
                .map(|e| e.and_then(|e| serde_json::to_value(e.entity).ok()));
            let _ = reply.send(found);
        }
    }
}

/// `catalog:fetch`: one entity (`entityRef`) or several (`entityRefs`) from the catalog;
/// `optional` turns "not found" into `null`.
pub struct CatalogFetch {
    pub calls: Sender<HostCall>,
}

impl CatalogFetch {
    fn fetch(&self, entity_ref: &str) -> Result<Option<Value>, ScaffolderError> {
        let (reply, answer) = channel();
        self.calls
            .send(HostCall::Entity {
                entity_ref: entity_ref.to_string(),
                reply,
            })
            .map_err(|_| ScaffolderError::Input("the catalog cannot be reached".into()))?;
        answer
            .recv()
            .map_err(|_| ScaffolderError::Input("the catalog did not answer".into()))?
            .map_err(|e| ScaffolderError::Input(e.message))
    }
}

/// `kind:namespace/name` with the defaults for what the ref leaves out.
pub fn full_ref(
    entity_ref: &str,
    default_kind: Option<&str>,
    default_namespace: Option<&str>,
) -> String {
    let (kind, rest) = match entity_ref.split_once(':') {
        Some((k, r)) => (Some(k), r),
        None => (default_kind, entity_ref),
    };
    let (namespace, name) = match rest.split_once('/') {
        Some((n, r)) => (n, r),
        None => (default_namespace.unwrap_or("default"), rest),
    };
    match kind {
        Some(kind) => format!("{kind}:{namespace}/{name}").to_lowercase(),
        None => format!("{namespace}/{name}").to_lowercase(),
    }
}

impl Action for CatalogFetch {
    fn id(&self) -> &str {
        "catalog:fetch"
    }

    fn supports_dry_run(&self) -> bool {
        true
    }

    fn run(&self, ctx: &mut ActionContext<'_>, input: &Value) -> Result<(), ScaffolderError> {
        let text = |k: &str| input.get(k).and_then(Value::as_str);
        let optional = input.get("optional").and_then(Value::as_bool) == Some(true);
        let resolve = |r: &str| full_ref(r, text("defaultKind"), text("defaultNamespace"));
        if let Some(one) = text("entityRef") {
            let found = self.fetch(&resolve(one))?;
            if found.is_none() && !optional {
                return Err(ScaffolderError::Input(format!("Entity {one} not found")));
            }
            ctx.output("entity", found.unwrap_or(Value::Null));
            return Ok(());
        }
        let Some(many) = input.get("entityRefs").and_then(Value::as_array) else {
            return Err(ScaffolderError::Input(
                "catalog:fetch needs entityRef or entityRefs".into(),
            ));
        };
        let mut entities = Vec::new();
        for r in many.iter().filter_map(Value::as_str) {
            let found = self.fetch(&resolve(r))?;
            if found.is_none() && !optional {
                return Err(ScaffolderError::Input(format!("Entity {r} not found")));
            }
            entities.push(found.unwrap_or(Value::Null));
        }
        ctx.output("entities", json!(entities));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_get_their_defaults() {
        assert_eq!(
            full_ref("Component:ops/Svc", None, None),
            "component:ops/svc"
        );
        assert_eq!(
            full_ref("svc", Some("Component"), Some("ops")),
            "component:ops/svc"
        );
        assert_eq!(full_ref("group:team-a", None, None), "group:default/team-a");
    }
}
