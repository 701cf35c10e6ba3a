//! The sea-orm entities of addon `fiscal_mexico`, one module per model:
//!
//! * [`fiscal_documents`] — model `FiscalDocuments`

pub mod fiscal_documents;
