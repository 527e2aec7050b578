//! Database refusals become problems (never a 500), the savepoint helper, and the retry of
//! a transaction that lost a race.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::ResponseError as _;
use diesel::RunQueryDsl as _;
use guanai::db::constraint::{ConstraintRule, RefusalKind, problem_for, refusal_of};
use guanai::db::{self, DbConnection};
use guanai::error::ApiError;
use guanai::i18n::Text;

use crate::common::TestApp;

/// What these throwaway constraints become, in the shape of the production table.
static PROBE_RULES: &[ConstraintRule] = &[
    ConstraintRule {
        names: &["probe_positive"],
        status: 422,
        code: "must_be_positive",
        detail: |_| Text::Plain("n must be positive".to_owned()),
    },
    ConstraintRule {
        names: &["probe_unlucky"],
        status: 409,
        code: "unlucky_number",
        detail: |r| Text::Plain(format!("refused: {}", r.details.as_deref().unwrap_or("?"))),
    },
    ConstraintRule {
        names: &["probe_no_overlap"],
        status: 409,
        code: "probe_overlap",
        detail: |r| Text::Plain(format!("overlaps: {}", r.details.as_deref().unwrap_or("?"))),
    },
];

fn create_probe_table(conn: &mut DbConnection, postgres: bool) {
    let statements: &[&str] = if postgres {
        &[
            "CREATE TABLE probe (
                id INTEGER PRIMARY KEY,
                n INTEGER NOT NULL CONSTRAINT probe_positive CHECK (n > 0),
                starts TIMESTAMP NOT NULL,
                ends TIMESTAMP NOT NULL,
                CONSTRAINT probe_no_overlap EXCLUDE USING gist (tsrange(starts, ends) WITH &&)
            )",
            "CREATE FUNCTION probe_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                IF NEW.n = 13 THEN
                    RAISE EXCEPTION 'probe refused' USING ERRCODE = 'check_violation',
                        CONSTRAINT = 'probe_unlucky', DETAIL = 'thirteen';
                END IF;
                RETURN NEW;
             END $$",
            "CREATE TRIGGER probe_refuse BEFORE INSERT ON probe
             FOR EACH ROW EXECUTE FUNCTION probe_refuse()",
        ]
    } else {
        &[
            "CREATE TABLE probe (
                id INTEGER PRIMARY KEY,
                n INTEGER NOT NULL CONSTRAINT probe_positive CHECK (n > 0),
                starts TIMESTAMP NOT NULL,
                ends TIMESTAMP NOT NULL
            )",
            "CREATE TRIGGER probe_refuse BEFORE INSERT ON probe WHEN NEW.n = 13
             BEGIN SELECT RAISE(ABORT, 'probe_unlucky: thirteen'); END",
        ]
    };
    for statement in statements {
        diesel::sql_query(*statement)
            .execute(conn)
            .expect(statement);
    }
}

fn insert(conn: &mut DbConnection, id: i32, n: i32, hour: u32) -> diesel::QueryResult<usize> {
    diesel::sql_query(format!(
        "INSERT INTO probe (id, n, starts, ends) VALUES ({id}, {n}, \
         '2026-03-05 {hour:02}:00:00', '2026-03-05 {:02}:00:00')",
        hour + 1
    ))
    .execute(conn)
}

#[actix_web::test]
async fn a_check_violation_becomes_its_problem() {
    let app = TestApp::new().await;
    let postgres = app.db.is_postgres();
    let err = app.with_conn(|conn| {
        create_probe_table(conn, postgres);
        insert(conn, 1, -5, 9).unwrap_err()
    });
    let refusal = refusal_of(&err).expect("a refusal");
    assert_eq!(refusal.kind, RefusalKind::Check);
    assert_eq!(refusal.constraint.as_deref(), Some("probe_positive"));

    let problem = problem_for(&err, PROBE_RULES).unwrap();
    assert_eq!(problem.status_code().as_u16(), 422);
    let ApiError::Validation(fields) = &problem else {
        panic!("expected 422, got {problem}")
    };
    assert_eq!(fields[0].code, "must_be_positive");

    // Without a rule it is still a 409, not a 500.
    let fallback = ApiError::from(err);
    assert_eq!(fallback.status_code().as_u16(), 409);
    assert_eq!(fallback.code(), "constraint_violation");
}

