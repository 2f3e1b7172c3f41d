//! Applies writes to a [`SyncTarget`] on a blocking thread of its own, so the store's
//! (SQLite) work overlaps with the network, through a small bounded channel (memory stays
//! bounded: at most two batches wait). Whatever ends the sync — error, cancellation, the
//! engine's future being dropped — ends in exactly one `commit` or `rollback`.

use std::collections::HashMap;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::SyncError;
use crate::report::SyncReport;
use crate::target::{SyncMode, SyncTarget};

enum Op {
    Begin(SyncMode),
    Upsert(Vec<Value>),
    UpsertPage(Vec<u8>),
    Remove(Vec<String>),
    Commit(Box<SyncReport>),
    Rollback,
}

pub(crate) struct Writer {
    tx: Option<mpsc::Sender<Op>>,
    done: Option<JoinHandle<Result<(), SyncError>>>,
}

fn storage(e: impl std::error::Error + Send + Sync + 'static) -> SyncError {
    SyncError::Storage(Box::new(e))
}

impl Writer {
    /// Starts the writer thread and reads the local etags.
    pub(crate) async fn start<T: SyncTarget>(
        target: T,
    ) -> Result<(Writer, HashMap<String, String>), SyncError> {
        let (etx, erx) = oneshot::channel();
        let (tx, rx) = mpsc::channel(2);
        let done = tokio::task::spawn_blocking(move || apply(target, etx, rx));
        let mut writer = Writer {
            tx: Some(tx),
            done: Some(done),
        };
        match erx.await {
            Ok(local) => Ok((writer, local)),
            Err(_) => Err(writer.failure().await),
        }
    }

    pub(crate) async fn begin(&mut self, mode: SyncMode) -> Result<(), SyncError> {
        self.send(Op::Begin(mode)).await
    }

    pub(crate) async fn upsert(&mut self, batch: Vec<Value>) -> Result<(), SyncError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.send(Op::Upsert(batch)).await
    }

    /// A by-query page body; parsed on the writer thread.
    pub(crate) async fn upsert_page(&mut self, body: Vec<u8>) -> Result<(), SyncError> {
        self.send(Op::UpsertPage(body)).await
    }

    pub(crate) async fn remove(&mut self, keys: Vec<String>) -> Result<(), SyncError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.send(Op::Remove(keys)).await
    }

    pub(crate) async fn commit(mut self, report: &SyncReport) -> Result<(), SyncError> {
        self.send(Op::Commit(Box::new(report.clone()))).await?;
        self.tx = None;
        self.join().await
    }

    /// Rolls back and waits until the target has done so.
    pub(crate) async fn rollback(mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(Op::Rollback).await;
        }
        if let Err(e) = self.join().await {
            tracing::warn!(error = %e, "rolling back the sync failed");
        }
    }

    async fn send(&mut self, op: Op) -> Result<(), SyncError> {
        let sent = match &self.tx {
            Some(tx) => tx.send(op).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(self.failure().await)
        }
    }

    async fn join(&mut self) -> Result<(), SyncError> {
        match self.done.take() {
            Some(h) => match h.await {
                Ok(r) => r,
                Err(e) => Err(SyncError::Internal(format!(
                    "the store writer stopped: {e}"
                ))),
            },
            None => Ok(()),
        }
    }

    /// The writer thread ended early: its error.
    async fn failure(&mut self) -> SyncError {
        self.tx = None;
        match self.join().await {
            Err(e) => e,
            Ok(()) => SyncError::Internal("the store writer stopped early".into()),
        }
    }
}

fn apply<T: SyncTarget>(
    mut target: T,
    etx: oneshot::Sender<HashMap<String, String>>,
    mut rx: mpsc::Receiver<Op>,
) -> Result<(), SyncError> {
    let local = match target.local_etags() {
        Ok(l) => l,
        Err(e) => {
            let _ = target.rollback();
            return Err(storage(e));
        }
    };
    if etx.send(local).is_err() {
        return target.rollback().map_err(storage);
    }
    let mut begun = false;
    while let Some(op) = rx.blocking_recv() {
        let step = match op {
            Op::Begin(mode) if !begun => {
                begun = true;
                target.begin(mode)
            }
            Op::Begin(_) => Ok(()),
            Op::Upsert(batch) => target.upsert(&batch),
            Op::UpsertPage(body) => {
                #[derive(serde::Deserialize)]
                struct Items {
                    items: Vec<Value>,
                }
                match serde_json::from_slice::<Items>(&body) {
                    Ok(page) if !page.items.is_empty() => target.upsert(&page.items),
                    Ok(_) => Ok(()),
                    Err(e) => {
                        let _ = target.rollback();
                        return Err(SyncError::MalformedJson {
                            detail: e.to_string(),
                        });
                    }
                }
            }
            Op::Remove(keys) => target.remove(&keys),
            Op::Commit(report) => return target.commit(&report).map_err(storage),
            Op::Rollback => return target.rollback().map_err(storage),
        };
        if let Err(e) = step {
            let _ = target.rollback();
            return Err(storage(e));
        }
    }
    // The engine went away without committing (its task was dropped or aborted).
    target.rollback().map_err(storage)
}
