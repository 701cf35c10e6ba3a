//! Which capability gates each table action, and TableMetadata as one caller may see it
//! (`http-api.md` §6.6, §6.7).

use serde_json::Value as Json;

/// One entry of the CRUD trio the server always emits (the runtime synthesises its own only
/// when the action list is empty, so a model with actions would otherwise lose them).
pub struct CrudEntry {
    /// The action key (`view`, `edit`, `delete`).
    pub key: &'static str,
    /// Its label (an i18n key).
    pub label: &'static str,
    /// Its icon.
    pub icon: &'static str,
    /// The capability suffix that gates it.
    pub capability: &'static str,
}

/// The trio, in served order.
pub const CRUD_TRIO: [CrudEntry; 3] = [
    CrudEntry {
        key: "view",
        label: "datatable.view",
        icon: "Eye",
        capability: "index",
    },
    CrudEntry {
        key: "edit",
        label: "datatable.edit",
        icon: "Pencil",
        capability: "update",
    },
    CrudEntry {
        key: "delete",
        label: "datatable.delete",
        icon: "Trash2",
        capability: "delete",
    },
];

/// The capability a caller needs for the action `action_key` of the table `table`: the trio's
/// `view` → `<table>.index`, `edit` → `<table>.update`, `delete` → `<table>.delete`; an own
/// action → `<table>.<key>` (`http-api.md` §6.7, §10.1).
pub fn action_capability(table: &str, action_key: &str) -> String {
    let suffix = CRUD_TRIO
        .iter()
        .find(|entry| entry.key == action_key)
        .map_or(action_key, |entry| entry.capability);
    format!("{table}.{suffix}")
}

/// True for the keys of the CRUD trio.
pub fn is_crud_entry(action_key: &str) -> bool {
    CRUD_TRIO.iter().any(|entry| entry.key == action_key)
}

/// TableMetadata as one caller may see it (`http-api.md` §6.7): actions whose capability
/// ([`action_capability`]) the caller lacks are dropped; `canCreate`, `canExport`,
/// `canImport` also need `<table>.create`/`export`/`import`; `enableCRUDActions` stays true
/// only while a trio entry survived; `hasActions` follows. Super-roles see it unchanged.
/// `metadata` is what the compiler's `table_metadata` returned for `table`.
pub fn gate_table_metadata(
    table: &str,
    metadata: &Json,
    can: &dyn Fn(&str) -> bool,
    is_super: bool,
) -> Json {
    let Json::Object(fields) = metadata else {
        return metadata.clone();
    };
    if is_super {
        return metadata.clone();
    }
    let mut fields = fields.clone();
    let actions: Vec<Json> = fields
        .get("actions")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|action| {
            action
                .get("key")
                .and_then(Json::as_str)
                .is_some_and(|key| can(&action_capability(table, key)))
        })
        .cloned()
        .collect();
    let trio_survived = actions.iter().any(|action| {
        action
            .get("key")
            .and_then(Json::as_str)
            .is_some_and(is_crud_entry)
    });
    let granted = |flag: &str, verb: Option<&str>| {
        fields.get(flag) == Some(&Json::Bool(true))
            && verb.is_none_or(|verb| can(&format!("{table}.{verb}")))
    };
    let gated = [
        ("canCreate", granted("canCreate", Some("create"))),
        ("canExport", granted("canExport", Some("export"))),
        ("canImport", granted("canImport", Some("import"))),
        (
            "enableCRUDActions",
            granted("enableCRUDActions", None) && trio_survived,
        ),
        ("hasActions", !actions.is_empty()),
    ];
    for (flag, value) in gated {
        fields.insert(flag.into(), Json::Bool(value));
    }
    fields.insert("actions".into(), Json::Array(actions));
    Json::Object(fields)
}
