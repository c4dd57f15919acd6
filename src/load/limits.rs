//! Limits that keep a hostile spec harmless. A real cache.yaml is a few kilobytes, about six
//! levels deep, with no aliases; these leave ample room for that and none for a bomb.

/// Largest spec file read, in bytes (1 MiB).
pub const MAX_SPEC_BYTES: u64 = 1 << 20;
/// Deepest nesting of mappings and lists.
pub const MAX_DEPTH: usize = 32;
/// Most YAML nodes in one file, counting each alias expansion.
pub const MAX_NODES: usize = 50_000;
/// Most aliases (and anchors) in one file.
pub const MAX_ALIASES: usize = 1_000;
/// Longest `extends` chain, counting the spec itself.
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Most schema errors reported for one spec; the rest are counted in a note. A hostile file
/// can hold tens of thousands of wrong values, and nobody reads past the first screens.
pub const MAX_REPORTED_ERRORS: usize = 100;
