//! What each person is told about a lecture: times as a Chinese calendar reads them, with
//! the end; a confirmation names the expert and, online, gives every school where to join;
//! a decline tells the office who declined and why; a reschedule gives the old time and the
//! new.
//!
//! The world is the lectures' one (`crate::lectures`): 4 March 2026 is a Wednesday.

use crate::lectures::{World, id_of, slot, world};

use guanai::domain::roster::ExpertStatus;
use serde_json::json;

/// The body of the newest notice of `kind` in `token`'s inbox.
async fn newest(w: &World, token: &str, kind: &str) -> String {
    let inbox = w.app.get("/api/v1/me/notifications", token).await;
    inbox.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == kind)
        .and_then(|n| n["body"].as_str())
        .unwrap_or_else(|| panic!("no {kind} notice: {}", inbox.body))
        .to_owned()
}

#[actix_web::test]
async fn a_confirmation_names_the_expert_and_the_time_with_its_end() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let booked = w.book(&course, vec![slot(4, 14, 0, 90)]).await;
    let offered = newest(&w, &w.lin, "lecture_offered").await;
    assert!(
        offered.contains("时间：2026年3月4日（周三）14:00-15:30 北京时间\n"),
        "{offered}"
    );
    w.act(&id_of(&booked), "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let confirmed = newest(&w, &w.school, "lecture_confirmed").await;
    assert!(confirmed.contains("专家：lin专家\n"), "{confirmed}");
    assert!(
        confirmed.contains("方式：线下（school.a学校路1号）\n"),
        "{confirmed}"
    );
}

#[actix_web::test]
async fn a_decline_tells_the_office_who_declined_and_why() {
    let w = world().await;
    let offered = w
        .dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    // The office is told by another admin's action than its own: a second admin reads it.
    let (_, other_admin) = {
        let user = w.app.user(guanai::domain::role::Role::Admin, "office.two");
        let (token, _) = w.app.tokens(&user.login).await;
        (user, token)
    };
    w.act(
        &id_of(&offered),
        "decline",
        &w.lin,
        json!({ "reason": "当天要去医院复查" }),
    )
    .await
    .assert_status(200);
    let declined = newest(&w, &other_admin, "lecture_declined").await;
    assert!(declined.contains("专家：lin专家\n"), "{declined}");
    assert!(declined.contains("原因：当天要去医院复查"), "{declined}");
    assert!(
        declined.contains("时间：2026年3月4日（周三）14:00-15:00 北京时间\n"),
        "{declined}"
    );
}

#[actix_web::test]
async fn a_reschedule_gives_the_old_time_and_the_new() {
    let w = world().await;
    let offered = w
        .dispatch("online", slot(4, 14, 0, 60), Some(&w.lin_id))
        .await;
    w.act(&id_of(&offered), "reschedule", &w.admin, slot(5, 9, 0, 60))
        .await
        .assert_status(200);
    let moved = newest(&w, &w.lin, "lecture_rescheduled").await;
    assert!(
        moved.contains("原定时间：2026年3月4日（周三）14:00-15:00 北京时间\n"),
        "{moved}"
    );
    assert!(
        moved.contains("新的时间：2026年3月5日（周四）09:00-10:00 北京时间\n"),
        "{moved}"
    );
}

#[actix_web::test]
async fn a_city_wide_confirmation_gives_the_joined_schools_the_link() {
    let w = world().await;
    let id = w
        .city_wide(
            slot(6, 19, 0, 60),
            json!({ "platform": "腾讯会议", "link": "https://meeting.example/room-7" }),
        )
        .await;
    w.app
        .post(
            &format!("/api/v1/lectures/{id}/participants"),
            Some(&w.school),
            json!({ "expected_size": 300 }),
        )
        .await
        .assert_status(201);
    let zhao = w.app.expert("zhao", "reading", ExpertStatus::Active);
    let (zhao_token, _) = w.app.tokens("zhao").await;
    w.act(&id, "offer", &w.admin, json!({ "expert_id": zhao.id }))
        .await
        .assert_status(200);
    let offered = newest(&w, &zhao_token, "lecture_offered").await;
    assert!(!offered.contains("参会链接"), "{offered}");
    w.act(&id, "accept", &zhao_token, json!({}))
        .await
        .assert_status(200);
    let confirmed = newest(&w, &w.school, "lecture_confirmed").await;
    assert!(
        confirmed.contains("参会链接：https://meeting.example/room-7\n"),
        "{confirmed}"
    );
    assert!(
        confirmed.contains("方式：线上（腾讯会议）\n"),
        "{confirmed}"
    );
}

#[actix_web::test]
async fn a_suspension_gives_back_the_lecture_with_its_reason_in_chinese() {
    let w = world().await;
    let offered = w
        .dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
        .await;
    w.app
        .post(
            &format!("/api/v1/experts/{}/status", w.lin_id),
            Some(&w.admin),
            json!({ "to": "suspended", "reason": "住院" }),
        )
        .await
        .assert_status(200);
    let page = w
        .app
        .get(&format!("/api/v1/lectures/{}", id_of(&offered)), &w.admin)
        .await;
    let last = page.assert_status(200)["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "release");
    assert_eq!(last["reason"], "专家状态改为暂停：住院");
}
