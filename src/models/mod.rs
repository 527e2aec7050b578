//! One file per table: row struct, `New*`, `*Changes`, and its queries. No HTTP here.

/// Keeps the rows of a boxed query that come after keyset `$k` in ascending (`$at`, `$id`)
/// order, as the row value `($at, $id) > (k.at, k.id)` ([`AfterKey`]).
macro_rules! keyset_after {
    ($query:ident, $k:expr, $at:expr, $id:expr) => {{
        $query = $query.filter($crate::models::AfterKey::<_, _, true>::new($at, $id, $k));
    }};
}

/// [`keyset_after`] for descending (`$at`, `$id`) order (newest first).
macro_rules! keyset_before {
    ($query:ident, $k:expr, $at:expr, $id:expr) => {{
        $query = $query.filter($crate::models::AfterKey::<_, _, false>::new($at, $id, $k));
    }};
}

/// Loads the rows of a query that is not boxed, after keyset `$after` (if any) in ascending
/// (`$at`, `$id`) order. Unlike a boxed query, whose SQL diesel renders on every execution to
/// find its prepared statement (a twentieth of a lecture page's time), an unboxed one has a
/// static type that finds it directly; the two shapes (first page, later page) are two types.
macro_rules! load_after {
    ($query:expr, $after:expr, $at:expr, $id:expr, $conn:expr) => {
        match $after {
            None => $query.load($conn),
            Some(k) => $query
                .filter($crate::models::AfterKey::<_, _, true>::new($at, $id, k))
                .load($conn),
        }
    };
}

pub mod attendance;
pub mod audit_event;
pub mod availability;
pub mod busy_interval;
pub mod calendar;
pub mod certificate;
pub mod consultation;
pub mod course;
pub mod email_change;
pub mod evaluation;
pub mod expert;
pub mod idempotency_key;
pub mod job_run;
pub mod leave;
pub mod lecture;
pub mod login_failure;
pub mod notification;
pub mod observation;
pub mod password_token;
pub mod rate_event;
pub mod refresh_token;
pub mod report;
pub mod school;
pub mod state_change;
pub mod team;
pub mod team_lead;
pub mod user;
pub mod value_set;

/// A LIKE pattern (with `ESCAPE '\\'`) matching any text that contains `value` literally:
/// `%`, `_` and `\\` in it are escaped.
pub fn contains_pattern(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('%');
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `(at, id) > (key.at, key.id)` — or `<` for a list newest first: a row-value comparison,
/// which SQLite and PostgreSQL both serve as one index range on `(at, id)`. The same
/// condition spelled as `at > k OR (at = k AND id > k.id)` starts no range at all (page
/// 500 of a list scanned the 10,000 entries before it), and even with `at >= k` added it
/// still walks every entry that shares the key's time. Kept as a prepared statement, unlike
/// an SQL literal; the direction is part of the type (`ASCENDING`), so a query that is not
/// boxed keeps a static id and diesel finds its prepared statement without rendering its SQL.
#[derive(Debug, Clone)]
pub struct AfterKey<A, I, const ASCENDING: bool> {
    at: A,
    id: I,
    key_at: chrono::NaiveDateTime,
    key_id: String,
}

impl<A, I, const ASCENDING: bool> AfterKey<A, I, ASCENDING> {
    pub fn new(at: A, id: I, key: &Keyset) -> Self {
        AfterKey {
            at,
            id,
            key_at: key.at,
            key_id: key.id.clone(),
        }
    }
}

impl<A, I, const ASCENDING: bool> diesel::expression::Expression for AfterKey<A, I, ASCENDING> {
    type SqlType = diesel::sql_types::Bool;
}

impl<A, I, QS, const ASCENDING: bool> diesel::expression::AppearsOnTable<QS>
    for AfterKey<A, I, ASCENDING>
where
    A: diesel::expression::AppearsOnTable<QS>,
    I: diesel::expression::AppearsOnTable<QS>,
{
}

impl<A, I, QS, const ASCENDING: bool> diesel::expression::SelectableExpression<QS>
    for AfterKey<A, I, ASCENDING>
where
    A: diesel::expression::SelectableExpression<QS>,
    I: diesel::expression::SelectableExpression<QS>,
{
}

impl<A, I, GB, const ASCENDING: bool> diesel::expression::ValidGrouping<GB>
    for AfterKey<A, I, ASCENDING>
{
    type IsAggregate = diesel::expression::is_aggregate::No;
}

impl<A, I, const ASCENDING: bool> diesel::query_builder::QueryId for AfterKey<A, I, ASCENDING>
where
    A: diesel::query_builder::QueryId,
    I: diesel::query_builder::QueryId,
{
    type QueryId = AfterKey<A::QueryId, I::QueryId, ASCENDING>;
    const HAS_STATIC_QUERY_ID: bool = A::HAS_STATIC_QUERY_ID && I::HAS_STATIC_QUERY_ID;
}

impl<A, I, DB, const ASCENDING: bool> diesel::query_builder::QueryFragment<DB>
    for AfterKey<A, I, ASCENDING>
where
    DB: diesel::backend::Backend,
    A: diesel::query_builder::QueryFragment<DB>,
    I: diesel::query_builder::QueryFragment<DB>,
    chrono::NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    DB: diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("(");
        self.at.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        self.id.walk_ast(out.reborrow())?;
        out.push_sql(if ASCENDING { ") > (" } else { ") < (" });
        out.push_bind_param::<diesel::sql_types::Timestamp, _>(&self.key_at)?;
        out.push_sql(", ");
        out.push_bind_param::<diesel::sql_types::Text, _>(&self.key_id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// A keyset position in a list ordered by (time, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    pub at: chrono::NaiveDateTime,
    pub id: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_in_a_search_are_taken_literally() {
        assert_eq!(super::contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(super::contains_pattern("阅读"), "%阅读%");
    }
}
