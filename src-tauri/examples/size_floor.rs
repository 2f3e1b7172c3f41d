//! The floor under Backlot's binary size: a Tauri window built like the app (same Tauri
//! features, release profile, tauri.conf.json and embedded UI) with none of Backlot's native
//! code. `make bench-startup` builds it and reports its size beside the app's.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("size_floor: {e}");
        std::process::exit(1);
    }
}
