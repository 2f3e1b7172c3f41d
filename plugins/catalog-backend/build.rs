// The schema files are embedded with include_str!; rebuild when the folder changes.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
    println!("cargo:rerun-if-changed=../../examples/demo-catalog");
}
