//! The one UPDATE every lecture step writes: the placement, compared and set.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::*;

impl Lecture {
    /// Moves the lecture if it is still in `from` at `version`.
    pub fn place(
        conn: &mut DbConnection,
        id: &str,
        from: LectureState,
        version: i32,
        placement: &Placement,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let statement = PlaceStatement {
            id,
            from,
            version,
            placement,
            now,
        };
        let updated = crate::on_backend!(conn, |c| statement.execute(c))?;
        Ok(updated == 1)
    }
}

/// `UPDATE lectures SET <the placement>, version + 1, updated_at WHERE id, state, version`,
/// written out: diesel prepares each of its own UPDATE statements anew (their changesets
/// may leave columns out), and SQLite's preparation of one on `lectures` compiles the
/// table's triggers with it — 4.5 % of the lecture writes' time (perf). Every column of a
/// [`Placement`] is set, absent values as NULL, so the text never varies and the statement
/// is prepared once per connection, found by its type.
struct PlaceStatement<'a> {
    id: &'a str,
    from: LectureState,
    version: i32,
    placement: &'a Placement,
    now: NaiveDateTime,
}

impl diesel::query_builder::QueryId for PlaceStatement<'_> {
    type QueryId = PlaceStatement<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> diesel::query_builder::QueryFragment<DB> for PlaceStatement<'_>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Integer>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>,
    str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    LectureState: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    Option<String>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
    i32: diesel::serialize::ToSql<diesel::sql_types::Integer, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
    Option<NaiveDateTime>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Timestamp>, DB>,
    Option<i32>:
        diesel::serialize::ToSql<diesel::sql_types::Nullable<diesel::sql_types::Integer>, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Integer, Nullable, Text, Timestamp};
        let p = self.placement;
        out.push_sql("UPDATE lectures SET state = ");
        out.push_bind_param::<Text, _>(&p.state)?;
        out.push_sql(", expert_id = ");
        out.push_bind_param::<Nullable<Text>, _>(&p.expert_id)?;
        out.push_sql(", starts_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.starts_at)?;
        out.push_sql(", ends_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.ends_at)?;
        out.push_sql(", sort_at = ");
        out.push_bind_param::<Timestamp, _>(&p.sort_at)?;
        out.push_sql(", offer_expires_at = ");
        out.push_bind_param::<Nullable<Timestamp>, _>(&p.offer_expires_at)?;
        out.push_sql(", sequence = ");
        out.push_bind_param::<Integer, _>(&p.sequence)?;
        // One statement text for every placement (it is prepared once, by its static id).
        out.push_sql(", travel_minutes = COALESCE(");
        out.push_bind_param::<Nullable<Integer>, _>(&p.travel_minutes)?;
        out.push_sql(", travel_minutes)");
        out.push_sql(", version = version + 1, updated_at = ");
        out.push_bind_param::<Timestamp, _>(&self.now)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(self.id)?;
        out.push_sql(" AND state = ");
        out.push_bind_param::<Text, _>(&self.from)?;
        out.push_sql(" AND version = ");
        out.push_bind_param::<Integer, _>(&self.version)?;
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for PlaceStatement<'_> {}
