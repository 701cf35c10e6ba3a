//! Integration tests of the runtime with real wasmtime, real sockets on 127.0.0.1, and real
//! SQLite and PostgreSQL databases. One test binary; one module per area.

mod database;
mod dispatch;
mod host_imports;
mod isolation;
mod loading;
mod metrics;
mod sqlite_guard;
mod support;
