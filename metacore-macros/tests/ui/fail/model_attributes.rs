#[metacore::model(adon = "crm", table = "Contacts")]
pub struct Contact {
    pub name: String,
}

#[metacore::model(addon = "crm", table = "Contacts")]
pub struct Lead {
    #[metacore(label = 3, unique = "yes")]
    pub name: String,
}

fn main() {}
