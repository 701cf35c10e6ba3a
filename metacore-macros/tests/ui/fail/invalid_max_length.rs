#[metacore::model(addon = "crm", table = "contacts")]
pub struct Contact {
    #[metacore(max_length = 0)]
    pub name: String,
}

fn main() {}
