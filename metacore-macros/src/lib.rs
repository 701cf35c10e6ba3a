//! metacore procedural macros.
