//! `tests/roundtrip.rs` of the generated crate: the generated code, run.
//!
//! On a fresh SQLite database and a fresh PostgreSQL database, the test applies every
//! migration, then inserts one row per model through its entity — parents before the
//! children that reference them, every column set, decimals at full precision — reads each
//! back by id and compares it field by field, follows each unambiguous `belongs_to` relation,
//! and checks that a reference to a missing row is refused by the database.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::entity::related_parents;
use super::names::snake_ident;
use super::references::AddonReferences;
use super::rust_file;
use super::schema::AddonSchema;
use crate::ir::{Addon, Column, ColumnType, Model, SystemRole};
use crate::ui;

/// The test file for `addons`, or `None` when no addon has a model.
pub fn emit(addons: &[&Addon], crate_name: &str) -> Option<String> {
    let krate = snake_ident(&crate_name.replace('-', "_"));
    let blocks: Vec<TokenStream> = addons
        .iter()
        .flat_map(|addon| {
            let references = AddonReferences::of(addon);
            let order = ordered_models(&references);
            let krate = &krate;
            order
                .iter()
                .enumerate()
                .map(|(i, m)| model_block(krate, &references, m, &order[..i]))
                .collect::<Vec<_>>()
        })
        .collect();
    if blocks.is_empty() {
        return None;
    }
    let fk_check = addons
        .iter()
        .find_map(|addon| foreign_key_check(&krate, addon));
    let uses = |wanted: fn(ColumnType) -> bool| {
        addons
            .iter()
            .flat_map(|a| &a.models)
            .flat_map(|m| &m.columns)
            .any(|c| c.role != SystemRole::Tenancy && wanted(c.column_type))
    };
    let numeric_helper = uses(|t| matches!(t, ColumnType::Numeric(_))).then(|| {
        quote! {
            fn numeric(text: &str) -> metacore_runtime::types::Numeric {
                text.parse().expect("a valid sample decimal")
            }
        }
    });
    let timestamp_helper = uses(|t| t.is_timestamp() || t == ColumnType::Date).then(|| {
        quote! {
            fn timestamp() -> DateTime {
                Date::from_ymd_opt(2026, 1, 2)
                    .and_then(|d| d.and_hms_micro_opt(3, 4, 5, 123_456))
                    .expect("a valid sample timestamp")
            }
        }
    });
    let tenancy = addons
        .iter()
        .flat_map(|a| &a.models)
        .any(|m| m.tenancy_column().is_some());
    let org = tenancy.then(|| {
        quote! {
            /// The organisation every sample row belongs to.
            const ORG: Uuid = Uuid::from_u128(0x0e9a_0000_0000_0000_0000_0000_0000_0001);
        }
    });
    let tokens = quote! {
        //! Every model of this crate, through its generated entity, on SQLite and PostgreSQL.

        use #krate::migrations::Migrator;
        use metacore_runtime::testing;
        use sea_orm::entity::prelude::*;
        use sea_orm::ActiveValue::Set;
        use sea_orm_migration::MigratorTrait;

        #org

        #timestamp_helper

        #numeric_helper

        async fn every_model_round_trips(db: &DatabaseConnection) {
            Migrator::up(db, None).await.expect("the migrations apply");
            #(#blocks)*
            #fk_check
        }

        #[tokio::test]
        async fn every_model_round_trips_on_sqlite() {
            every_model_round_trips(&testing::sqlite_database("roundtrip").await).await;
        }

        #[tokio::test]
        async fn every_model_round_trips_on_postgres() {
            if let Some(db) = testing::postgres_database("roundtrip").await {
                every_model_round_trips(&db).await;
            }
        }
    };
    Some(rust_file(tokens))
}

