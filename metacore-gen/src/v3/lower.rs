//! v3 → IR (`manifest.md` §5.2).
//!
//! The document has passed the upstream schema, so lowering is mostly renaming; what it adds
//! is the IR's defaults (implicit `id`, the tenancy column under `schema` isolation, nav URLs,
//! the frontend container), model resolution for single-column foreign keys, and the reading
//! of column defaults (§6.3.2), whose problems it reports. Everything else is judged by
//! [`crate::checks`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use super::types as v3;
use crate::defaults;
use crate::diagnostics::Diagnostic;
use crate::ir::{self, *};
use crate::json::Node;
use crate::semver::{Range, Version};

/// Lowers a schema-valid v3 manifest. `root` is the same document as a span tree (for exact
/// number text); diagnostics found while lowering go to `out`.
pub fn lower(manifest: &v3::ManifestV3, root: &Node, out: &mut Vec<Diagnostic>) -> Addon {
    let meta = &manifest.metadata;
    let tenancy = lower_tenancy(manifest.tenancy.as_ref());
    let (kernel, requires) = lower_requirements(&manifest.compatibility);
    let contributions = manifest.contributions.as_ref();
    let models: Vec<Model> = manifest
        .models
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, m)| lower_model(m, &format!("/models/{i}"), &tenancy, root, out))
        .collect();
    let mut addon = Addon {
        key: meta.key.clone(),
        name: meta.name.clone(),
        // The schema checked the pattern; the strict parse cannot fail on it.
        version: Version::parse_strict(&meta.version).unwrap_or_else(|| Version::new(0, 0, 0)),
        dialect: Dialect::V3,
        kind: match manifest.kind {
            v3::Kind::Addon => PackageKind::Addon,
            v3::Kind::Preset => PackageKind::Preset,
            v3::Kind::Theme => PackageKind::Theme,
            v3::Kind::ConnectorPack => PackageKind::ConnectorPack,
        },
        info: AddonInfo {
            description: meta.description.clone(),
            category: meta.category.clone(),
            icon: meta.icon.as_ref().map(|icon| Icon {
                icon_type: icon.icon_type.as_str().to_string(),
                slug: icon.slug.clone(),
                color: icon.color.clone(),
            }),
            author: meta.author.clone(),
            website: meta.website.clone(),
            license: meta.license.clone(),
            readme: meta.readme.clone(),
            features: meta.features.clone().unwrap_or_default(),
            screenshots: meta.screenshots.clone().unwrap_or_default(),
            countries: meta.countries.clone().unwrap_or_default(),
        },
        kernel,
        requires,
        provides: manifest.compatibility.provides.clone().unwrap_or_default(),
        tenancy,
        capabilities: manifest
            .capabilities
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| Capability {
                kind: c.kind.as_str().to_string(),
                target: c.target.clone(),
                reason: c.reason.clone(),
                src: format!("/capabilities/{i}"),
            })
            .collect(),
        models,
        frontend: manifest.frontend.as_ref().map(|f| Frontend {
            entry: f.entry.clone(),
            format: f.format.as_str().to_string(),
            expose: f.expose.clone(),
            integrity: f.integrity.clone(),
            container: f
                .container
                .clone()
                .unwrap_or_else(|| format!("metacore_{}", meta.key)),
            layout: f.layout.map(|l| l.as_str().to_string()),
        }),
        navigation: Vec::new(),
        actions: contributions
            .and_then(|c| c.actions.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, a)| lower_action(a, &format!("/contributions/actions/{i}")))
            .collect(),
        tools: contributions
            .and_then(|c| c.tools.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, t)| {
                let src = format!("/contributions/tools/{i}");
                Tool {
                    key: t.key.clone(),
                    label: None,
                    description: t.description.clone(),
                    input_schema: t.input_schema.clone(),
                    handler: match &t.handler {
                        Some(h) => lower_handler(h, &format!("{src}/handler")),
                        None => Handler {
                            kind: HandlerKind::None,
                            src: src.clone(),
                            target_src: src.clone(),
                        },
                    },
                    timeout_secs: None,
                    hints: BTreeMap::new(),
                    src,
                }
            })
            .collect(),
        subscriptions: Vec::new(),
        notifications: Vec::new(),
        slots: contributions
            .and_then(|c| c.slots.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| SlotContribution {
                slot_kind: s.slot_kind.clone(),
                entry: s.entry.clone(),
                order: s.order.unwrap_or(0),
                permission: s.permission.clone(),
                src: format!("/contributions/slots/{i}"),
            })
            .collect(),
        published_events: Vec::new(),
        slot_kinds: Vec::new(),
        extensions_accepted: Vec::new(),
        lifecycle: lower_lifecycle(manifest.lifecycle.as_ref()),
        i18n: manifest
            .i18n
            .as_ref()
            .map(|i| I18n {
                default_locale: Some(i.default_locale.clone()),
                bundles: i
                    .bundles
                    .iter()
                    .map(|b| (b.locale.clone(), b.path.clone()))
                    .collect(),
                inline: BTreeMap::new(),
                src: "/i18n".into(),
            })
            .unwrap_or_default(),
        rbac: lower_rbac(manifest.rbac.as_ref()),
        settings: manifest
            .settings
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| lower_setting(s, &format!("/settings/{i}")))
            .collect(),
        backend: Backend::default(),
        advanced: advanced_blocks(manifest),
        extras: BTreeMap::new(),
    };
    if let Some(signature) = &manifest.signature {
        addon.extras.insert("signature".into(), to_json(signature));
    }
    if let Some(points) = &manifest.extension_points {
        addon.published_events = points
            .events
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, e)| Published {
                name: e.name.clone(),
                description: e.description.clone(),
                schema: e.payload_schema.clone().map(Json::String),
                src: format!("/extension_points/events/{i}"),
            })
            .collect();
        addon.slot_kinds = points
            .slot_kinds
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| Published {
                name: s.name.clone(),
                description: s.description.clone(),
                schema: s.props_schema.clone().map(Json::String),
                src: format!("/extension_points/slot_kinds/{i}"),
            })
            .collect();
        addon.extensions_accepted = points
            .model_extensions_accepted
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, name)| Named {
                name: name.clone(),
                src: format!("/extension_points/model_extensions_accepted/{i}"),
            })
            .collect();
    }
    addon.navigation = contributions
        .and_then(|c| c.navigation.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, g)| {
            let src = format!("/contributions/navigation/{i}");
            NavGroup {
                title: g.title.clone(),
                icon: g.icon.clone(),
                target: g.target.clone(),
                condition: g.condition.as_ref().map(to_json),
                items: lower_nav_items(&g.items, &format!("{src}/items"), &addon),
                src,
            }
        })
        .collect();
    addon.subscriptions = contributions
        .and_then(|c| c.subscriptions.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, s)| {
            let src = format!("/contributions/subscriptions/{i}");
            Subscription {
                event: normalise_event(&s.event, &addon, &format!("{src}/event"), out),
                handler: lower_handler(&s.handler, &format!("{src}/handler")),
                filter: s.filter.clone(),
                src,
            }
        })
        .collect();
    addon.notifications = contributions
        .and_then(|c| c.notifications.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, rule)| {
            lower_notification(
                rule,
                &addon,
                &format!("/contributions/notifications/{i}"),
                out,
            )
        })
        .collect();
    addon
}

