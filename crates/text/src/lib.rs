//! Text helpers the UI (wasm) and the native side share, one copy each: the syntax
//! highlighter ([`highlight`]: API definitions and TechDocs' fenced code), escaping text
//! for HTML and SVG ([`html`]), and percent-encoding of URL parts ([`percent`]). No
//! dependencies, no I/O.

pub mod highlight;
pub mod html;
pub mod percent;
