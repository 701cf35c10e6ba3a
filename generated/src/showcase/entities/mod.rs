//! The sea-orm entities of addon `showcase`, one module per model:
//!
//! * [`customers`] — model `Customer`
//! * [`orders`] — model `Order`

pub mod customers;
pub mod orders;