fn lower_notification(
    rule: &v3::NotificationRule,
    addon: &Addon,
    src: &str,
    out: &mut Vec<Diagnostic>,
) -> NotificationRule {
    let to = rule.to.as_ref();
    let to = match to.and_then(|t| t.audience_type) {
        None | Some(v3::AudienceType::Org) => Audience::Org,
        Some(v3::AudienceType::Roles) => {
            Audience::Roles(to.and_then(|t| t.roles.clone()).unwrap_or_default())
        }
        Some(v3::AudienceType::Actor) => Audience::Actor,
        Some(v3::AudienceType::Field) => {
            Audience::Field(to.and_then(|t| t.path.clone()).unwrap_or_default())
        }
    };
    NotificationRule {
        key: rule.key.clone(),
        on: normalise_event(&rule.on, addon, &format!("{src}/on"), out),
        title: rule.title.clone(),
        body: rule.body.clone(),
        severity: rule.severity.map_or("info", |s| s.as_str()).to_string(),
        icon: rule.icon.clone(),
        link: rule.link.clone(),
        to,
        exclude_actor: rule.exclude_actor.unwrap_or(false),
        when: rule
            .when
            .iter()
            .flatten()
            .map(|(path, when)| {
                let values = match when {
                    v3::NotificationWhen::One(value) => vec![value.clone()],
                    v3::NotificationWhen::Any(values) => values.clone(),
                };
                (path.clone(), values)
            })
            .collect(),
        entered: rule
            .entered
            .as_ref()
            .map(|e| (e.field.clone(), e.values.clone())),
        src: src.to_string(),
    }
}