/// Models with the ones they reference first (cycles broken in manifest order).
fn ordered_models<'a>(references: &AddonReferences<'a>) -> Vec<&'a Model> {
    let models = &references.addon().models;
    // Kahn's algorithm, always taking the first ready model in manifest order; when none is
    // ready (a cycle), the first model left goes next.
    let mut waiting_on: Vec<usize> = models
        .iter()
        .map(|m| {
            let parents = references.from(m).iter();
            parents.filter(|r| r.target.table != m.table).count()
        })
        .collect();
    let mut ready: BinaryHeap<Reverse<usize>> = (0..models.len())
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut placed = vec![false; models.len()];
    let mut order: Vec<&'a Model> = Vec::with_capacity(models.len());
    while order.len() < models.len() {
        let next = match ready.pop() {
            Some(Reverse(i)) if placed[i] => continue,
            Some(Reverse(i)) => i,
            None => placed.iter().position(|p| !p).expect("a model is left"),
        };
        placed[next] = true;
        order.push(&models[next]);
        for (child, _) in references.to(&models[next]) {
            let child = references.position(child);
            waiting_on[child] = waiting_on[child].saturating_sub(1);
            if waiting_on[child] == 0 && !placed[child] {
                ready.push(Reverse(child));
            }
        }
    }
    order
}

