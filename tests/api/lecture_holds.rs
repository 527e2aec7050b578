//! The database's own guarantee, against rows written by hand (an operator's SQL, a future
//! bug): a held lecture and its hold on the expert's time are kept in step by the database,
//! and on SQLite a time the rules compare must be in the one canonical form.
//!
//! The world is the lectures' one (`crate::lectures`); 4 March 14:00-15:00 (+08:00) is
//! 06:00-07:00 UTC.

use crate::lectures::{id_of, slot, world};

use diesel::RunQueryDsl as _;
use guanai::db::DbConnection;
use guanai::db::constraint::{CONSTRAINTS, problem_for};

/// Runs `sql` by hand; the problem code of its refusal, or `None` when it was written.
fn by_hand(conn: &mut DbConnection, sql: &str) -> Option<String> {
    diesel::sql_query(sql)
        .execute(conn)
        .err()
        .map(|e| match problem_for(&e, CONSTRAINTS) {
            // A 422 names its code as the field error's.
            Some(guanai::error::ApiError::Validation(errors)) => errors[0].code.clone(),
            Some(problem) => problem.code().to_owned(),
            None => format!("not a refusal: {e}"),
        })
}

/// The lecture's hold as (expert, start, end) in UTC, `YYYY-MM-DD HH:MM`.
fn hold_of(w: &crate::lectures::World, lecture: &str) -> Option<(String, String, String)> {
    w.app.with_conn(|conn| {
        guanai::models::busy_interval::BusyInterval::of_expert(conn, &w.lin_id)
            .unwrap()
            .into_iter()
            .find(|b| b.source_id == lecture)
            .map(|b| {
                let f = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
                (b.expert_id, f(b.starts_at), f(b.ends_at))
            })
    })
}

#[actix_web::test]
async fn a_lecture_set_held_by_hand_gets_its_hold_from_the_database() {
    let w = world().await;
    let waiting = id_of(&w.dispatch("offline", slot(4, 14, 0, 60), None).await);
    assert_eq!(hold_of(&w, &waiting), None);
    // Confirmed with an expert and a time by hand: the hold comes with it, travel included.
    let lin = w.lin_id.clone();
    let refused = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!(
                "UPDATE lectures SET state = 'confirmed', expert_id = '{lin}', \
                 starts_at = '2026-03-04 06:00:00', ends_at = '2026-03-04 07:00:00', \
                 travel_minutes = 30 WHERE id = '{waiting}'"
            ),
        )
    });
    assert_eq!(refused, None);
    assert_eq!(
        hold_of(&w, &waiting),
        Some((
            lin.clone(),
            "2026-03-04 05:30".to_owned(),
            "2026-03-04 07:30".to_owned()
        ))
    );
    // Moved by hand, the hold moves; cancelled by hand, it is freed.
    let moved = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!(
                "UPDATE lectures SET starts_at = '2026-03-05 06:00:00', \
                 ends_at = '2026-03-05 07:00:00' WHERE id = '{waiting}'"
            ),
        )
    });
    assert_eq!(moved, None);
    assert_eq!(
        hold_of(&w, &waiting).map(|h| h.1),
        Some("2026-03-05 05:30".to_owned())
    );
    // Another lecture held by hand over it is refused as the overlap it is.
    let other = id_of(&w.dispatch("online", slot(5, 13, 30, 60), None).await);
    let over = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!(
                "UPDATE lectures SET state = 'offered', expert_id = '{lin}', \
                 starts_at = '2026-03-05 05:30:00', ends_at = '2026-03-05 06:30:00' \
                 WHERE id = '{other}'"
            ),
        )
    });
    assert_eq!(over.as_deref(), Some("expert_busy"));
    let cancelled = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!("UPDATE lectures SET state = 'cancelled' WHERE id = '{waiting}'"),
        )
    });
    assert_eq!(cancelled, None);
    assert_eq!(hold_of(&w, &waiting), None);
    assert_eq!(w.busy_rows(&w.lin_id), 0);
}

#[actix_web::test]
async fn a_held_lecture_s_hold_cannot_be_freed_moved_or_forged_by_hand() {
    let w = world().await;
    let held = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let waiting = id_of(&w.dispatch("online", slot(6, 10, 0, 60), None).await);
    let lin = w.lin_id.clone();
    let attempts = [
        format!("DELETE FROM busy_intervals WHERE source_id = '{held}'"),
        format!(
            "UPDATE busy_intervals SET starts_at = '2026-03-04 05:00:00' WHERE source_id = '{held}'"
        ),
        format!("UPDATE busy_intervals SET source_type = 'leave' WHERE source_id = '{held}'"),
        format!(
            "INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at) \
             VALUES ('forged', '{lin}', 'lecture', '{waiting}', '2026-03-06 02:00:00', '2026-03-06 03:00:00')"
        ),
    ];
    for sql in attempts {
        let refused = w.app.with_conn(|conn| by_hand(conn, &sql));
        assert_eq!(refused.as_deref(), Some("hold_out_of_step"), "{sql}");
    }
    assert_eq!(
        hold_of(&w, &held),
        Some((
            lin,
            "2026-03-04 05:30".to_owned(),
            "2026-03-04 07:30".to_owned()
        ))
    );
    assert_eq!(w.busy_rows(&w.lin_id), 1);
}

#[actix_web::test]
async fn on_sqlite_a_time_the_rules_compare_is_refused_unless_canonical() {
    let w = world().await;
    if w.app
        .with_conn(|conn| matches!(conn, DbConnection::Postgresql(_)))
    {
        return; // PostgreSQL's times are typed: there is only one form.
    }
    // Lin is held 05:30-08:00 UTC on 16 December.
    let held = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!(
                "INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at) \
                 VALUES ('a', '{}', 'case_session', 'a', '2026-12-16 05:30:00', '2026-12-16 08:00:00')",
                w.lin_id
            ),
        )
    });
    assert_eq!(held, None);
    let lecture = id_of(&w.dispatch("online", slot(9, 10, 0, 60), None).await);
    for (start, end) in [
        ("'2026-12-16T06:00:00'", "'2026-12-16T07:00:00'"),
        ("20261216060000", "20261216070000"),
        ("'2026-12-16 6:00:00'", "'2026-12-16 07:00:00'"),
        ("'2026-12-16 06:00:00Z'", "'2026-12-16 07:00:00'"),
    ] {
        let written = w.app.with_conn(|conn| {
            by_hand(
                conn,
                &format!(
                    "INSERT INTO busy_intervals (id, expert_id, source_type, source_id, starts_at, ends_at) \
                     VALUES ('b', '{}', 'case_session', 'b', {start}, {end})",
                    w.lin_id
                ),
            )
        });
        assert_eq!(written.as_deref(), Some("time_not_canonical"), "{start}");
        for sql in [
            format!("UPDATE lectures SET sort_at = {start} WHERE id = '{lecture}'"),
            format!("UPDATE lecture_slots SET starts_at = {start} WHERE lecture_id = '{lecture}'"),
        ] {
            let refused = w.app.with_conn(|conn| by_hand(conn, &sql));
            assert_eq!(refused.as_deref(), Some("time_not_canonical"), "{sql}");
        }
    }
    // The canonical form, with or without a fraction of a second, is taken.
    let fraction = w.app.with_conn(|conn| {
        by_hand(
            conn,
            &format!(
                "UPDATE lectures SET sort_at = '2026-03-09 02:00:00.250' WHERE id = '{lecture}'"
            ),
        )
    });
    assert_eq!(fraction, None);
}