fn to_json<T: Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

fn lower_tenancy(tenancy: Option<&v3::Tenancy>) -> Tenancy {
    Tenancy {
        isolation: match tenancy.and_then(|t| t.isolation) {
            None | Some(v3::Isolation::Shared) => Isolation::Shared,
            Some(v3::Isolation::Schema) => Isolation::Schema,
            Some(v3::Isolation::Database) => Isolation::Database,
        },
        column: tenancy
            .and_then(|t| t.rls_column.clone())
            .unwrap_or_else(|| "organization_id".into()),
    }
}

fn lower_requirements(
    compatibility: &v3::Compatibility,
) -> (Option<Requirement>, Vec<Requirement>) {
    let mut kernel = None;
    let mut requires = Vec::new();
    for (i, r) in compatibility.requires.iter().enumerate() {
        let requirement = Requirement {
            key: r.key.clone(),
            range_text: r.version.clone(),
            range: Range::parse(&r.version).ok(),
            optional: r.optional.unwrap_or(false),
            reason: r.reason.clone(),
            src: format!("/compatibility/requires/{i}"),
        };
        if r.key == "kernel" && kernel.is_none() {
            kernel = Some(requirement);
        } else {
            requires.push(requirement);
        }
    }
    (kernel, requires)
}

fn lower_model(
    model: &v3::Model,
    src: &str,
    tenancy: &Tenancy,
    root: &Node,
    out: &mut Vec<Diagnostic>,
) -> Model {
    let mut columns: Vec<Column> = model
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| lower_column(c, &format!("{src}/columns/{i}"), tenancy, root, out))
        .collect();
    if !columns.iter().any(|c| c.primary_key) {
        match columns.iter_mut().find(|c| c.name == "id") {
            Some(id) => {
                id.primary_key = true;
                id.nullable = false;
                id.role = SystemRole::Id;
            }
            None => columns.insert(0, implicit_id(src)),
        }
    }
    if tenancy.isolation == Isolation::Schema && !columns.iter().any(|c| c.name == tenancy.column) {
        let position = usize::from(columns.first().is_some_and(|c| c.role == SystemRole::Id));
        columns.insert(position, implicit_tenancy(&tenancy.column, src));
    }
    let foreign_keys: Vec<ForeignKey> = model
        .foreign_keys
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, fk)| ForeignKey {
            columns: fk.columns.clone(),
            target_model: fk.references.model.clone(),
            target_columns: fk.references.columns.clone(),
            physical: fk.policy == v3::ForeignKeyPolicy::Physical,
            on_delete: fk.on_delete.map(|d| d.as_str().to_string()),
            src: format!("{src}/foreign_keys/{i}"),
        })
        .collect();
    for fk in &foreign_keys {
        if let [local] = fk.columns.as_slice() {
            if let Some(column) = columns.iter_mut().find(|c| &c.name == local) {
                column
                    .reference
                    .get_or_insert_with(|| fk.target_model.clone());
            }
        }
    }
    let mut advanced = BTreeMap::new();
    let mut keep = |key: &str, value: Option<Json>| {
        if let Some(v) = value {
            advanced.insert(key.to_string(), v);
        }
    };
    keep("extensions", model.extensions.as_ref().map(to_json));
    keep("seed", model.seed.as_ref().map(to_json));
    keep("formulas", model.formulas.as_ref().map(to_json));
    keep("locking", model.locking.as_ref().map(to_json));
    keep("sequences", model.sequences.as_ref().map(to_json));
    keep("stage_field", model.stage_field.as_ref().map(to_json));
    keep("stages", model.stages.as_ref().map(to_json));
    keep("transitions", model.transitions.as_ref().map(to_json));
    keep("on_transition", model.on_transition.as_ref().map(to_json));
    Model {
        key: model.key.clone(),
        table: model.table.clone(),
        label: model.label.clone(),
        columns,
        indices: model
            .indices
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, index)| Index {
                name: index.name.clone(),
                columns: index.columns.clone(),
                unique: index.unique.unwrap_or(false),
                method: index.method.map(|m| m.as_str().to_string()),
                only_live_rows: false,
                implicit: false,
                src: format!("{src}/indices/{i}"),
            })
            .collect(),
        foreign_keys,
        relations: model
            .relations
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, r)| {
                let mut options = BTreeMap::new();
                if let Some(scope) = &r.scope {
                    options.insert("scope".to_string(), to_json(scope));
                }
                if let Some(label) = &r.label {
                    options.insert("label".to_string(), Json::String(label.clone()));
                }
                if let Some(readonly) = r.readonly {
                    options.insert("readonly".to_string(), Json::Bool(readonly));
                }
                if let Some(embed) = r.embed {
                    options.insert("embed".to_string(), Json::Bool(embed));
                }
                if let Some(rollups) = &r.rollups {
                    options.insert("rollups".to_string(), to_json(rollups));
                }
                Relation {
                    name: r.name.clone(),
                    kind: r.kind.as_str().to_string(),
                    through: r.through.clone(),
                    foreign_key: r.foreign_key.clone(),
                    references: None,
                    pivot: None,
                    options,
                    src: format!("{src}/relations/{i}"),
                }
            })
            .collect(),
        alias: None,
        table_ui: None,
        modal_ui: None,
        form_layout: model.form_layout.as_ref().map(to_json),
        advanced,
        src: src.to_string(),
    }
}

