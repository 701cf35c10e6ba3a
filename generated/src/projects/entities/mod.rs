//! The sea-orm entities of addon `projects`, one module per model:
//!
//! * [`projects`] — model `Projects`
//! * [`project_tasks`] — model `ProjectTasks`
//! * [`time_entries`] — model `TimeEntries`

pub mod projects;
pub mod project_tasks;
pub mod time_entries;