#[actix_web::test]
async fn a_trigger_refusal_becomes_its_problem_with_the_triggers_detail() {
    let app = TestApp::new().await;
    let postgres = app.db.is_postgres();
    let err = app.with_conn(|conn| {
        create_probe_table(conn, postgres);
        insert(conn, 1, 13, 9).unwrap_err()
    });
    let refusal = refusal_of(&err).expect("a refusal");
    assert_eq!(refusal.constraint.as_deref(), Some("probe_unlucky"));
    assert_eq!(refusal.details.as_deref(), Some("thirteen"));
    let problem = problem_for(&err, PROBE_RULES).unwrap();
    assert_eq!(problem.code(), "unlucky_number");
    assert_eq!(problem.status_code().as_u16(), 409);
    assert_eq!(problem.problem().detail, "refused: thirteen");
    assert_eq!(ApiError::from(err).code(), "constraint_violation");
}

#[actix_web::test]
async fn an_exclusion_violation_names_the_conflicting_range_on_postgres() {
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        return; // SQLite has no exclusion constraints; its overlap rules are triggers.
    }
    let err = app.with_conn(|conn| {
        create_probe_table(conn, true);
        insert(conn, 1, 1, 9).unwrap();
        insert(conn, 2, 1, 9).unwrap_err()
    });
    let refusal = refusal_of(&err).expect("a refusal");
    assert_eq!(refusal.kind, RefusalKind::Exclusion);
    let problem = problem_for(&err, PROBE_RULES).unwrap();
    assert_eq!(problem.code(), "probe_overlap");
    let detail = problem.problem().detail;
    assert!(detail.contains("2026-03-05 09:00:00"), "{detail}");
    assert_eq!(ApiError::from(err).status_code().as_u16(), 409);
}

#[actix_web::test]
async fn a_savepoint_undoes_only_its_own_writes() {
    let app = TestApp::new().await;
    let postgres = app.db.is_postgres();
    let rows = app.with_conn(|conn| {
        create_probe_table(conn, postgres);
        db::transaction(conn, |conn| {
            insert(conn, 1, 1, 8)?;
            let refused: Result<usize, ApiError> =
                db::savepoint(conn, |conn| Ok(insert(conn, 2, -1, 10)?));
            assert_eq!(refused.unwrap_err().code(), "constraint_violation");
            // The transaction goes on (on PostgreSQL it would be aborted without the savepoint).
            insert(conn, 3, 2, 12)?;
            Ok::<_, ApiError>(())
        })
        .unwrap();
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query("SELECT count(*) AS n FROM probe")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    });
    assert_eq!(rows, 2);
}

#[actix_web::test]
async fn a_savepoint_outside_a_transaction_is_refused() {
    let app = TestApp::new().await;
    let result: Result<(), ApiError> = app.with_conn(|conn| db::savepoint(conn, |_| Ok(())));
    assert!(result.is_err());
}

#[actix_web::test]
async fn a_transaction_that_loses_a_race_runs_once_more_then_answers_503() {
    let app = TestApp::new().await;
    let attempts = Arc::new(AtomicU32::new(0));
    let counter = attempts.clone();
    let value = db::run_tx(app.pool(), move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Err(ApiError::Retry)
        } else {
            Ok(7)
        }
    })
    .await
    .unwrap();
    assert_eq!((value, attempts.load(Ordering::SeqCst)), (7, 2));

    let attempts = Arc::new(AtomicU32::new(0));
    let counter = attempts.clone();
    let err = db::run_tx(app.pool(), move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
        Err::<(), _>(ApiError::Retry)
    })
    .await
    .unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(err.status_code().as_u16(), 503);
    assert_eq!(err.code(), "database_busy");
}