/// The `id uuid` primary key added when a model declares none.
pub fn implicit_id(model_src: &str) -> Column {
    Column::system("id", ColumnType::Uuid, SystemRole::Id, model_src)
        .with_default(ColumnDefault::RandomUuid)
}

/// The tenancy column added when the isolation mode implies one.
pub fn implicit_tenancy(name: &str, model_src: &str) -> Column {
    Column::system(name, ColumnType::Uuid, SystemRole::Tenancy, model_src)
}

fn lower_column(
    column: &v3::Column,
    src: &str,
    tenancy: &Tenancy,
    root: &Node,
    out: &mut Vec<Diagnostic>,
) -> Column {
    let column_type = ColumnType::parse_canonical(&column.column_type).unwrap_or_else(|| {
        out.push(
            Diagnostic::error(
                "MC0305",
                format!("unknown column type `{}`", column.column_type),
            )
            .at(format!("{src}/type")),
        );
        ColumnType::Text
    });
    let primary_key = column.primary_key.unwrap_or(false);
    let role = if primary_key && column.name == "id" {
        SystemRole::Id
    } else if column.name == tenancy.column {
        SystemRole::Tenancy
    } else {
        match (column.name.as_str(), column_type.is_timestamp()) {
            ("created_at", true) => SystemRole::CreatedAt,
            ("updated_at", true) => SystemRole::UpdatedAt,
            ("deleted_at", true) => SystemRole::DeletedAt,
            _ => SystemRole::None,
        }
    };
    let default = match root.lookup(&format!("{src}/default")) {
        Some(node) => {
            let outcome = defaults::v3_default(node, &column_type, &format!("{src}/default"));
            out.extend(outcome.diagnostics);
            outcome.value
        }
        None => None,
    };
    if role == SystemRole::Tenancy && !column.not_null.unwrap_or(false) {
        out.push(
            Diagnostic::warning(
                "MC0311",
                format!(
                    "tenancy column `{}` is nullable; NOT NULL is enforced anyway",
                    column.name
                ),
            )
            .at(src)
            .with_help("add `\"not_null\": true`"),
        );
    }
    let mut ui = BTreeMap::new();
    let mut hint = |key: &str, value: Option<Json>| {
        if let Some(v) = value {
            ui.insert(key.to_string(), v);
        }
    };
    hint("display", column.display.as_ref().map(to_json));
    hint("widget", column.widget.as_ref().map(to_json));
    hint("display_config", column.display_config.clone());
    hint("tooltip", column.tooltip.as_ref().map(to_json));
    hint("description", column.description.as_ref().map(to_json));
    hint("readonly", column.readonly.map(Json::Bool));
    hint("scan", column.scan.map(Json::Bool));
    hint("visible_when", column.visible_when.as_ref().map(to_json));
    hint("section", column.section.as_ref().map(to_json));
    hint("constraints", column.constraints.as_ref().map(to_json));
    hint("sequence", column.sequence.as_ref().map(to_json));
    Column {
        name: column.name.clone(),
        column_type,
        written_type: column.column_type.clone(),
        // The id and tenancy columns are always NOT NULL (a nullable tenancy column was warned
        // about above).
        nullable: !(column.not_null.unwrap_or(false)
            || matches!(role, SystemRole::Id | SystemRole::Tenancy)),
        primary_key,
        default,
        generated: column.generated.clone(),
        role,
        reference: column.reference.clone(),
        label: column.label.clone(),
        comment: column.comment.clone(),
        options: column.options.as_ref().map(to_json),
        options_source: column.options_source.clone(),
        depends_on: column.depends_on.clone(),
        validation: column
            .validation
            .as_ref()
            .map(|v| lower_validation(v, &format!("{src}/validation"))),
        searchable: column_type.is_text(),
        ui,
        implicit: false,
        src: src.to_string(),
    }
}

