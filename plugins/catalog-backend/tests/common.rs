#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use backlot_catalog_backend::Store;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

pub fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

pub fn file_store(dir: &Path) -> Store {
    Store::open(&dir.join("catalog.db")).unwrap()
}

pub fn component(name: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n{extra_spec}"
    )
}

pub fn relations(store: &Store, r: &str) -> Vec<(String, String)> {
    store
        .get_entity(r)
        .unwrap()
        .unwrap_or_else(|| panic!("{r} missing"))
        .relations
        .into_iter()
        .map(|x| (x.relation_type, x.target_ref))
        .collect()
}

pub fn has_rel(store: &Store, r: &str, t: &str, target: &str) -> bool {
    relations(store, r)
        .iter()
        .any(|(a, b)| a == t && b == target)
}
