//! Every model of this crate, through its generated entity, on SQLite and PostgreSQL.

use metacore_generated::migrations::Migrator;
use metacore_runtime::testing;
use sea_orm::entity::prelude::*;
use sea_orm::ActiveValue::Set;
use sea_orm_migration::MigratorTrait;

/// The organisation every sample row belongs to.
const ORG: Uuid = Uuid::from_u128(0x0e9a_0000_0000_0000_0000_0000_0000_0001);

fn timestamp() -> DateTime {
    Date::from_ymd_opt(2026, 1, 2)
        .and_then(|d| d.and_hms_micro_opt(3, 4, 5, 123_456))
        .expect("a valid sample timestamp")
}

fn numeric(text: &str) -> metacore_runtime::types::Numeric {
    text.parse().expect("a valid sample decimal")
}

async fn every_model_round_trips(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("the migrations apply");
    {
        let inserted = metacore_generated::assets::entities::asset_categories::ActiveModel {
            id: Set(Uuid::from_u128(0x0007b45c2f6b0ed77a53018fae27985f)),
            organization_id: Set(ORG),
            name: Set("sample name ✓".to_string()),
            code: Set(Some("sample code ✓".to_string())),
            depreciation_method: Set(Some("sample depreciation_method ✓".to_string())),
            useful_life_months: Set(Some(7)),
            salvage_rate: Set(Some(numeric("12345678912345.4560"))),
            parent_id: Set(Some(Uuid::from_u128(0x0007b45c2f6b0ed77a53018fae27985f))),
            is_active: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.asset_categories"));
        let read = metacore_generated::assets::entities::asset_categories::Entity::find_by_id(
                Uuid::from_u128(0x0007b45c2f6b0ed77a53018fae27985f),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.asset_categories"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.asset_categories",
            " reads back what was written")
        );
    }
    {
        let inserted = metacore_generated::assets::entities::assets::ActiveModel {
            id: Set(Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14)),
            organization_id: Set(ORG),
            category_id: Set(Some(Uuid::from_u128(0x0007b45c2f6b0ed77a53018fae27985f))),
            name: Set("sample name ✓".to_string()),
            code: Set(Some("sample code ✓".to_string())),
            serial_number: Set(Some("sample serial_number ✓".to_string())),
            description: Set(Some("sample description ✓".to_string())),
            purchase_date: Set(Some(timestamp().date())),
            purchase_cost: Set(Some(numeric("12345678912345.4560"))),
            current_value: Set(Some(numeric("12345678912345.4560"))),
            salvage_value: Set(Some(numeric("12345678912345.4560"))),
            useful_life_months: Set(Some(7)),
            depreciation_method: Set(Some("sample depreciation_method ✓".to_string())),
            location: Set(Some("sample location ✓".to_string())),
            custodian_id: Set(Some(Uuid::from_u128(42))),
            status: Set(Some("sample status ✓".to_string())),
            warranty_expiry: Set(Some(timestamp().date())),
            notes: Set(Some("sample notes ✓".to_string())),
            image_url: Set(Some("sample image_url ✓".to_string())),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.assets"));
        let read = metacore_generated::assets::entities::assets::Entity::find_by_id(
                Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.assets"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.assets",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::assets::entities::asset_categories::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "assets.assets reaches its `asset_categories` row");
    }
    {
        let inserted = metacore_generated::assets::entities::depreciation_schedules::ActiveModel {
            id: Set(Uuid::from_u128(0x002a9f5c02b9fd656bfac8645c969c38)),
            organization_id: Set(ORG),
            asset_id: Set(Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14)),
            period_date: Set(timestamp().date()),
            depreciation_amount: Set(Some(numeric("12345678912345.4560"))),
            accumulated_depreciation: Set(Some(numeric("12345678912345.4560"))),
            book_value: Set(Some(numeric("12345678912345.4560"))),
            journal_entry_id: Set(Some(Uuid::from_u128(42))),
            is_posted: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.depreciation_schedules"));
        let read = metacore_generated::assets::entities::depreciation_schedules::Entity::find_by_id(
                Uuid::from_u128(0x002a9f5c02b9fd656bfac8645c969c38),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.depreciation_schedules"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.depreciation_schedules",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::assets::entities::assets::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(
            parent.is_some(), "assets.depreciation_schedules reaches its `assets` row"
        );
    }
    {
        let inserted = metacore_generated::assets::entities::maintenance_schedules::ActiveModel {
            id: Set(Uuid::from_u128(0x0020d5db1edb7c06749ae53f78c67ee1)),
            organization_id: Set(ORG),
            asset_id: Set(Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14)),
            title: Set("sample title ✓".to_string()),
            description: Set(Some("sample description ✓".to_string())),
            frequency: Set(Some("sample frequency ✓".to_string())),
            next_due_date: Set(Some(timestamp().date())),
            assigned_to_id: Set(Some(Uuid::from_u128(42))),
            is_active: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.maintenance_schedules"));
        let read = metacore_generated::assets::entities::maintenance_schedules::Entity::find_by_id(
                Uuid::from_u128(0x0020d5db1edb7c06749ae53f78c67ee1),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.maintenance_schedules"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.maintenance_schedules",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::assets::entities::assets::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(
            parent.is_some(), "assets.maintenance_schedules reaches its `assets` row"
        );
    }
    {
        let inserted = metacore_generated::assets::entities::maintenance_logs::ActiveModel {
            id: Set(Uuid::from_u128(0x008ac6594ab2bf8fdff99047bc675740)),
            organization_id: Set(ORG),
            asset_id: Set(Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14)),
            schedule_id: Set(Some(Uuid::from_u128(0x0020d5db1edb7c06749ae53f78c67ee1))),
            maintenance_date: Set(timestamp().date()),
            description: Set(Some("sample description ✓".to_string())),
            cost: Set(Some(numeric("12345678912345.4560"))),
            performed_by: Set(Some("sample performed_by ✓".to_string())),
            performed_by_id: Set(Some(Uuid::from_u128(42))),
            notes: Set(Some("sample notes ✓".to_string())),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.maintenance_logs"));
        let read = metacore_generated::assets::entities::maintenance_logs::Entity::find_by_id(
                Uuid::from_u128(0x008ac6594ab2bf8fdff99047bc675740),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.maintenance_logs"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.maintenance_logs",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::assets::entities::assets::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "assets.maintenance_logs reaches its `assets` row");
        let parent = inserted
            .find_related(
                metacore_generated::assets::entities::maintenance_schedules::Entity,
            )
            .one(db)
            .await
            .expect("the related query runs");
        assert!(
            parent.is_some(),
            "assets.maintenance_logs reaches its `maintenance_schedules` row"
        );
    }
    {
        let inserted = metacore_generated::assets::entities::asset_disposals::ActiveModel {
            id: Set(Uuid::from_u128(0x0052d0350cfcea94dcaabfb40a703c4a)),
            organization_id: Set(ORG),
            asset_id: Set(Uuid::from_u128(0x0083be7645f87dbc6ab55820eff37e14)),
            disposal_date: Set(timestamp().date()),
            disposal_method: Set("sample disposal_method ✓".to_string()),
            proceeds: Set(Some(numeric("12345678912345.4560"))),
            book_value_at_disposal: Set(Some(numeric("12345678912345.4560"))),
            gain_loss: Set(Some(numeric("12345678912345.4560"))),
            journal_entry_id: Set(Some(Uuid::from_u128(42))),
            notes: Set(Some("sample notes ✓".to_string())),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "assets.asset_disposals"));
        let read = metacore_generated::assets::entities::asset_disposals::Entity::find_by_id(
                Uuid::from_u128(0x0052d0350cfcea94dcaabfb40a703c4a),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "assets.asset_disposals"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("assets.asset_disposals",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::assets::entities::assets::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "assets.asset_disposals reaches its `assets` row");
    }
    {
        let inserted = metacore_generated::fiscal_mexico::entities::fiscal_documents::ActiveModel {
            id: Set(Uuid::from_u128(0x00171a74e2ee8266a67e46e7f92af0b2)),
            organization_id: Set(ORG),
            invoice_id: Set(Uuid::from_u128(42)),
            fiscal_uuid: Set(Some("sample fiscal_uuid ✓".to_string())),
            rfc_emisor: Set("sample rfc_emisor ✓".to_string()),
            rfc_receptor: Set("sample rfc_receptor ✓".to_string()),
            total: Set(numeric("12345678912345.4567891230")),
            status: Set("sample status ✓".to_string()),
            cfdi_usage: Set(Some("sample cfdi_usage ✓".to_string())),
            payment_form: Set(Some("sample payment_form ✓".to_string())),
            payment_method: Set(Some("sample payment_method ✓".to_string())),
            environment: Set(Some("sample environment ✓".to_string())),
            xml_url: Set(Some("sample xml_url ✓".to_string())),
            pdf_url: Set(Some("sample pdf_url ✓".to_string())),
            xml: Set(Some("sample xml ✓".to_string())),
            stamped_at: Set(Some(timestamp().and_utc())),
            cancelled_at: Set(Some(timestamp().and_utc())),
            cancel_reason: Set(Some("sample cancel_reason ✓".to_string())),
            replacement_uuid: Set(Some("sample replacement_uuid ✓".to_string())),
            provider_data: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "fiscal_mexico.fiscal_documents"));
        let read = metacore_generated::fiscal_mexico::entities::fiscal_documents::Entity::find_by_id(
                Uuid::from_u128(0x00171a74e2ee8266a67e46e7f92af0b2),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "fiscal_mexico.fiscal_documents"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("fiscal_mexico.fiscal_documents",
            " reads back what was written")
        );
    }
    {
        let inserted = metacore_generated::projects::entities::projects::ActiveModel {
            id: Set(Uuid::from_u128(0x000f008ac5cec0360ba2381c7a08bd94)),
            organization_id: Set(ORG),
            manager_id: Set(Some(Uuid::from_u128(42))),
            customer_id: Set(Some(Uuid::from_u128(42))),
            code: Set("sample code ✓".to_string()),
            name: Set("sample name ✓".to_string()),
            description: Set(Some("sample description ✓".to_string())),
            status: Set(Some("sample status ✓".to_string())),
            priority: Set(Some("sample priority ✓".to_string())),
            start_date: Set(Some(timestamp().and_utc())),
            end_date: Set(Some(timestamp().and_utc())),
            budget: Set(Some(numeric("12345678912345.4560"))),
            currency_code: Set(Some("sample cur".to_string())),
            is_active: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "projects.projects"));
        let read = metacore_generated::projects::entities::projects::Entity::find_by_id(
                Uuid::from_u128(0x000f008ac5cec0360ba2381c7a08bd94),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "projects.projects"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("projects.projects",
            " reads back what was written")
        );
    }
    {
        let inserted = metacore_generated::projects::entities::project_tasks::ActiveModel {
            id: Set(Uuid::from_u128(0x00fdd0f251303b86a4047cd474feca27)),
            organization_id: Set(ORG),
            project_id: Set(Uuid::from_u128(0x000f008ac5cec0360ba2381c7a08bd94)),
            parent_task_id: Set(
                Some(Uuid::from_u128(0x00fdd0f251303b86a4047cd474feca27)),
            ),
            assignee_id: Set(Some(Uuid::from_u128(42))),
            title: Set("sample title ✓".to_string()),
            description: Set(Some("sample description ✓".to_string())),
            status: Set(Some("sample status ✓".to_string())),
            priority: Set(Some("sample priority ✓".to_string())),
            due_date: Set(Some(timestamp().and_utc())),
            estimated_hours: Set(Some(numeric("12345678912345.4560"))),
            actual_hours: Set(Some(numeric("12345678912345.4560"))),
            sort_order: Set(Some(7)),
            is_active: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "projects.project_tasks"));
        let read = metacore_generated::projects::entities::project_tasks::Entity::find_by_id(
                Uuid::from_u128(0x00fdd0f251303b86a4047cd474feca27),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "projects.project_tasks"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("projects.project_tasks",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::projects::entities::projects::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "projects.project_tasks reaches its `projects` row");
    }
    {
        let inserted = metacore_generated::projects::entities::time_entries::ActiveModel {
            id: Set(Uuid::from_u128(0x00b0f44fa81ce07b8638612e30496b5d)),
            organization_id: Set(ORG),
            project_id: Set(Uuid::from_u128(0x000f008ac5cec0360ba2381c7a08bd94)),
            task_id: Set(Some(Uuid::from_u128(0x00fdd0f251303b86a4047cd474feca27))),
            employee_id: Set(Some(Uuid::from_u128(42))),
            date: Set(Some(timestamp().and_utc())),
            hours: Set(numeric("12345678912345.4560")),
            description: Set(Some("sample description ✓".to_string())),
            is_billable: Set(Some(true)),
            is_active: Set(Some(true)),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "projects.time_entries"));
        let read = metacore_generated::projects::entities::time_entries::Entity::find_by_id(
                Uuid::from_u128(0x00b0f44fa81ce07b8638612e30496b5d),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "projects.time_entries"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("projects.time_entries",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::projects::entities::projects::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "projects.time_entries reaches its `projects` row");
        let parent = inserted
            .find_related(metacore_generated::projects::entities::project_tasks::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(
            parent.is_some(), "projects.time_entries reaches its `project_tasks` row"
        );
    }
    {
        let inserted = metacore_generated::showcase::entities::customers::ActiveModel {
            id: Set(Uuid::from_u128(0x006798cf202b5e3f9930d852c798d433)),
            organization_id: Set(ORG),
            name: Set("sample name ✓".to_string()),
            email: Set(Some("sample email ✓".to_string())),
            tier: Set("bronze".to_string()),
            credit_limit: Set(Some(numeric("1234567891.40"))),
            active: Set(true),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "showcase.customers"));
        let read = metacore_generated::showcase::entities::customers::Entity::find_by_id(
                Uuid::from_u128(0x006798cf202b5e3f9930d852c798d433),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "showcase.customers"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("showcase.customers",
            " reads back what was written")
        );
    }
    {
        let inserted = metacore_generated::showcase::entities::orders::ActiveModel {
            id: Set(Uuid::from_u128(0x000e13aa258dc899a885a9a7fbbad4a2)),
            organization_id: Set(ORG),
            customer_id: Set(Uuid::from_u128(0x006798cf202b5e3f9930d852c798d433)),
            number: Set(7_000_000_001),
            quantity: Set(7),
            total: Set(numeric("12345678912345.4560")),
            discount: Set(Some(numeric("12345678912345.4567891230"))),
            status: Set("draft".to_string()),
            placed_on: Set(Some(timestamp().date())),
            ship_by: Set(Some(timestamp())),
            attributes: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            tags: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            notes: Set(Some("sample notes ✓".to_string())),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "showcase.orders"));
        let read = metacore_generated::showcase::entities::orders::Entity::find_by_id(
                Uuid::from_u128(0x000e13aa258dc899a885a9a7fbbad4a2),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "showcase.orders"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("showcase.orders",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::showcase::entities::customers::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "showcase.orders reaches its `customers` row");
    }
    {
        let inserted = metacore_generated::tickets::entities::tickets::ActiveModel {
            id: Set(Uuid::from_u128(0x0016c4e7f7fadf5b183055205e7240fc)),
            organization_id: Set(ORG),
            number: Set("sample number ✓".to_string()),
            title: Set("sample title ✓".to_string()),
            description: Set(Some("sample description ✓".to_string())),
            status: Set("open".to_string()),
            priority: Set("low".to_string()),
            assignee_id: Set(Some(Uuid::from_u128(42))),
            reporter_id: Set(Uuid::from_u128(42)),
            due_at: Set(Some(timestamp().and_utc())),
            resolved_at: Set(Some(timestamp().and_utc())),
            tags: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            created_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "tickets.tickets"));
        let read = metacore_generated::tickets::entities::tickets::Entity::find_by_id(
                Uuid::from_u128(0x0016c4e7f7fadf5b183055205e7240fc),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "tickets.tickets"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("tickets.tickets",
            " reads back what was written")
        );
    }
    {
        let inserted = metacore_generated::tickets::entities::ticket_comments::ActiveModel {
            id: Set(Uuid::from_u128(0x00af49315beafaf62dc19644457ce19f)),
            organization_id: Set(ORG),
            ticket_id: Set(Uuid::from_u128(0x0016c4e7f7fadf5b183055205e7240fc)),
            author_id: Set(Uuid::from_u128(42)),
            body: Set("sample body ✓".to_string()),
            mentions: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            created_at: Set(timestamp().and_utc()),
        }
            .insert(db)
            .await
            .expect(concat!("insert into ", "tickets.ticket_comments"));
        let read = metacore_generated::tickets::entities::ticket_comments::Entity::find_by_id(
                Uuid::from_u128(0x00af49315beafaf62dc19644457ce19f),
            )
            .one(db)
            .await
            .expect(concat!("select from ", "tickets.ticket_comments"));
        assert_eq!(
            read.as_ref(), Some(& inserted), concat!("tickets.ticket_comments",
            " reads back what was written")
        );
        let parent = inserted
            .find_related(metacore_generated::tickets::entities::tickets::Entity)
            .one(db)
            .await
            .expect("the related query runs");
        assert!(parent.is_some(), "tickets.ticket_comments reaches its `tickets` row");
    }
    {
        let refused = metacore_generated::showcase::entities::orders::ActiveModel {
            id: Set(Uuid::from_u128(0x0000000000000000000000000000beef)),
            organization_id: Set(ORG),
            customer_id: Set(Uuid::from_u128(0x0000000000000000000000000000dead)),
            number: Set(7_000_000_001),
            quantity: Set(7),
            total: Set(numeric("12345678912345.4560")),
            discount: Set(Some(numeric("12345678912345.4567891230"))),
            status: Set("draft".to_string()),
            placed_on: Set(Some(timestamp().date())),
            ship_by: Set(Some(timestamp())),
            attributes: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            tags: Set(
                Some(
                    Json::from(vec![Json::from("sample"), Json::from(12.5), Json::Null]),
                ),
            ),
            notes: Set(Some("sample notes ✓".to_string())),
            created_at: Set(timestamp().and_utc()),
            updated_at: Set(timestamp().and_utc()),
            deleted_at: Set(Some(timestamp().and_utc())),
        }
            .insert(db)
            .await;
        assert!(
            refused.is_err(), "showcase.orders refuses a reference to a missing row"
        );
    }
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
