//! An expert's calendar feed as calendar apps read it: guanai's own PRODID, UIDs on the
//! public host, a lecture that left the expert kept 30 days as cancelled with a raised
//! SEQUENCE (parsed back), the school, address, contact and note in the description, and
//! HEAD answered.
//!
//! The world is the lectures' one (`crate::lectures`): the clock on Monday 2026-03-02.

use crate::lectures::{World, id_of, slot, world};

use actix_web::test::TestRequest;
use icalendar::Component as _;
use serde_json::json;

/// Lin's feed link's token.
async fn token(w: &World) -> String {
    let issued = w
        .app
        .post(
            &format!("/api/v1/experts/{}/calendar-token", w.lin_id),
            Some(&w.lin),
            json!({}),
        )
        .await;
    issued.assert_status(201)["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn feed(w: &World, token: &str) -> icalendar::Calendar {
    let path = format!("/api/v1/experts/{}/calendar.ics?token={token}", w.lin_id);
    let response = w.app.call(TestRequest::get().uri(&path)).await;
    assert_eq!(response.status, 200);
    response.body.as_str().unwrap().parse().unwrap()
}

fn event<'c>(calendar: &'c icalendar::Calendar, lecture: &str) -> Option<&'c icalendar::Event> {
    calendar
        .events()
        .find(|e| e.get_uid().is_some_and(|uid| uid.contains(lecture)))
}

#[actix_web::test]
async fn the_feed_is_guanai_s_and_tells_the_expert_where_to_go() {
    let w = world().await;
    w.app
        .patch(
            &format!("/api/v1/schools/{}", w.school_id),
            &w.school,
            None,
            json!({ "contact_person": "德育处张老师", "phone": "13912345678" }),
        )
        .await
        .assert_status(200);
    let body = json!({ "team": "reading", "topic": "亲子共读", "mode": "offline",
        "audiences": ["parents"], "expected_size": 80, "slots": [slot(4, 14, 0, 60)],
        "school_id": w.school_id, "expert_id": w.lin_id, "note": "请从东门进" });
    let made = w.app.post("/api/v1/lectures", Some(&w.admin), body).await;
    let id = id_of(made.assert_status(201));
    let token = token(&w).await;
    let calendar = feed(&w, &token).await;
    let text = calendar.to_string();
    assert!(text.contains("PRODID:-//guanai//"), "{text}");
    assert!(!text.contains("ICALENDAR-RS"));
    let lecture = event(&calendar, &id).unwrap();
    let host = w
        .app
        .state
        .settings
        .public_url
        .split("://")
        .nth(1)
        .unwrap()
        .split([':', '/'])
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(lecture.get_uid().unwrap(), format!("lecture-{id}@{host}"));
    let description = lecture.get_description().unwrap();
    for part in [
        "学校：school.a",
        "地址：school.a学校路1号",
        "联系人：德育处张老师，13912345678",
        "备注：请从东门进",
        "待您接受",
    ] {
        assert!(description.contains(part), "{part} in {description}");
    }
    // HEAD: the headers a calendar app checks (actix's HTTP layer leaves out the body; the
    // route must answer it, not 405).
    let path = format!("/api/v1/experts/{}/calendar.ics?token={token}", w.lin_id);
    let head = w
        .app
        .call(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri(&path),
        )
        .await;
    assert_eq!(head.status, 200);
    assert!(
        head.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
}

#[actix_web::test]
async fn a_lecture_that_leaves_the_expert_stays_cancelled_for_thirty_days() {
    let w = world().await;
    let declined = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let cancelled = id_of(
        &w.dispatch("online", slot(5, 10, 0, 60), Some(&w.lin_id))
            .await,
    );
    w.act(&cancelled, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let token = token(&w).await;
    let before = feed(&w, &token).await;
    assert_eq!(event(&before, &declined).unwrap().get_sequence(), Some(0));
    w.act(
        &declined,
        "decline",
        &w.lin,
        json!({ "reason": "身体不适" }),
    )
    .await
    .assert_status(200);
    w.act(
        &cancelled,
        "cancel",
        &w.school,
        json!({ "reason": "学校停课" }),
    )
    .await
    .assert_status(200);
    let after = feed(&w, &token).await;
    for id in [&declined, &cancelled] {
        let gone = event(&after, id).unwrap();
        assert_eq!(gone.get_status(), Some(icalendar::EventStatus::Cancelled));
        assert_eq!(
            gone.get_sequence(),
            Some(1),
            "raised, so calendars apply it"
        );
    }
    // Offered to Lin again, it is Lin's again, not cancelled.
    w.act(
        &declined,
        "offer",
        &w.admin,
        json!({ "expert_id": w.lin_id, "override_reason": "已康复" }),
    )
    .await
    .assert_status(200);
    let again = feed(&w, &token).await;
    assert_eq!(
        event(&again, &declined).unwrap().get_status(),
        Some(icalendar::EventStatus::Tentative)
    );
    // Thirty-one days on, the cancelled one is gone from the feed.
    w.app.clock.advance(chrono::Duration::days(31));
    let later = feed(&w, &token).await;
    assert!(event(&later, &cancelled).is_none());
}

#[actix_web::test]
async fn an_observer_finds_what_they_observe_in_their_feed_under_a_uid_of_its_own() {
    let w = world().await;
    let zhou = w.app.expert(
        "zhou",
        "reading",
        guanai::domain::roster::ExpertStatus::Active,
    );
    let (zhou_token, _) = w.app.tokens("zhou").await;
    let theirs = id_of(
        &w.dispatch("offline", slot(5, 14, 0, 90), Some(&zhou.id))
            .await,
    );
    w.act(&theirs, "accept", &zhou_token, json!({}))
        .await
        .assert_status(200);
    w.act(
        &theirs,
        "observers",
        &w.admin,
        json!({ "expert_id": w.lin_id }),
    )
    .await
    .assert_status(201);
    let token = token(&w).await;
    let calendar = feed(&w, &token).await;
    let observed = event(&calendar, &theirs).expect("the observed lecture");
    assert_eq!(
        observed.get_uid(),
        Some(format!("observation-{theirs}@127.0.0.1").as_str())
    );
    let summary = observed.get_summary().unwrap();
    assert!(summary.starts_with("听课：亲子共读"), "{summary}");
    assert!(summary.contains(&zhou.name), "{summary}");
    let description = observed.get_description().unwrap();
    assert!(description.contains("听课记录"), "{description}");
    assert!(!description.contains("待您接受"), "{description}");

    // Taken off, it leaves the feed.
    w.app
        .delete(
            &format!("/api/v1/lectures/{theirs}/observers/{}", w.lin_id),
            &w.admin,
        )
        .await
        .assert_status(200);
    let calendar = feed(&w, &token).await;
    assert!(event(&calendar, &theirs).is_none());
}
