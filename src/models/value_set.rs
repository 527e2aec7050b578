//! Multi-valued fields (teams, modes, districts, audiences, …) live in two-column join
//! tables: an owner id and one value per row. This macro writes their queries once.

/// `value_set!(module, table, owner_column, value_column, ValueType)` generates
/// `module::replace(conn, owner, values)`. Reading them is the owners' `sets_for`, which
/// loads every set of a page at once.
macro_rules! value_set {
    ($module:ident, $table:ident, $owner:ident, $value:ident, $ty:ty) => {
        pub mod $module {

            use diesel::prelude::*;

            use crate::db::DbConnection;
            use crate::db::schema::$table;

            pub fn replace(
                conn: &mut DbConnection,
                owner: &str,
                values: &[$ty],
            ) -> QueryResult<()> {
                diesel::delete($table::table.filter($table::$owner.eq(owner))).execute(conn)?;
                for value in values {
                    diesel::insert_into($table::table)
                        .values(($table::$owner.eq(owner), $table::$value.eq(value.clone())))
                        .execute(conn)?;
                }
                Ok(())
            }
        }
    };
}

value_set!(
    expert_extra_teams,
    expert_extra_teams,
    expert_id,
    team_code,
    String
);
value_set!(expert_modes, expert_modes, expert_id, mode, String);
value_set!(
    expert_districts,
    expert_districts,
    expert_id,
    district,
    String
);
value_set!(expert_rest_days, expert_rest_days, expert_id, weekday, i32);
value_set!(
    course_audiences,
    course_audiences,
    course_id,
    audience,
    String
);
value_set!(course_grades, course_grades, course_id, grade, String);
value_set!(course_modes, course_modes, course_id, mode, String);
