//! Multi-valued fields (teams, modes, districts, audiences, …) live in two-column join
//! tables: an owner id and one value per row; the filters read these. The database keeps a
//! joined copy of each set on its owner's row (triggers, migration 000010), which is what
//! pages and records read. This macro writes the tables' queries once.

/// `value_set!(module, table, owner_column, value_column, ValueType)` generates
/// `module::replace(conn, owner, values)`. The sets are read from the joined copies, with
/// their owners' rows (`Expert::find_row`, `Course::list`, …).
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
value_set!(
    consultation_topics,
    consultation_topics,
    consultation_id,
    topic,
    crate::domain::help::HelpTopic
);

/// Joins a set's values in the copy kept on the owner's row (migration 000010, `char(31)`).
/// A control character: stored text refuses those (`domain::text`), so it cannot occur
/// inside a value.
pub const SEPARATOR: &str = "\u{1f}";

/// [`SEPARATOR`] as a `char`, which `split` finds with a byte search instead of a substring
/// search.
pub const SEPARATOR_CHAR: char = '\u{1f}';

/// A set read back from its joined copy, sorted.
pub fn split(joined: Option<String>) -> Vec<String> {
    let mut values: Vec<String> = joined
        .as_deref()
        .map(|s| s.split(SEPARATOR_CHAR).map(str::to_owned).collect())
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
        assert_eq!(SEPARATOR, SEPARATOR_CHAR.to_string());
        assert!(crate::domain::text::refused(c, false));
        assert!(crate::domain::text::refused(c, true));
    }
}
