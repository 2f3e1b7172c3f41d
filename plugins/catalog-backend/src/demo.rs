//! Backlot's own demo catalog (Parcelpine, a fictional parcel-delivery company), embedded in
//! the binary. `install` writes it to `<data_dir>/demo-catalog/` and ingests it from there, so
//! positions in reports and `$text` placeholders refer to real files.

use std::path::{Path, PathBuf};

use backlot_model::IngestReport;

use crate::error::IngestError;
use crate::ingest::ingest;
use crate::store::Store;

macro_rules! demo_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../../examples/demo-catalog/", $path)))),*]
    };
}

/// `(relative path, content)` of every demo file.
pub const FILES: &[(&str, &str)] = demo_files![
    "catalog-info.yaml",
    "org.yaml",
    "domains.yaml",
    "systems.yaml",
    "components.yaml",
    "apis.yaml",
    "resources.yaml",
    "templates/rust-service/template.yaml",
    "templates/rust-service/skeleton/catalog-info.yaml.njk",
    "templates/rust-service/skeleton/Cargo.toml.njk",
    "templates/rust-service/skeleton/README.md.njk",
    "templates/rust-service/skeleton/src/main.rs",
    "templates/rust-service/skeleton/.github/workflows/ci.yml",
    "apis/routes-openapi.yaml",
    "apis/tracking-asyncapi.yaml",
    "apis/billing-openapi.json",
    "mkdocs.yml",
    "docs/route-optimizer/index.md",
    "docs/route-optimizer/how-it-works.md",
    "docs/route-optimizer/operations/running.md",
    "docs/route-optimizer/images/flow.svg",
];

/// The entry file of the demo catalog (a Location pointing at the others).
pub const ENTRY: &str = "catalog-info.yaml";

/// Where `install` puts the demo catalog.
pub fn demo_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("demo-catalog")
}

/// Writes the embedded demo files under `<data_dir>/demo-catalog/` (overwriting older copies).
pub fn write_files(data_dir: &Path) -> Result<PathBuf, IngestError> {
    let dir = demo_dir(data_dir);
    for (rel, content) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| IngestError::WriteDemo {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, content).map_err(|source| IngestError::WriteDemo {
            path: path.clone(),
            source,
        })?;
    }
    Ok(dir.join(ENTRY))
}

/// Writes the demo catalog into `data_dir` and ingests it.
pub fn install(store: &mut Store, data_dir: &Path) -> Result<IngestReport, IngestError> {
    let entry = write_files(data_dir)?;
    ingest(store, &[entry])
}
