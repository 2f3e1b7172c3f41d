//! An in-memory SyncTarget (a map with a working copy = the "transaction") and helpers.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use backlot_catalog_sync::test_server::{Catalog, ServerOptions, TestServer};
use backlot_catalog_sync::{
    CatalogClient, ClientOptions, RetryPolicy, SyncMode, SyncReport, SyncTarget, entity_key,
};
use serde_json::Value;

#[derive(Debug, Default)]
pub struct MemState {
    pub committed: BTreeMap<String, Value>,
    pub commits: u32,
    pub rollbacks: u32,
    pub begins: Vec<SyncMode>,
    pub last_report: Option<SyncReport>,
    /// Fail the n-th upsert call (1-based) of the next sync.
    pub fail_upsert_at: Option<u32>,
    /// The in-progress working copy's size after each upsert (to see it never leaks).
    pub upsert_calls: u32,
}

#[derive(Clone, Default)]
pub struct Memory(pub Arc<Mutex<MemState>>);

impl Memory {
    pub fn state(&self) -> MutexGuard<'_, MemState> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn target(&self) -> MemoryTarget {
        MemoryTarget {
            shared: self.clone(),
            working: None,
        }
    }

    pub fn keys(&self) -> Vec<String> {
        self.state().committed.keys().cloned().collect()
    }

    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.state().committed.clone()
    }
}

pub struct MemoryTarget {
    shared: Memory,
    working: Option<BTreeMap<String, Value>>,
}

#[derive(Debug, thiserror::Error)]
pub enum MemError {
    #[error("injected storage failure")]
    Injected,
    #[error("write outside a transaction")]
    NoTransaction,
    #[error("entity without a ref")]
    NoRef,
}

impl SyncTarget for MemoryTarget {
    type Error = MemError;

    fn local_etags(&mut self) -> Result<HashMap<String, String>, MemError> {
        Ok(self
            .shared
            .state()
            .committed
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v["metadata"]["etag"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect())
    }

    fn begin(&mut self, mode: SyncMode) -> Result<(), MemError> {
        let mut s = self.shared.state();
        s.begins.push(mode);
        self.working = Some(s.committed.clone());
        Ok(())
    }

    fn upsert(&mut self, entities: &[Value]) -> Result<(), MemError> {
        {
            let mut s = self.shared.state();
            s.upsert_calls += 1;
            if s.fail_upsert_at == Some(s.upsert_calls) {
                return Err(MemError::Injected);
            }
        }
        let w = self.working.as_mut().ok_or(MemError::NoTransaction)?;
        for e in entities {
            let key = entity_key(e).map_err(|_| MemError::NoRef)?;
            w.insert(key, e.clone());
        }
        Ok(())
    }

    fn remove(&mut self, keys: &[String]) -> Result<(), MemError> {
        let w = self.working.as_mut().ok_or(MemError::NoTransaction)?;
        for k in keys {
            w.remove(k);
        }
        Ok(())
    }

    fn commit(self, report: &SyncReport) -> Result<(), MemError> {
        let w = self.working.ok_or(MemError::NoTransaction)?;
        let mut s = self.shared.state();
        s.committed = w;
        s.commits += 1;
        s.last_report = Some(report.clone());
        s.upsert_calls = 0;
        Ok(())
    }

    fn rollback(self) -> Result<(), MemError> {
        let mut s = self.shared.state();
        s.rollbacks += 1;
        s.upsert_calls = 0;
        Ok(())
    }
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
    }
}

pub fn options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        page_size: 500,
        // Small listing pages too, so that faults on later pages hit incremental listings.
        listing_page_size: 500,
        refs_batch: 100,
        retry: fast_retry(),
        ..ClientOptions::default()
    }
}

pub async fn server(n: usize) -> TestServer {
    match TestServer::start(Catalog::generate(n), ServerOptions::default()).await {
        Ok(s) => s,
        Err(e) => panic!("test server did not start: {e}"),
    }
}

pub fn client(server: &TestServer, opts: ClientOptions) -> CatalogClient {
    match CatalogClient::new(&server.base_url(), server.token().as_ref(), opts) {
        Ok(c) => c,
        Err(e) => panic!("client: {e}"),
    }
}

/// The server's catalog as key → entity.
pub fn served(server: &TestServer) -> BTreeMap<String, Value> {
    server.with_catalog(|c| c.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}