fn lower_validation(v: &v3::FieldValidation, src: &str) -> Validation {
    Validation {
        regex: v.regex.clone(),
        min: v.min,
        max: v.max,
        custom: v.custom.clone(),
        src: src.to_string(),
    }
}

fn lower_handler(handler: &v3::ActionHandler, src: &str) -> Handler {
    let at = |field: &str, present: bool| {
        if present {
            format!("{src}/{field}")
        } else {
            src.to_string()
        }
    };
    let (kind, target_src) = match handler.handler_type {
        v3::HandlerType::Wasm => (
            HandlerKind::Wasm {
                function: handler.function.clone().unwrap_or_default(),
            },
            at("function", handler.function.is_some()),
        ),
        v3::HandlerType::Compiled => (
            HandlerKind::Compiled {
                function: handler.function.clone().unwrap_or_default(),
            },
            at("function", handler.function.is_some()),
        ),
        v3::HandlerType::Webhook => (
            HandlerKind::Webhook {
                url: handler.url.clone().unwrap_or_default(),
                method: "POST".into(),
            },
            at("url", handler.url.is_some()),
        ),
        v3::HandlerType::Connector => (
            HandlerKind::Connector {
                connector: handler.connector.clone().unwrap_or_default(),
                export: handler.export.clone().unwrap_or_default(),
            },
            at("connector", handler.connector.is_some()),
        ),
    };
    Handler {
        kind,
        src: src.to_string(),
        target_src,
    }
}

