#[metacore::model(addon = "crm", table = "contacts")]
pub struct Contact {
    #[metacore(max_lenght = 120)]
    pub name: String,
}

fn main() {}