#[actix_web::test]
async fn two_changes_in_one_transaction_read_back_in_the_order_made_and_history_is_append_only() {
    use guanai::audit::AuditContext;
    use guanai::clock::Clock as _;
    use guanai::domain::roster::{ExpertStatus, Membership};
    use guanai::models::state_change::StateChange;
    use guanai::usecase::{Transition, Uow};

    let app = TestApp::new().await;
    let expert = app.expert("twice", "reading", ExpertStatus::Candidate);
    let now = app.clock.now_naive();
    let settings = &app.state.settings;
    app.with_conn(|conn| {
        Uow::within(conn, settings, AuditContext::system(now), |uow| {
            // Same instant, same transaction: only `seq` can order them.
            for (from, to, action) in [
                (ExpertStatus::Candidate, ExpertStatus::Active, "qualify"),
                (ExpertStatus::Active, ExpertStatus::Suspended, "suspend"),
                (ExpertStatus::Suspended, ExpertStatus::Active, "reinstate"),
            ] {
                uow.transition::<Membership>(
                    Transition {
                        object_id: &expert.id,
                        from: Some(from),
                        to,
                        action,
                        reason: None,
                        audit_action: "expert.status_changed",
                        audit_detail: serde_json::json!({}),
                    },
                    |_| Ok(true),
                )?;
            }
            Ok(())
        })
        .unwrap();
        let history = StateChange::history(conn, "expert", &expert.id).unwrap();
        let actions: Vec<(i32, &str)> =
            history.iter().map(|c| (c.seq, c.action.as_str())).collect();
        assert_eq!(
            actions,
            [
                (1, "enter"),
                (2, "qualify"),
                (3, "suspend"),
                (4, "reinstate")
            ]
        );
        let rewrite = diesel::sql_query("UPDATE state_changes SET reason = 'x'").execute(conn);
        assert_eq!(
            ApiError::from(rewrite.unwrap_err()).code(),
            "constraint_violation"
        );
        let erase = diesel::sql_query("DELETE FROM state_changes").execute(conn);
        assert_eq!(
            ApiError::from(erase.unwrap_err()).code(),
            "constraint_violation"
        );
    });
}

#[actix_web::test]
async fn a_compare_and_set_that_finds_the_row_moved_is_a_409_and_writes_no_history() {
    use guanai::audit::AuditContext;
    use guanai::clock::Clock as _;
    use guanai::domain::roster::{ExpertStatus, Membership};
    use guanai::models::state_change::StateChange;
    use guanai::usecase::{Transition, Uow};

    let app = TestApp::new().await;
    let expert = app.expert("raced", "reading", ExpertStatus::Candidate);
    let now = app.clock.now_naive();
    let settings = &app.state.settings;
    app.with_conn(|conn| {
        let err = Uow::within(conn, settings, AuditContext::system(now), |uow| {
            uow.transition::<Membership>(
                Transition {
                    object_id: &expert.id,
                    from: Some(ExpertStatus::Candidate),
                    to: ExpertStatus::Active,
                    action: "qualify",
                    reason: None,
                    audit_action: "expert.status_changed",
                    audit_detail: serde_json::json!({}),
                },
                |_| Ok(false),
            )
        })
        .unwrap_err();
        assert_eq!(err.code(), "status_changed");
        assert_eq!(
            StateChange::history(conn, "expert", &expert.id)
                .unwrap()
                .len(),
            1
        );
    });
}

#[actix_web::test]
async fn a_duplicate_history_entry_is_refused_by_the_database_as_409() {
    use guanai::clock::Clock as _;
    use guanai::domain::roster::ExpertStatus;

    let app = TestApp::new().await;
    let expert = app.expert("dup", "reading", ExpertStatus::Active);
    let now = app.clock.now_naive();
    let err = app.with_conn(|conn| {
        diesel::sql_query(
            "INSERT INTO state_changes (object_type, object_id, seq, action, to_state, at) \
             VALUES ('expert', $1, 1, 'enter', 'active', $2)",
        )
        .bind::<diesel::sql_types::Text, _>(&expert.id)
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .execute(conn)
        .unwrap_err()
    });
    let problem = ApiError::from(err);
    assert_eq!(problem.status_code().as_u16(), 409);
    assert_eq!(problem.code(), "status_changed");
}
