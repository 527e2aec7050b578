//! `state_changes`: the one append-only history of every state machine, ordered per object
//! by `seq` (never by time: two changes in one transaction read back in the order made).

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::state_changes;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = state_changes)]
pub struct StateChange {
    pub object_type: String,
    pub object_id: String,
    pub seq: i32,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    #[diesel(deserialize_as = Time)]
    pub at: NaiveDateTime,
}

/// One change to append; the sequence number is the object's next.
#[derive(Debug, Clone)]
pub struct NewStateChange<'a> {
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: &'a str,
    pub reason: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub at: NaiveDateTime,
}

impl StateChange {
    /// Appends a change as the object's next in sequence; returns its `seq`. Runs inside the
    /// transaction that changed the state, after the compare-and-set update, whose row lock
    /// keeps two writers from taking the same number (the primary key refuses it anyway).
    pub fn append(conn: &mut DbConnection, new: &NewStateChange<'_>) -> QueryResult<i32> {
        crate::on_backend!(conn, |c| {
            let last: Option<i32> = state_changes::table
                .filter(state_changes::object_type.eq(new.object_type))
                .filter(state_changes::object_id.eq(new.object_id))
                .select(max(state_changes::seq))
                .first(c)?;
            let seq = last.unwrap_or(0) + 1;
            diesel::insert_into(state_changes::table)
                .values((
                    state_changes::object_type.eq(new.object_type),
                    state_changes::object_id.eq(new.object_id),
                    state_changes::seq.eq(seq),
                    state_changes::action.eq(new.action),
                    state_changes::from_state.eq(new.from_state),
                    state_changes::to_state.eq(new.to_state),
                    state_changes::reason.eq(new.reason),
                    state_changes::actor_id.eq(new.actor_id),
                    state_changes::at.eq(new.at),
                ))
                .execute(c)?;
            Ok(seq)
        })
    }

    /// An object's whole history, in sequence.
    pub fn history(
        conn: &mut DbConnection,
        object_type: &str,
        object_id: &str,
    ) -> QueryResult<Vec<StateChange>> {
        crate::on_backend!(conn, |c| state_changes::table
            .filter(state_changes::object_type.eq(object_type))
            .filter(state_changes::object_id.eq(object_id))
            .order(state_changes::seq.asc())
            .select(StateChange::as_select())
            .load(c))
    }
}