/// The sample id of `model`'s row: stable, distinct per table.
fn sample_id(addon: &Addon, model: &Model) -> u128 {
    let name = format!("{}.{}", addon.key, model.table);
    name.bytes().fold(0x6a09_e667_f3bc_c908_u128, |h, b| {
        (h ^ u128::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) >> 8
}

fn model_block(
    krate: &Ident,
    references: &AddonReferences,
    model: &Model,
    earlier: &[&Model],
) -> TokenStream {
    let addon = references.addon();
    let addon_module = snake_ident(&addon.key.replace('-', "_"));
    let entity = entity_path(krate, addon, model);
    let own_references = references.from(model);
    let row = active_model(&entity, model, |column| {
        let reference = own_references
            .iter()
            .find(|r| r.column == column.name && r.target_column == "id");
        match reference {
            // A parent not inserted yet (a cycle): leave the optional reference empty.
            Some(r)
                if nullable(column)
                    && r.target.table != model.table
                    && !earlier.iter().any(|m| m.table == r.target.table) =>
            {
                None
            }
            Some(r) => Some(uuid_literal(sample_id(addon, r.target))),
            None if column.role == SystemRole::Id => Some(uuid_literal(sample_id(addon, model))),
            None => Some(sample_value(column)),
        }
    });
    let id = uuid_literal(sample_id(addon, model));
    let what = format!("{}.{}", addon.key, model.table);
    // Parents inserted before this row (optional references to later ones stay empty).
    let related = related_parents(references, model)
        .into_iter()
        .filter(|target| earlier.iter().any(|m| &m.table == target))
        .map(|target| {
            let target_module = snake_ident(&target);
            let message = format!("{what} reaches its `{target}` row");
            quote! {
                let parent = inserted
                    .find_related(#krate::#addon_module::entities::#target_module::Entity)
                    .one(db)
                    .await
                    .expect("the related query runs");
                assert!(parent.is_some(), #message);
            }
        });
    quote! {
        {
            let inserted = #row
            .insert(db)
            .await
            .expect(concat!("insert into ", #what));
            let read = #entity::Entity::find_by_id(#id)
                .one(db)
                .await
                .expect(concat!("select from ", #what));
            assert_eq!(read.as_ref(), Some(&inserted), concat!(#what, " reads back what was written"));
            #(#related)*
        }
    }
}

/// `Uuid::from_u128(0x…)`.
fn uuid_literal(id: u128) -> TokenStream {
    let literal: proc_macro2::Literal = format!("{id:#034x}").parse().expect("a hex literal");
    quote!(Uuid::from_u128(#literal))
}

fn nullable(column: &Column) -> bool {
    column.nullable && !matches!(column.role, SystemRole::Id | SystemRole::Tenancy)
}

fn sample_value(column: &Column) -> TokenStream {
    if column.role == SystemRole::Tenancy {
        return quote!(ORG);
    }
    match column.column_type {
        ColumnType::Uuid => quote!(Uuid::from_u128(42)),
        ColumnType::Text | ColumnType::Varchar(_) => {
            let limit = match column.column_type {
                ColumnType::Varchar(n) => n as usize,
                _ => usize::MAX,
            };
            let text: String = ui::static_option_values(column)
                .into_iter()
                .next()
                .unwrap_or_else(|| format!("sample {} ✓", column.name))
                .chars()
                .take(limit)
                .collect();
            quote!(#text.to_string())
        }
        ColumnType::Integer => quote!(7),
        ColumnType::Bigint => quote!(7_000_000_001),
        ColumnType::Numeric(precision) => {
            let text = sample_decimal(precision);
            quote!(numeric(#text))
        }
        ColumnType::Boolean => quote!(true),
        ColumnType::Timestamp => quote!(timestamp()),
        ColumnType::Timestamptz => quote!(timestamp().and_utc()),
        ColumnType::Date => quote!(timestamp().date()),
        ColumnType::Json | ColumnType::Jsonb | ColumnType::Vector(_) => {
            quote!(Json::from(vec![
                Json::from("sample"),
                Json::from(12.5),
                Json::Null
            ]))
        }
    }
}

/// A decimal using as many digits as the column (and `rust_decimal`) holds, with trailing
/// zeros, so any loss of precision or scale shows.
fn sample_decimal(precision: Option<(u32, u32)>) -> String {
    let (whole, fraction) = match precision {
        Some((p, s)) => ((p - s).min(14), s.min(10)),
        None => (14, 10),
    };
    let digits = |n: u32, start: u32| -> String {
        (0..n)
            .map(|i| char::from(b'1' + ((start + i) % 9) as u8))
            .collect()
    };
    let whole = if whole == 0 {
        "0".to_string()
    } else {
        digits(whole, 0)
    };
    match fraction {
        0 => whole,
        1 => format!("{whole}.0"),
        n => format!("{whole}.{}0", digits(n - 1, 3)),
    }
}

/// A statement inserting a row that references a missing parent, which the database must
/// refuse: the first physical single-column foreign key of the addon.
fn foreign_key_check(krate: &Ident, addon: &Addon) -> Option<TokenStream> {
    let schema = AddonSchema::of(addon);
    let (table, fk) = schema.tables.iter().find_map(|(name, t)| {
        t.foreign_keys
            .values()
            .find(|fk| fk.columns.len() == 1)
            .map(|fk| (name, fk))
    })?;
    let model = addon.models.iter().find(|m| &m.table == table)?;
    let message = format!(
        "{}.{} refuses a reference to a missing row",
        addon.key, table
    );
    let block = model_block_with_missing_parent(krate, addon, model, &fk.columns[0]);
    Some(quote! {
        {
            let refused = #block;
            assert!(refused.is_err(), #message);
        }
    })
}

fn model_block_with_missing_parent(
    krate: &Ident,
    addon: &Addon,
    model: &Model,
    fk_column: &str,
) -> TokenStream {
    let entity = entity_path(krate, addon, model);
    let row = active_model(&entity, model, |column| {
        Some(if column.name == fk_column {
            uuid_literal(0xdead)
        } else if column.role == SystemRole::Id {
            uuid_literal(0xbeef)
        } else {
            sample_value(column)
        })
    });
    quote! {
        #row
        .insert(db)
        .await
    }
}

/// `<crate>::<addon>::entities::<table>`.
fn entity_path(krate: &Ident, addon: &Addon, model: &Model) -> TokenStream {
    let addon_module = snake_ident(&addon.key.replace('-', "_"));
    let module = snake_ident(&model.table);
    quote!(#krate::#addon_module::entities::#module)
}

/// `<entity>::ActiveModel { … }` with every column set to `value_of(column)`; `None` stores
/// NULL in a nullable column.
fn active_model(
    entity: &TokenStream,
    model: &Model,
    value_of: impl Fn(&Column) -> Option<TokenStream>,
) -> TokenStream {
    let fields = model.columns.iter().map(|column| {
        let name = snake_ident(&column.name);
        let value = match value_of(column) {
            Some(value) if nullable(column) => quote!(Some(#value)),
            Some(value) => value,
            None => quote!(None),
        };
        quote!(#name: Set(#value),)
    });
    quote! {
        #entity::ActiveModel {
            #(#fields)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sample_decimal;

    #[test]
    fn sample_decimals_fill_the_precision() {
        assert_eq!(sample_decimal(Some((18, 4))), "12345678912345.4560");
        assert_eq!(sample_decimal(Some((12, 2))), "1234567891.40");
        assert_eq!(sample_decimal(Some((3, 3))), "0.450");
        assert_eq!(sample_decimal(Some((5, 0))), "12345");
    }
}
