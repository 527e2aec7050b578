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

diesel::define_sql_function! {
    /// `string_agg(value, separator)`: the values of a group joined by `separator` (PostgreSQL;
    /// SQLite has it since 3.44). With no rows: NULL.
    #[aggregate]
    fn string_agg(
        value: diesel::sql_types::Text,
        separator: diesel::sql_types::Text,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// Joins a set's values inside a list query. A control character: stored text refuses those
/// (`domain::text`), so it cannot occur inside a value.
pub const SEPARATOR: &str = "\u{1f}";

/// A set read back from [`string_agg`] with [`SEPARATOR`], sorted.
pub fn split(joined: Option<String>) -> Vec<String> {
    let mut values: Vec<String> = joined
        .as_deref()
        .map(|s| s.split(SEPARATOR).map(str::to_owned).collect())
        .unwrap_or_default();
    values.sort();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_set_splits_back_into_its_sorted_values() {
        assert!(split(None).is_empty());
        assert_eq!(split(Some("晋安区".to_owned())), ["晋安区"]);
        let joined = ["offline", "online", "a, b; c"].join(SEPARATOR);
        assert_eq!(split(Some(joined)), ["a, b; c", "offline", "online"]);
    }

    #[test]
    fn the_separator_is_a_character_stored_text_refuses() {
        let c = SEPARATOR.chars().next().unwrap();
        assert!(crate::domain::text::refused(c, false));
        assert!(crate::domain::text::refused(c, true));
    }
}
