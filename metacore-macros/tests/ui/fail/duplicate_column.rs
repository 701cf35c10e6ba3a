use metacore::sea_orm::prelude::DateTimeUtc;

#[metacore::model(addon = "crm", table = "contacts")]
pub struct Contact {
    #[metacore(name = "email")]
    pub primary_email: String,
    pub email: Option<String>,
}

#[metacore::model(addon = "crm", table = "notes")]
pub struct Note {
    pub body: String,
    pub created_at: DateTimeUtc,
}

fn main() {}
