//! The OpenAPI types of model data: one typed schema per model for its row, its create body
//! and its update body (`http-api.md` §13.3), plus the envelopes around them.
//!
//! Generated code names each model with a marker type implementing [`ModelSchema`]; the
//! generic types here read the model's compiled columns to describe themselves, so the spec
//! shows every real field with its type, format, nullability, length and numeric limits;
//! a column with static options refers to a named enum schema of its own.
//! Values are carried as JSON ([`Row`] as served cells); validation happens in the store,
//! where it can report every field error at once (a wrong type is a 422 with a field code,
//! not a parse failure).

use std::borrow::Cow;
use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use super::answer::{named_schema_type, shape};
use super::siblings::{self, Form, Siblings};
use super::value::{Cell, UNDECLARED_NUMERIC};
use crate::registry::{ColumnDescriptor, ColumnKind, ColumnRole, ModelDescriptor};

/// A model as the HTTP layer knows it; implemented by generated marker types.
pub trait ModelSchema: Send + Sync + 'static {
    /// The schema name prefix (`TicketsTickets`: addon and route in UpperCamelCase).
    const NAME: &'static str;

    /// The compiled model.
    fn model() -> &'static ModelDescriptor;

    /// The addon key it belongs to.
    fn addon() -> &'static str;
}

/// One served row of model `M`: its cells by column, in declared order.
pub struct Row<M> {
    /// The cells.
    pub cells: Vec<(&'static str, Cell)>,
    /// The reference labels served after the cells ([`super::siblings`]).
    pub siblings: Siblings,
    model: PhantomData<fn() -> M>,
}

impl<M> Row<M> {
    /// A row of `cells`, without reference labels.
    pub fn new(cells: Vec<(&'static str, Cell)>) -> Self {
        Row::with_siblings(cells, Vec::new())
    }

    /// A row of `cells` followed by its reference `siblings`.
    pub fn with_siblings(cells: Vec<(&'static str, Cell)>, siblings: Siblings) -> Self {
        Row {
            cells,
            siblings,
            model: PhantomData,
        }
    }
}

impl<M> Serialize for Row<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.cells.len() + self.siblings.len()))?;
        for (key, cell) in &self.cells {
            map.serialize_entry(key, cell)?;
        }
        for (key, value) in &self.siblings {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The served columns: everything but `deleted_at`.
pub fn served_columns(model: &ModelDescriptor) -> impl Iterator<Item = &'static ColumnDescriptor> {
    model
        .columns
        .iter()
        .filter(|c| c.role != ColumnRole::DeletedAt)
}

/// The model's ungated `TableMetadata` (`http-api.md` §6.2) as JSON (`null` if it cannot be
/// read): the import spec, visible columns and declared aggregates come from it.
pub(crate) fn table_metadata(model: &ModelDescriptor) -> Value {
    serde_json::from_str(model.table_metadata_json).unwrap_or(Value::Null)
}

/// Columns a client may write: not server-managed, not generated.
pub fn writable(column: &ColumnDescriptor) -> bool {
    !column.generated
        && matches!(
            column.role,
            ColumnRole::Data | ColumnRole::Id | ColumnRole::Tenancy
        )
}

/// Required on create: not nullable, no default, written by the client.
pub fn required_on_create(column: &ColumnDescriptor) -> bool {
    column.role == ColumnRole::Data && !column.nullable && !column.has_default
}

/// The named enum schema of a column with static options, when it has one: its name
/// (`TicketsTicketStatus`: addon, model key and column in UpperCamelCase) and schema.
/// Generated clients turn it into an enum type of their language.
fn option_set(
    addon: &str,
    model: &ModelDescriptor,
    column: &ColumnDescriptor,
) -> Option<(String, MetaSchema)> {
    let name = option_set_name(addon, model, column)?;
    let schema = MetaSchema {
        enum_items: column.options.iter().map(|o| Value::from(*o)).collect(),
        ..value_schema(column)
    };
    Some((name, schema))
}

/// The name of a column's option set schema, when it has one.
pub(crate) fn option_set_name(
    addon: &str,
    model: &ModelDescriptor,
    column: &ColumnDescriptor,
) -> Option<String> {
    if column.options.is_empty()
        || !matches!(column.kind, ColumnKind::Text | ColumnKind::Varchar(_))
    {
        return None;
    }
    Some(format!(
        "{}{}{}",
        upper_camel(addon),
        upper_camel(model.key),
        upper_camel(column.name)
    ))
}

/// `tickets` → `Tickets`, `fiscal_mexico` → `FiscalMexico`, `TicketComment` unchanged.
fn upper_camel(text: &str) -> String {
    text.split(['_', '-', '.', ' '])
        .flat_map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
        })
        .collect()
}

