//! Registry values as Rust expressions: how code generation writes what [`super::values`]
//! decided. Nothing here maps IR to values; each impl spells one registry type's value as the
//! struct or enum expression that builds it (the types must be in scope where it lands).

use metacore_core::registry::{
    ActionDescriptor, Audience, ColumnDescriptor, ColumnKind, ColumnRole, DeclaredCapability,
    FormField, FormValue, Handler, HookDescriptor, NotificationRule, PayloadFilter, RoleGrants,
    SettingDescriptor, SubscriptionDescriptor, ToolDescriptor, WasmHandlerRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// A registry value written as the Rust expression that builds it.
pub(crate) trait ToRust {
    /// The expression.
    fn to_rust(&self) -> TokenStream;
}

impl ToRust for &str {
    fn to_rust(&self) -> TokenStream {
        quote!(#self)
    }
}

impl ToRust for bool {
    fn to_rust(&self) -> TokenStream {
        quote!(#self)
    }
}

impl ToRust for u32 {
    fn to_rust(&self) -> TokenStream {
        let literal = Literal::u32_unsuffixed(*self);
        quote!(#literal)
    }
}

impl ToRust for u64 {
    fn to_rust(&self) -> TokenStream {
        let literal = Literal::u64_unsuffixed(*self);
        quote!(#literal)
    }
}

impl<T: ToRust> ToRust for Option<T> {
    fn to_rust(&self) -> TokenStream {
        match self {
            Some(value) => {
                let value = value.to_rust();
                quote!(Some(#value))
            }
            None => quote!(None),
        }
    }
}

impl<T: ToRust> ToRust for &[T] {
    fn to_rust(&self) -> TokenStream {
        let items = self.iter().map(ToRust::to_rust);
        quote!(&[#(#items),*])
    }
}

impl ToRust for Handler {
    fn to_rust(&self) -> TokenStream {
        match self {
            Handler::Wasm { function } => quote!(Handler::Wasm { function: #function }),
            Handler::Webhook { url, method } => {
                quote!(Handler::Webhook { url: #url, method: #method })
            }
            Handler::Compiled { function } => quote!(Handler::Compiled { function: #function }),
            Handler::Connector { connector, export } => {
                quote!(Handler::Connector { connector: #connector, export: #export })
            }
            Handler::Noop => quote!(Handler::Noop),
            Handler::None => quote!(Handler::None),
        }
    }
}

impl ToRust for ActionDescriptor {
    fn to_rust(&self) -> TokenStream {
        let key = self.key;
        let model = self.model.to_rust();
        let placement = self.placement;
        let states = self.requires_state.to_rust();
        let fields = self.fields.to_rust();
        let idempotency_key = self.idempotency_key.to_rust();
        let handler = self.handler.to_rust();
        quote! {
            ActionDescriptor {
                key: #key,
                model: #model,
                placement: #placement,
                requires_state: #states,
                fields: #fields,
                idempotency_key: #idempotency_key,
                handler: #handler,
            }
        }
    }
}

impl ToRust for FormField {
    fn to_rust(&self) -> TokenStream {
        let key = self.key;
        let value = self.value.to_rust();
        let required = self.required;
        quote!(FormField { key: #key, value: #value, required: #required })
    }
}

impl ToRust for FormValue {
    fn to_rust(&self) -> TokenStream {
        match self {
            FormValue::Text => quote!(FormValue::Text),
            FormValue::Boolean => quote!(FormValue::Boolean),
            FormValue::Number => quote!(FormValue::Number),
            FormValue::Integer => quote!(FormValue::Integer),
            FormValue::OneOf(options) => {
                let options = options.to_rust();
                quote!(FormValue::OneOf(#options))
            }
            FormValue::Any => quote!(FormValue::Any),
        }
    }
}

impl ToRust for ToolDescriptor {
    fn to_rust(&self) -> TokenStream {
        let key = self.key;
        let name = self.name;
        let description = self.description;
        let schema = self.input_schema_json.to_rust();
        let timeout = self.timeout_ms.to_rust();
        let handler = self.handler.to_rust();
        quote! {
            ToolDescriptor {
                key: #key,
                name: #name,
                description: #description,
                input_schema_json: #schema,
                timeout_ms: #timeout,
                handler: #handler,
            }
        }
    }
}

impl ToRust for SubscriptionDescriptor {
    fn to_rust(&self) -> TokenStream {
        let event = self.event;
        let filter = self.filter.to_rust();
        let handler = self.handler.to_rust();
        quote!(SubscriptionDescriptor { event: #event, filter: #filter, handler: #handler })
    }
}

impl ToRust for Audience {
    fn to_rust(&self) -> TokenStream {
        match self {
            Audience::Org => quote!(Audience::Org),
            Audience::Roles(roles) => {
                let roles = roles.to_rust();
                quote!(Audience::Roles(#roles))
            }
            Audience::Actor => quote!(Audience::Actor),
            Audience::Field(path) => quote!(Audience::Field(#path)),
        }
    }
}

impl ToRust for PayloadFilter {
    fn to_rust(&self) -> TokenStream {
        let path = self.path;
        let values = self.values.to_rust();
        quote!(PayloadFilter { path: #path, values: #values })
    }
}

impl ToRust for NotificationRule {
    fn to_rust(&self) -> TokenStream {
        let key = self.key;
        let on = self.on;
        let title = self.title;
        let body = self.body.to_rust();
        let severity = self.severity;
        let icon = self.icon.to_rust();
        let link = self.link.to_rust();
        let to = self.to.to_rust();
        let exclude_actor = self.exclude_actor;
        let when = self.when.to_rust();
        let entered = self.entered.to_rust();
        quote! {
            NotificationRule {
                key: #key,
                on: #on,
                title: #title,
                body: #body,
                severity: #severity,
                icon: #icon,
                link: #link,
                to: #to,
                exclude_actor: #exclude_actor,
                when: #when,
                entered: #entered,
            }
        }
    }
}

impl ToRust for HookDescriptor {
    fn to_rust(&self) -> TokenStream {
        let hook = self.hook;
        let from = self.from.to_rust();
        let handler = self.handler.to_rust();
        quote!(HookDescriptor { hook: #hook, from: #from, handler: #handler })
    }
}

impl ToRust for SettingDescriptor {
    fn to_rust(&self) -> TokenStream {
        let key = self.key;
        let setting_type = self.setting_type;
        let label = self.label.to_rust();
        let default = self.default_json.to_rust();
        let required = self.required;
        let options = self.options.to_rust();
        let validation = self.validation.to_rust();
        quote! {
            SettingDescriptor {
                key: #key,
                setting_type: #setting_type,
                label: #label,
                default_json: #default,
                required: #required,
                options: #options,
                validation: #validation,
            }
        }
    }
}

impl ToRust for WasmHandlerRef {
    fn to_rust(&self) -> TokenStream {
        let function = self.function;
        let pointer = self.pointer;
        quote!(WasmHandlerRef { function: #function, pointer: #pointer })
    }
}

impl ToRust for RoleGrants {
    fn to_rust(&self) -> TokenStream {
        let role = self.role;
        let grants = self.grants.to_rust();
        quote!(RoleGrants { role: #role, grants: #grants })
    }
}

impl ToRust for DeclaredCapability {
    fn to_rust(&self) -> TokenStream {
        let kind = self.kind;
        let target = self.target;
        quote!(DeclaredCapability { kind: #kind, target: #target })
    }
}

impl ToRust for ColumnDescriptor {
    fn to_rust(&self) -> TokenStream {
        let name = self.name;
        let kind = self.kind.to_rust();
        let nullable = self.nullable;
        let role = self.role.to_rust();
        let has_default = self.has_default;
        let generated = self.generated;
        let options = self.options.to_rust();
        let reference = self.reference.to_rust();
        quote! {
            ColumnDescriptor {
                name: #name,
                kind: #kind,
                nullable: #nullable,
                role: #role,
                has_default: #has_default,
                generated: #generated,
                options: #options,
                reference: #reference,
            }
        }
    }
}

impl ToRust for ColumnKind {
    fn to_rust(&self) -> TokenStream {
        match self {
            ColumnKind::Uuid => quote!(ColumnKind::Uuid),
            ColumnKind::Text => quote!(ColumnKind::Text),
            ColumnKind::Varchar(n) => {
                let n = n.to_rust();
                quote!(ColumnKind::Varchar(#n))
            }
            ColumnKind::Integer => quote!(ColumnKind::Integer),
            ColumnKind::Bigint => quote!(ColumnKind::Bigint),
            ColumnKind::Numeric(Some((precision, scale))) => {
                let (precision, scale) = (precision.to_rust(), scale.to_rust());
                quote!(ColumnKind::Numeric(Some((#precision, #scale))))
            }
            ColumnKind::Numeric(None) => quote!(ColumnKind::Numeric(None)),
            ColumnKind::Boolean => quote!(ColumnKind::Boolean),
            ColumnKind::Timestamp => quote!(ColumnKind::Timestamp),
            ColumnKind::Timestamptz => quote!(ColumnKind::Timestamptz),
            ColumnKind::Date => quote!(ColumnKind::Date),
            ColumnKind::Json => quote!(ColumnKind::Json),
        }
    }
}

impl ToRust for ColumnRole {
    fn to_rust(&self) -> TokenStream {
        match self {
            ColumnRole::Data => quote!(ColumnRole::Data),
            ColumnRole::Id => quote!(ColumnRole::Id),
            ColumnRole::Tenancy => quote!(ColumnRole::Tenancy),
            ColumnRole::CreatedAt => quote!(ColumnRole::CreatedAt),
            ColumnRole::UpdatedAt => quote!(ColumnRole::UpdatedAt),
            ColumnRole::DeletedAt => quote!(ColumnRole::DeletedAt),
            ColumnRole::CreatedBy => quote!(ColumnRole::CreatedBy),
            ColumnRole::UpdatedBy => quote!(ColumnRole::UpdatedBy),
        }
    }
}
