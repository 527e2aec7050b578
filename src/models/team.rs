//! `teams`: the six fixed sub-teams (分团), seeded by migration.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::teams;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct Team {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sort_order: i32,
}

impl Team {
    pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Team>> {
        teams::table
            .order(teams::sort_order.asc())
            .select(Team::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Team>> {
        teams::table
            .find(code)
            .select(Team::as_select())
            .first(conn)
            .optional()
    }
}
