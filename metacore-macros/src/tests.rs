//! Expansion snapshots: the expansion function on struct token streams.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::expand;

/// The expansion, formatted (compile errors included, as `compile_error!` items).
fn expanded(attr: TokenStream, item: TokenStream) -> String {
    let file: syn::File = syn::parse2(expand(attr, item)).expect("the expansion parses");
    prettyplease::unparse(&file)
}

#[test]
fn contact() {
    insta::assert_snapshot!(expanded(
        quote!(
            addon = "crm",
            table = "contacts",
            key = "Contact",
            label = "Contacts",
            version = "1.0.0"
        ),
        quote! {
            #[derive(Clone, Debug)]
            pub struct Contact {
                #[metacore(max_length = 120, label = "Name")]
                pub name: String,
                #[metacore(unique)]
                pub email: Option<String>,
                #[metacore(options = ["lead", "customer"], default = "lead")]
                pub stage: String,
                pub score: i32,
            }
        },
    ));
}

#[test]
fn every_type() {
    insta::assert_snapshot!(expanded(
        quote!(addon = "shop", version = "2.0.0", soft_delete),
        quote! {
            struct Order {
                pub customer: Uuid,
                #[metacore(index)]
                pub number: i64,
                pub paid: bool,
                #[metacore(precision = 18, scale = 4, default = 0)]
                pub total: rust_decimal::Decimal,
                pub discount: Option<Decimal>,
                pub placed_at: chrono::DateTime<chrono::Utc>,
                pub shipped_at: Option<DateTimeUtc>,
                pub ship_by: Option<NaiveDateTime>,
                pub due_on: Option<NaiveDate>,
                pub attributes: Option<serde_json::Value>,
            }
        },
    ));
}

#[test]
fn errors_point_at_what_produced_them() {
    insta::assert_snapshot!(expanded(
        quote!(addon = "crm", table = "contacts", tabel = "x"),
        quote! {
            pub struct Contact {
                #[metacore(max_len = 120, unique = "yes")]
                pub name: String,
                pub ratio: f64,
                #[metacore(max_length = 10)]
                pub score: i32,
            }
        },
    ));
    insta::assert_snapshot!(expanded(
        quote!(addon = "crm", table = "contacts"),
        quote! {
            pub struct Contact {
                #[metacore(max_length = 0)]
                pub name: String,
                #[metacore(name = "name")]
                pub other: String,
            }
        },
    ));
}