/// Marks the enum schemas of option sets in the registry.
struct OptionSet;

/// Registers the option sets of `model`'s columns.
fn register_option_sets(registry: &mut Registry, addon: &str, model: &ModelDescriptor) {
    for column in model.columns {
        if let Some((name, schema)) = option_set(addon, model, column) {
            registry.create_schema::<OptionSet, _>(name, |_| schema);
        }
    }
}

/// The schema of a column's values, with every limit the server enforces: `maxLength` of
/// `varchar(n)`, the 32-bit range of `integer`, the (exclusive) magnitude `numeric(p, s)`
/// can hold, and the formats of UUIDs, timestamps and dates.
fn value_schema(column: &ColumnDescriptor) -> MetaSchema {
    match column.kind {
        ColumnKind::Uuid => MetaSchema::new_with_format("string", "uuid"),
        ColumnKind::Text => MetaSchema::new("string"),
        ColumnKind::Varchar(max) => MetaSchema {
            max_length: Some(max as usize),
            ..MetaSchema::new("string")
        },
        ColumnKind::Integer => MetaSchema {
            minimum: Some(f64::from(i32::MIN)),
            maximum: Some(f64::from(i32::MAX)),
            ..MetaSchema::new_with_format("integer", "int32")
        },
        ColumnKind::Bigint => MetaSchema::new_with_format("integer", "int64"),
        ColumnKind::Numeric(declared) => {
            let bound = numeric_bound(declared.unwrap_or(UNDECLARED_NUMERIC));
            MetaSchema {
                minimum: Some(-bound),
                exclusive_minimum: Some(true),
                maximum: Some(bound),
                exclusive_maximum: Some(true),
                ..MetaSchema::new("number")
            }
        }
        ColumnKind::Boolean => MetaSchema::new("boolean"),
        ColumnKind::Timestamp | ColumnKind::Timestamptz => {
            MetaSchema::new_with_format("string", "date-time")
        }
        ColumnKind::Date => MetaSchema::new_with_format("string", "date"),
        ColumnKind::Json => MetaSchema::ANY,
    }
}

/// The magnitude `numeric(precision, scale)` stays below: 10^(precision - scale), as the
/// store checks it (`numeric(5, 2)` holds up to 999.99). An exact power of ten, so the bound
/// is exact in the document too (999.99… is not a binary fraction).
fn numeric_bound((precision, scale): (u32, u32)) -> f64 {
    let digits = precision.saturating_sub(scale);
    10f64.powi(i32::try_from(digits).unwrap_or(i32::MAX))
}

fn column_schema(
    addon: &str,
    model: &ModelDescriptor,
    column: &ColumnDescriptor,
    nullable: bool,
) -> MetaSchemaRef {
    let nullable = nullable && column.kind != ColumnKind::Json;
    if let Some((name, _)) = option_set(addon, model, column) {
        let reference = MetaSchemaRef::Reference(name);
        if !nullable {
            return reference;
        }
        // OpenAPI 3.0 ignores siblings of `$ref`: a nullable reference is `allOf` + `nullable`.
        return MetaSchemaRef::Inline(Box::new(MetaSchema {
            all_of: vec![reference],
            nullable: true,
            ..MetaSchema::ANY
        }));
    }
    MetaSchemaRef::Inline(Box::new(MetaSchema {
        nullable,
        ..value_schema(column)
    }))
}

