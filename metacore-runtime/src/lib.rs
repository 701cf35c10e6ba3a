//! metacore runtime (placeholder until the runtime issues land).