fn lower_action(action: &v3::Action, src: &str) -> Action {
    Action {
        key: action.key.clone(),
        label: action.label.clone(),
        icon: action.icon.clone(),
        target_model: action.target_model.clone(),
        handler: lower_handler(&action.handler, &format!("{src}/handler")),
        placement: action
            .placement
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "row".into()),
        fields: lower_fields(
            action.fields.as_deref().unwrap_or_default(),
            &format!("{src}/fields"),
        ),
        steps: action
            .steps
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, step)| ActionStep {
                title: step.title.clone(),
                description: step.description.clone(),
                fields: lower_fields(&step.fields, &format!("{src}/steps/{i}/fields")),
            })
            .collect(),
        modal: action.modal.clone(),
        confirm: action.confirm.unwrap_or(false),
        confirm_message: action.confirm_message.clone(),
        requires_state: action.requires_state.clone().unwrap_or_default(),
        modal_width: action.modal_width.as_ref().map(to_json),
        idempotency_key: action.idempotency.as_ref().map(|i| i.key_field.clone()),
        run_in_tx: false,
        condition: action.condition.as_ref().map(to_json),
        approval: action.approval.as_ref().map(to_json),
        src: src.to_string(),
    }
}

fn lower_fields(fields: &[v3::ActionField], src: &str) -> Vec<ActionField> {
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let field_src = format!("{src}/{i}");
            let mut ui = match to_json(f) {
                Json::Object(map) => map.into_iter().collect::<BTreeMap<_, _>>(),
                _ => BTreeMap::new(),
            };
            for lowered in [
                "key",
                "type",
                "label",
                "required",
                "default",
                "options",
                "options_source",
                "item_fields",
            ] {
                ui.remove(lowered);
            }
            ActionField {
                key: f.key.clone(),
                field_type: f.field_type.clone(),
                label: f.label.clone(),
                required: f.required.unwrap_or(false),
                default: f.default.clone(),
                options: f.options.as_ref().map(to_json),
                options_source: f.options_source.clone(),
                item_fields: lower_fields(
                    f.item_fields.as_deref().unwrap_or_default(),
                    &format!("{field_src}/item_fields"),
                ),
                ui,
                src: field_src,
            }
        })
        .collect()
}

fn lower_nav_items(items: &[v3::NavItem], src: &str, addon: &Addon) -> Vec<NavItem> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let item_src = format!("{src}/{i}");
            let url = item.url.clone().or_else(|| {
                item.model
                    .as_deref()
                    .and_then(|m| addon.find_model(m))
                    .map(|m| format!("/m/{}", m.table))
            });
            NavItem {
                title: item.title.clone(),
                url,
                icon: item.icon.clone(),
                model: item.model.clone(),
                permission: item.permission.clone(),
                items: lower_nav_items(
                    item.items.as_deref().unwrap_or_default(),
                    &format!("{item_src}/items"),
                    addon,
                ),
                filter: item.filter.clone().unwrap_or_default(),
                view_type: item.view_type.map(|v| v.as_str().to_string()),
                group_by: item.group_by.clone(),
                requires: item
                    .requires
                    .iter()
                    .flatten()
                    .map(|r| (r.model.clone(), r.actions.clone()))
                    .collect(),
                requires_capabilities: item.requires_capabilities.clone().unwrap_or_default(),
                condition: item.condition.as_ref().map(to_json),
                src: item_src,
            }
        })
        .collect()
}

/// `<addon>.<table>.<verb>` → `<addon>.<ModelKey>.<verb>` for this addon's CRUD events.
/// `event` in the canonical model-key form; `pointer` locates it for the note.
fn normalise_event(event: &str, addon: &Addon, pointer: &str, out: &mut Vec<Diagnostic>) -> String {
    let parts: Vec<&str> = event.split('.').collect();
    if let [owner, table, verb @ ("created" | "updated" | "deleted")] = parts.as_slice() {
        if *owner == addon.key {
            if let Some(model) = addon
                .models
                .iter()
                .find(|m| m.table == *table && m.key != *table)
            {
                let normalised = format!("{owner}.{}.{verb}", model.key);
                out.push(
                    Diagnostic::note(
                        "MC0508",
                        format!("event `{event}` is read as the canonical `{normalised}`"),
                    )
                    .at(pointer)
                    .with_help(format!("write `{normalised}`")),
                );
                return normalised;
            }
        }
    }
    event.to_string()
}

