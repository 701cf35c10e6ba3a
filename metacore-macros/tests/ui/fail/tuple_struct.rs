#[metacore::model(addon = "crm", table = "contacts")]
pub struct Contact(String, i32);

#[metacore::model(addon = "crm", table = "stages")]
pub enum Stage {
    Lead,
}

#[metacore::model(addon = "crm", table = "pairs")]
pub struct Pair<T> {
    pub value: T,
}

fn main() {}
