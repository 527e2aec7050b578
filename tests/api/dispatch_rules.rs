//! What an offer and its answer weigh: the lecture's sub-team, and, at acceptance, the
//! expert's rest days and load limits again (they may have changed since the offer); a
//! lecture accepted at another of its slots moves in calendars.
//!
//! The world is the lectures' one (`crate::lectures`): the clock on Monday 2026-03-02 09:00
//! (+08:00), 林 of `reading`, resting on Sundays, at most 3 lectures a week.

use crate::lectures::{at, id_of, slot, world};

use guanai::domain::roster::ExpertStatus;
use serde_json::json;

fn sequence(w: &crate::lectures::World, id: &str) -> i32 {
    w.app.with_conn(|conn| {
        guanai::models::lecture::Lecture::find_row(conn, id)
            .unwrap()
            .unwrap()
            .0
            .sequence
    })
}

#[actix_web::test]
async fn an_offer_goes_only_to_an_expert_who_serves_the_team_unless_an_admin_says_why() {
    let w = world().await;
    let outsider = w.app.expert("wang", "ideology", ExpertStatus::Active);
    let waiting = id_of(&w.dispatch("online", slot(4, 14, 0, 60), None).await);
    let refused = w
        .act(
            &waiting,
            "offer",
            &w.admin,
            json!({ "expert_id": outsider.id }),
        )
        .await;
    refused.assert_problem(409, "team_not_served");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("override_reason")
    );
    assert_eq!(w.busy_rows(&outsider.id), 0);
    // An expert serving the team besides their own is offered it.
    w.app
        .patch(
            &format!("/api/v1/experts/{}", outsider.id),
            &w.admin,
            None,
            json!({ "extra_teams": ["reading"] }),
        )
        .await
        .assert_status(200);
    let offered = w
        .act(
            &waiting,
            "offer",
            &w.admin,
            json!({ "expert_id": outsider.id }),
        )
        .await;
    assert_eq!(offered.assert_status(200)["state"], "offered");
    // Without that, only an admin's reason sends it outside the team (and it is audited).
    let other = id_of(&w.dispatch("online", slot(5, 14, 0, 60), None).await);
    let stranger = w.app.expert("zhou", "legal_safety", ExpertStatus::Active);
    let forced = w
        .act(
            &other,
            "offer",
            &w.admin,
            json!({ "expert_id": stranger.id, "override_reason": "阅读团无人可派" }),
        )
        .await;
    assert_eq!(forced.assert_status(200)["expert_id"], stranger.id.as_str());
    let audited = w.app.audit_actions("lecture.offered");
    assert!(
        audited.iter().any(|e| e.detail.contains("阅读团无人可派")),
        "{audited:?}"
    );
}

#[actix_web::test]
async fn accepting_weighs_the_expert_s_rest_days_again() {
    let w = world().await;
    // Wednesday 4 March.
    let offered = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.app
        .patch(
            &format!("/api/v1/experts/{}", w.lin_id),
            &w.admin,
            None,
            json!({ "rest_weekdays": [3, 7] }),
        )
        .await
        .assert_status(200);
    w.act(&offered, "accept", &w.lin, json!({}))
        .await
        .assert_problem(409, "rest_day");
    let path = format!("/api/v1/lectures/{offered}");
    assert_eq!(w.app.get(&path, &w.admin).await.body["state"], "offered");
}

#[actix_web::test]
async fn accepting_weighs_the_expert_s_load_limits_again() {
    let w = world().await;
    let first = id_of(
        &w.dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
            .await,
    );
    let second = id_of(
        &w.dispatch("online", slot(5, 10, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&first, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    // The office lowers Lin's limit to one lecture a week: the second offer can no longer
    // be taken that week.
    w.app
        .patch(
            &format!("/api/v1/experts/{}", w.lin_id),
            &w.admin,
            None,
            json!({ "max_per_week": 1 }),
        )
        .await
        .assert_status(200);
    w.act(&second, "accept", &w.lin, json!({}))
        .await
        .assert_problem(409, "weekly_limit_reached");
}

#[actix_web::test]
async fn accepting_at_another_slot_moves_the_lecture_in_calendars() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w
        .book(&course, vec![slot(4, 14, 0, 90), slot(6, 9, 0, 90)])
        .await;
    let id = id_of(&booked);
    assert_eq!(sequence(&w, &id), 0);
    let accepted = w.act(&id, "accept", &w.lin, json!({ "slot": 1 })).await;
    assert_eq!(accepted.assert_status(200)["start"], at(6, 9, 0));
    assert_eq!(sequence(&w, &id), 1, "a calendar must move the event");
    // Accepting at the offered time changes no calendar.
    let other = id_of(
        &w.dispatch("online", slot(5, 10, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&other, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    assert_eq!(sequence(&w, &other), 0);
}
