//! The migrations are embedded (`embed_migrations!` in src/db/mod.rs): a new or changed one
//! must rebuild the binary even when no Rust file changed, as diesel_migrations advises.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