/// `schema` refusing blank text when `required` (the server trims text and refuses an empty
/// value of a required column): at least one character, one of them not white space.
fn not_blank(schema: MetaSchemaRef, required: bool) -> MetaSchemaRef {
    match schema {
        MetaSchemaRef::Inline(schema)
            if required && schema.ty == "string" && schema.format.is_none() =>
        {
            MetaSchemaRef::Inline(Box::new(MetaSchema {
                min_length: Some(schema.min_length.unwrap_or(0).max(1)),
                pattern: Some(r"\S".to_string()),
                ..*schema
            }))
        }
        other => other,
    }
}

/// A decimal as JSON text (what a numeric column also takes, for exact digits): a superset of
/// what the server parses, so that no text it takes falls outside the schema.
const DECIMAL_TEXT: &str = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";
/// The same, or blank (null).
const DECIMAL_TEXT_OR_BLANK: &str = r"^(\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*)?$";

/// `schema` of a request body's `column` with the text the server also takes: a numeric
/// column's decimal string (JSON numbers lose digits), and `""` when `nullable` — forms send
/// an empty field as `""`, which the server reads as null for every column that is not plain text (`http-api.md` §4.1). Plain
/// text (no format, no pattern) and option sets take `""` as a value already, or refuse it.
fn or_blank(schema: MetaSchemaRef, column: &ColumnDescriptor, nullable: bool) -> MetaSchemaRef {
    let MetaSchemaRef::Inline(schema) = schema else {
        return schema;
    };
    let numeric = matches!(column.kind, ColumnKind::Numeric(_));
    let plain_text = schema.ty == "string" && schema.format.is_none() && schema.pattern.is_none();
    if !numeric && (!nullable || plain_text || schema.ty.is_empty() || !schema.all_of.is_empty()) {
        return MetaSchemaRef::Inline(schema);
    }
    // `maxLength: 0`, not `enum: [""]`: a generator would make the latter an enum with an
    // unnamed member (openapi-typescript's `--enum` emits invalid TypeScript for it).
    let blank = if numeric {
        MetaSchema {
            pattern: Some(
                if nullable {
                    DECIMAL_TEXT_OR_BLANK
                } else {
                    DECIMAL_TEXT
                }
                .to_string(),
            ),
            ..MetaSchema::new("string")
        }
    } else {
        MetaSchema {
            max_length: Some(0),
            ..MetaSchema::new("string")
        }
    };
    MetaSchemaRef::Inline(Box::new(MetaSchema {
        any_of: vec![
            MetaSchemaRef::Inline(Box::new(MetaSchema {
                nullable: false,
                ..*schema
            })),
            MetaSchemaRef::Inline(Box::new(blank)),
        ],
        nullable,
        ..MetaSchema::ANY
    }))
}

