//! The sea-orm entities of addon `tickets`, one module per model:
//!
//! * [`tickets`] — model `Ticket`
//! * [`ticket_comments`] — model `TicketComment`

pub mod tickets;
pub mod ticket_comments;
