// A user crate depending on `metacore` alone (no `sea-orm`): the model compiles, its entity
// is a sea-orm entity, and its descriptors, marker type and DDL are usable.
use metacore::api::ModelSchema;
use metacore::registry::{ColumnKind, ColumnRole, Registry};
use metacore::sea_orm::prelude::{Date, DateTimeUtc, Uuid};
use metacore::sea_orm::{ActiveValue, EntityName};
use metacore::types::Numeric;

#[metacore::model(addon = "crm", table = "contacts", key = "Contact", label = "Contacts")]
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    #[metacore(max_length = 120, label = "Name")]
    pub name: String,
    #[metacore(unique)]
    pub email: Option<String>,
    #[metacore(options = ["lead", "customer"], default = "lead")]
    pub stage: String,
    pub score: i32,
    pub owner: Option<Uuid>,
    #[metacore(precision = 12, scale = 2)]
    pub credit: Option<Numeric>,
    pub vip: bool,
    pub visits: i64,
    pub born_on: Option<Date>,
    pub last_seen: Option<DateTimeUtc>,
    pub extra: Option<serde_json::Value>,
}

fn main() {
    let model = contact::Schema::model();
    assert_eq!(model.physical_table, "addon_crm__contacts");
    assert_eq!(contact::Schema::addon(), "crm");
    assert_eq!(contact::Entity.table_name(), "addon_crm__contacts");
    assert_eq!(model.column("name").unwrap().kind, ColumnKind::Varchar(120));
    assert_eq!(model.column("organization_id").unwrap().role, ColumnRole::Tenancy);
    assert_eq!(model.column("stage").unwrap().options, &["lead", "customer"]);
    assert_eq!(model.unique, &[&["organization_id", "email"][..]]);
    assert_eq!(contact::permissions::contacts::INDEX, "contacts.index");
    let registry = Registry { addons: &[contact::ADDON] };
    assert!(registry.model("contacts").is_some());
    assert!(contact::SQLITE_DDL[0].starts_with("CREATE TABLE \"addon_crm__contacts\""));
    assert!(contact::POSTGRES_DDL.iter().any(|s| s.starts_with("CREATE UNIQUE INDEX")));
    assert!(contact::TABLE_METADATA_JSON.starts_with('{'));
    let value = Contact {
        name: "Ada".into(),
        email: None,
        stage: "lead".into(),
        score: 3,
        owner: None,
        credit: None,
        vip: false,
        visits: 0,
        born_on: None,
        last_seen: None,
        extra: None,
    };
    let active: contact::ActiveModel = value.clone().into();
    assert_eq!(active.name, ActiveValue::Set("Ada".to_string()));
    assert!(active.id.is_not_set());
}