fn object_schema(
    properties: Vec<(&'static str, MetaSchemaRef)>,
    required: Vec<&'static str>,
    description: &'static str,
) -> MetaSchema {
    MetaSchema {
        description: Some(description),
        properties,
        required,
        ..MetaSchema::new("object")
    }
}

macro_rules! schema_type {
    ($ty:ident, $suffix:literal, $build:expr) => {
        named_schema_type!(
            impl[M: ModelSchema] $ty<M>,
            name: Cow::Owned(format!("{}{}", M::NAME, $suffix)),
            register: |registry| {
                register_option_sets(registry, M::addon(), M::model());
                registry.create_schema::<Self, _>(Self::name().into_owned(), |_| {
                    let build: fn(&str, &'static ModelDescriptor) -> MetaSchema = $build;
                    build(M::addon(), M::model())
                });
            }
        );
    };
}

schema_type!(Row, "Row", |addon, model| {
    let siblings = siblings::of(model);
    let mut schema = object_schema(
        served_columns(model)
            .map(|c| (c.name, column_schema(addon, model, c, c.nullable)))
            .collect(),
        served_columns(model).map(|c| c.name).collect(),
        "A row as served, with the label of each reference beside it.",
    );
    for sibling in siblings {
        schema
            .properties
            .push((sibling.key, sibling_schema(sibling.form)));
        schema.required.push(sibling.key);
    }
    schema
});

/// The schema of a reference's sibling (`null` when unresolved).
fn sibling_schema(form: Form) -> MetaSchemaRef {
    let schema = match form {
        Form::Pair => MetaSchema {
            description: Some("The referenced row: its id and display label (`null` when the reference is empty or the row is not visible)."),
            properties: vec![
                ("value", shape::formatted("uuid")),
                ("label", shape::string()),
            ],
            required: vec!["value", "label"],
            nullable: true,
            ..MetaSchema::new("object")
        },
        Form::Label => MetaSchema {
            description: Some("The referenced row's display label (`null` when the reference is empty or the row is not visible)."),
            nullable: true,
            ..MetaSchema::new("string")
        },
    };
    MetaSchemaRef::Inline(Box::new(schema))
}

/// The body of a create: any JSON object (unknown keys are ignored); documented with the
/// model's writable columns and which of them are required.
pub struct CreateBody<M> {
    /// The submitted fields.
    pub fields: Map<String, Value>,
    model: PhantomData<fn() -> M>,
}

/// The body of an update: only the keys present change.
pub struct UpdateBody<M> {
    /// The submitted fields.
    pub fields: Map<String, Value>,
    model: PhantomData<fn() -> M>,
}

// The tenancy column is left out: the server sets it, and takes it only when it repeats the
// caller's organisation. `null` is "the default" for a column that has one, and "generate
// one" for the id.
schema_type!(CreateBody, "Create", |addon, model| object_schema(
    model
        .columns
        .iter()
        .filter(|c| writable(c) && c.role != ColumnRole::Tenancy)
        .map(|c| (c.name, {
            let nullable = c.nullable || c.has_default || c.role == ColumnRole::Id;
            or_blank(
                not_blank(
                    column_schema(addon, model, c, nullable),
                    required_on_create(c),
                ),
                c,
                nullable,
            )
        }))
        .collect(),
    model
        .columns
        .iter()
        .filter(|c| required_on_create(c))
        .map(|c| c.name)
        .collect(),
    "The fields of a new row. `id` is optional; the tenancy column is set by the server.",
));

// `id` and the tenancy column are left out: the server takes them only when they repeat the
// row's own values (clients that send a whole row back), so no value a client would choose
// is valid. A column is nullable here only when it is in the table.
schema_type!(UpdateBody, "Update", |addon, model| {
    object_schema(
    model
        .columns
        .iter()
        .filter(|c| writable(c) && c.role == ColumnRole::Data)
        .map(|c| {
            let schema = not_blank(column_schema(addon, model, c, c.nullable), required_on_create(c));
            (c.name, or_blank(schema, c, c.nullable))
        })
        .collect(),
    Vec::new(),
    "The fields to change; absent keys keep their value. `id` and the tenancy column cannot change (sent, they must equal the row's own).",
)
});

fn object_only<T: Type>(value: Option<Value>) -> Result<Map<String, Value>, ParseError<T>> {
    match value {
        Some(Value::Object(fields)) => Ok(fields),
        _ => Err(ParseError::custom("the body must be a JSON object")),
    }
}

impl<M: ModelSchema> ParseFromJSON for CreateBody<M> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Ok(CreateBody {
            fields: object_only::<Self>(value)?,
            model: PhantomData,
        })
    }
}

impl<M: ModelSchema> ParseFromJSON for UpdateBody<M> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Ok(UpdateBody {
            fields: object_only::<Self>(value)?,
            model: PhantomData,
        })
    }
}

/// Poem-openapi needs request bodies to be printable too (examples); they print as sent.
impl<M: ModelSchema> ToJSON for CreateBody<M> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Object(self.fields.clone()))
    }
}

impl<M: ModelSchema> ToJSON for UpdateBody<M> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Object(self.fields.clone()))
    }
}
