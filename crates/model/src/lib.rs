//! Backlot's shared contract: compiled by the native side and by the wasm UI, so it does no
//! I/O and depends on nothing platform-specific.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod entity;
pub mod entity_ref;
pub mod error;
pub mod graph;
pub mod ingest;
pub mod ipc;
pub mod query;
pub mod relations;
pub mod router;
pub mod search;
pub mod sensitive;
pub mod sync;
pub mod validation;

pub use entity::{Entity, EntityLink, EntityMetadata, EntityRelation, Kind};
pub use entity_ref::{EntityRef, RefError};
pub use error::{ApiError, ErrorCode};
pub use ingest::{EntityDetails, IngestProblem, IngestReport, ValidationResult};
pub use relations::{Relation, derive_relations};
pub use sensitive::Sensitive;
pub use validation::{ValidEntity, ValidationError, validate_entity};
