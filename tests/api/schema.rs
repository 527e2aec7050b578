//! Migrations run up, down and up again, and leave exactly the tables and columns that
//! `src/db/schema.rs` declares, on whichever backend the suite runs against.

use crate::common;

use std::collections::BTreeMap;

use common::TestDb;
use diesel::RunQueryDsl as _;
use diesel::sql_types::{Integer, Text};
use guanai::config::DatabaseTarget;
use guanai::db::{self, DbConnection};

/// table → column → declared type (`Text`, `Nullable<Timestamp>`, …), read from schema.rs.
type Columns = BTreeMap<String, BTreeMap<String, String>>;

fn declared_schema() -> Columns {
    let source = include_str!("../../src/db/schema.rs");
    let mut tables = Columns::new();
    let mut current: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if let Some(name) = current.clone() {
            if line == "}" {
                current = None;
            } else if let Some((column, ty)) = line.split_once("->") {
                let ty = ty.trim().trim_end_matches(',').to_owned();
                tables
                    .get_mut(&name)
                    .unwrap()
                    .insert(column.trim().to_owned(), ty);
            }
        } else if line.ends_with('{') && line.contains('(') && !line.starts_with("diesel::") {
            let name = line.split_whitespace().next().unwrap().to_owned();
            tables.insert(name.clone(), BTreeMap::new());
            current = Some(name);
        }
    }
    tables
}

#[derive(diesel::QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    type_name: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

#[derive(diesel::QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

fn diesel_type(backend_type: &str) -> String {
    match backend_type.to_ascii_lowercase().as_str() {
        "text" => "Text",
        "integer" => "Integer",
        "bigint" => "BigInt",
        "boolean" => "Bool",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "time" | "time without time zone" => "Time",
        "double precision" | "double" => "Double",
        other => panic!("no diesel type mapped for column type `{other}`"),
    }
    .to_owned()
}

fn actual_schema(conn: &mut DbConnection) -> Columns {
    let mut tables = Columns::new();
    let mut add = |table: String, column: String, ty: String, nullable: bool| {
        let ty = if nullable {
            format!("Nullable<{ty}>")
        } else {
            ty
        };
        tables.entry(table).or_default().insert(column, ty);
    };
    match conn {
        DbConnection::Sqlite(c) => {
            let rows: Vec<SqliteColumn> = diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS name, p.type AS type_name, p.\"notnull\" AS not_null
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                   AND m.name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for r in rows {
                add(
                    r.table_name,
                    r.name,
                    diesel_type(&r.type_name),
                    r.not_null == 0,
                );
            }
        }
        DbConnection::Postgresql(c) => {
            let rows: Vec<PgColumn> = diesel::sql_query(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
                 FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
            )
            .load(c)
            .unwrap();
            for r in rows {
                add(
                    r.table_name,
                    r.column_name,
                    diesel_type(&r.data_type),
                    r.is_nullable == "YES",
                );
            }
        }
    }
    tables
}

#[test]
fn migrations_run_up_down_and_up_again() {
    let (test_db, target) = TestDb::create_empty();
    let mut conn = db::connect_one(&target).unwrap();

    let applied = db::run_migrations(&mut conn).unwrap();
    assert!(applied >= 1);
    let reverted = db::revert_all_migrations(&mut conn).unwrap();
    assert_eq!(reverted, applied);
    assert!(
        actual_schema(&mut conn).is_empty(),
        "down migrations left tables behind"
    );
    assert_eq!(db::run_migrations(&mut conn).unwrap(), applied);
    assert_eq!(db::run_migrations(&mut conn).unwrap(), 0);
    drop(conn);
    drop(test_db);
}

#[test]
fn migrated_tables_match_schema_rs_column_for_column() {
    let (_test_db, target) = TestDb::create();
    let mut conn = db::connect_one(&target).unwrap();
    db::run_migrations(&mut conn).unwrap();

    let declared = declared_schema();
    let actual = actual_schema(&mut conn);

    assert!(declared.len() >= 6, "schema.rs parse found {declared:?}");
    assert_eq!(
        actual, declared,
        "the migrations and src/db/schema.rs disagree; change both backends' migrations and schema.rs together"
    );
}

#[derive(diesel::QueryableByName)]
struct Pragma {
    #[diesel(sql_type = Text)]
    value: String,
}

#[test]
fn sqlite_connections_enforce_foreign_keys_and_use_wal() {
    let (_test_db, target) = TestDb::create();
    let DatabaseTarget::Sqlite(_) = target else {
        return; // a PostgreSQL run: nothing SQLite-specific to check
    };
    let pool = db::connect(&target, 2).unwrap();
    let mut conn = pool.get().unwrap();
    let mut pragma = |sql: &str| -> String {
        let rows: Vec<Pragma> = diesel::sql_query(sql).load(&mut *conn).unwrap();
        rows[0].value.clone()
    };
    assert_eq!(
        pragma("SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys"),
        "1"
    );
    assert_eq!(
        pragma("SELECT journal_mode AS value FROM pragma_journal_mode"),
        "wal"
    );
    assert_eq!(
        pragma("SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout"),
        "5000"
    );
}
