//! Actions that need the app (`catalog:fetch` reads the catalog, `publish:github` calls the
//! proxy) run on the engine's thread, while the host is only reachable from the thread that
//! has it: the engine runs on a scoped thread and its actions send their questions (closures
//! over the host) over a channel to the host's thread, which answers them until the engine
//! is done.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use backlot_backend_plugin_api::Host;
use serde_json::{Value, json};

use crate::ScaffolderError;
use crate::actions::{Action, ActionContext};

/// Work to do with the host, on its thread.
type HostWork = Box<dyn FnOnce(&dyn Host) + Send>;

/// A question for the host: run on the host's thread, its answer sent back by the closure.
pub struct HostCall(HostWork);

/// Makes the channel: the sender goes to the actions, the receiver to [`serve_while`].
pub fn channel_pair() -> (Sender<HostCall>, Receiver<HostCall>) {
    channel()
}

/// An action's way to the host.
#[derive(Clone)]
pub struct HostLink(pub Sender<HostCall>);

impl HostLink {
    /// Runs `question` with the host and waits for its answer.
    pub fn ask<T: Send + 'static>(
        &self,
        question: impl FnOnce(&dyn Host) -> T + Send + 'static,
    ) -> Result<T, ScaffolderError> {
        let (reply, answer) = channel();
        self.0
            .send(HostCall(Box::new(move |host: &dyn Host| {
                let _ = reply.send(question(host));
            })))
            .map_err(|_| ScaffolderError::Input("the app cannot be reached".into()))?;
        answer
            .recv()
            .map_err(|_| ScaffolderError::Input("the app did not answer".into()))
    }
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
                Ok(HostCall(call)) => call(host),
                Err(RecvTimeoutError::Timeout) if worker.is_finished() => break,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // A call sent just before the end is still answered (its sender waits for it).
        while let Ok(HostCall(call)) = calls.try_recv() {
            call(host);
        }
        match worker.join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// `catalog:fetch`: one entity (`entityRef`) or several (`entityRefs`) from the catalog;
/// `optional` turns "not found" into `null`.
pub struct CatalogFetch {
    pub host: HostLink,
}

impl CatalogFetch {
    fn fetch(&self, entity_ref: &str) -> Result<Option<Value>, ScaffolderError> {
        let entity_ref = entity_ref.to_string();
        self.host
            .ask(move |host| {
                host.entity(&entity_ref)
                    .map(|e| e.and_then(|e| serde_json::to_value(e.entity).ok()))
            })?
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
