#[metacore::model(addon = "crm", table = "contacts")]
pub struct Contact {
    pub name: String,
    pub ratio: f64,
}

fn main() {}