fn lower_lifecycle(lifecycle: Option<&v3::Lifecycle>) -> Lifecycle {
    let Some(l) = lifecycle else {
        return Lifecycle::default();
    };
    let hook = |raw: &Option<String>, name: &str| {
        raw.as_ref()
            .map(|r| ir::HandlerRef::parse(r, format!("/lifecycle/{name}")))
    };
    Lifecycle {
        install: hook(&l.install, "install"),
        uninstall: hook(&l.uninstall, "uninstall"),
        enable: hook(&l.enable, "enable"),
        disable: hook(&l.disable, "disable"),
        upgrade: l
            .upgrade
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, step)| UpgradeStep {
                from_text: step.from.clone(),
                from: Range::parse(&step.from).ok(),
                step_type: step.step_type.as_str().to_string(),
                function: step.function.clone(),
                src: format!("/lifecycle/upgrade/{i}"),
            })
            .collect(),
    }
}

fn lower_rbac(rbac: Option<&v3::Rbac>) -> Rbac {
    let Some(rbac) = rbac else {
        return Rbac::default();
    };
    Rbac {
        roles: rbac
            .roles
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, r)| {
                let src = format!("/rbac/roles/{i}");
                Role {
                    key: r.key.clone(),
                    label: r.label.clone(),
                    permissions: r
                        .permissions
                        .iter()
                        .flatten()
                        .enumerate()
                        .map(|(j, p)| Named {
                            name: p.clone(),
                            src: format!("{src}/permissions/{j}"),
                        })
                        .collect(),
                    src,
                }
            })
            .collect(),
        permissions: rbac
            .permissions
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| PermissionDef {
                key: p.key.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
                src: format!("/rbac/permissions/{i}"),
            })
            .collect(),
    }
}

fn lower_setting(setting: &v3::Setting, src: &str) -> Setting {
    Setting {
        key: setting.key.clone(),
        setting_type: match setting.setting_type {
            v3::SettingType::String => SettingType::String,
            v3::SettingType::Integer => SettingType::Integer,
            v3::SettingType::Number => SettingType::Number,
            v3::SettingType::Boolean => SettingType::Boolean,
            v3::SettingType::Secret => SettingType::Secret,
            v3::SettingType::Json => SettingType::Json,
            v3::SettingType::Select => SettingType::Select,
            v3::SettingType::DynamicSelect => SettingType::DynamicSelect,
        },
        label: setting.label.clone(),
        description: setting.description.clone(),
        default: setting.default.clone(),
        required: setting.required.unwrap_or(false),
        options: setting
            .options
            .iter()
            .flatten()
            .map(|o| (o.value.clone(), o.label.clone()))
            .collect(),
        options_source: setting.options_source.clone(),
        section: setting.section.clone(),
        validation: setting.validation.clone(),
        src: src.to_string(),
    }
}

/// The advanced blocks present, keyed by their pointer below the root (`connectors`,
/// `contributions/dashboard`, …).
fn advanced_blocks(manifest: &v3::ManifestV3) -> BTreeMap<String, Json> {
    let mut blocks = BTreeMap::new();
    let mut keep = |key: &str, value: Option<Json>| {
        if let Some(v) = value {
            blocks.insert(key.to_string(), v);
        }
    };
    keep("connectors", manifest.connectors.as_ref().map(to_json));
    keep("schedules", manifest.schedules.as_ref().map(to_json));
    keep("webhooks", manifest.webhooks.as_ref().map(to_json));
    keep("edge_devices", manifest.edge_devices.as_ref().map(to_json));
    keep("billing", manifest.billing.as_ref().map(to_json));
    keep("preset", manifest.preset.as_ref().map(to_json));
    keep("theme", manifest.theme.as_ref().map(to_json));
    keep(
        "connector_pack",
        manifest.connector_pack.as_ref().map(to_json),
    );
    if let Some(c) = &manifest.contributions {
        keep(
            "contributions/agent_capabilities",
            c.agent_capabilities.as_ref().map(to_json),
        );
        keep("contributions/dashboard", c.dashboard.as_ref().map(to_json));
        keep("contributions/documents", c.documents.as_ref().map(to_json));
        keep("contributions/config", c.config.as_ref().map(to_json));
        keep("contributions/routes", c.routes.as_ref().map(to_json));
    }
    blocks
}
