//! Times people can ask for: a school books at least the lead time ahead, the office may
//! arrange sooner but not in the past; every lecture lies within the lecture hours of one
//! local day, at most a year ahead, in whole minutes; a request's slots are distinct; a
//! course's topic is its own; a query time whose `+` arrived as a space says so.
//!
//! The world is the lectures' one (`crate::lectures`): the clock on Monday 2026-03-02 09:00
//! (+08:00), defaults `GUANAI_BOOKING_LEAD_HOURS=48`, `GUANAI_LECTURE_HOURS=07:00-21:30`.

use crate::lectures::{World, slot, world};

use serde_json::{Value, json};

/// A school's request to `reading` with these slots.
fn request(slots: Vec<Value>) -> Value {
    json!({ "team": "reading", "topic": "亲子沟通", "mode": "online", "audiences": ["parents"],
            "expected_size": 50, "slots": slots })
}

/// The field errors of a 422 as (field, code) pairs.
fn field_errors(response: &crate::common::TestResponse) -> Vec<(String, String)> {
    response.assert_problem(422, "validation_failed");
    response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

async fn as_school(w: &World, body: Value) -> crate::common::TestResponse {
    w.app.post("/api/v1/lectures", Some(&w.school), body).await
}

#[actix_web::test]
async fn a_school_books_two_days_ahead_and_the_office_may_arrange_sooner_but_not_in_the_past() {
    let w = world().await;
    // Tuesday 14:00 is 29 hours away; Wednesday 10:00 is 49.
    let soon = as_school(&w, request(vec![slot(3, 14, 0, 60)])).await;
    assert_eq!(field_errors(&soon), vec![pair("slots[0]", "too_soon")]);
    let message = soon.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("48"), "{message}");
    as_school(&w, request(vec![slot(4, 10, 0, 60)]))
        .await
        .assert_status(201);
    // The office arranges tomorrow's lecture, but none that has begun.
    let tomorrow = w.dispatch("online", slot(3, 14, 0, 60), None).await;
    assert_eq!(tomorrow["state"], "requested");
    let past = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "补课", "mode": "online", "audiences": ["parents"],
                    "expected_size": 50, "slots": [slot(2, 8, 0, 60)], "school_id": w.school_id }),
        )
        .await;
    assert_eq!(field_errors(&past), vec![pair("slots[0]", "in_the_past")]);
    // A school moving its lecture keeps the same lead time.
    let course = w.course(&w.lin_id).await;
    let booked = w.book(&course, vec![slot(5, 10, 0, 90)]).await;
    let id = booked["id"].as_str().unwrap().to_owned();
    let moved = w
        .act(&id, "reschedule", &w.school, slot(3, 15, 0, 90))
        .await;
    assert_eq!(field_errors(&moved), vec![pair("start", "too_soon")]);
}

#[actix_web::test]
async fn a_lecture_lies_within_the_lecture_hours_of_one_day_within_a_year() {
    let w = world().await;
    let at = |date: &str, start: &str, end: &str| json!({ "start": format!("{date}T{start}+08:00"), "end": format!("{date}T{end}+08:00") });
    let cases = [
        (
            at("2026-03-05", "03:00:00", "04:00:00"),
            "outside_lecture_hours",
        ),
        (
            at("2026-03-05", "06:30:00", "07:30:00"),
            "outside_lecture_hours",
        ),
        (
            at("2026-03-05", "21:00:00", "22:00:00"),
            "outside_lecture_hours",
        ),
        (
            json!({ "start": "2026-03-05T23:30:00+08:00", "end": "2026-03-06T00:30:00+08:00" }),
            "spans_days",
        ),
        (at("2100-03-05", "10:00:00", "11:00:00"), "too_far_ahead"),
        (at("2027-03-03", "10:00:00", "11:00:00"), "too_far_ahead"),
        (
            at("2026-03-05", "10:00:30", "11:00:30"),
            "not_whole_minutes",
        ),
        (
            at("2026-03-05", "10:00:00.500", "11:00:00"),
            "not_whole_minutes",
        ),
    ];
    for (slot, code) in cases {
        let response = as_school(&w, request(vec![slot.clone()])).await;
        assert_eq!(
            field_errors(&response),
            vec![pair("slots[0]", code)],
            "{slot}"
        );
    }
    // The edges are inside: 07:00 to 21:30, and a year ahead to the day.
    for slot in [
        at("2026-03-05", "07:00:00", "08:00:00"),
        at("2026-03-05", "20:30:00", "21:30:00"),
        at("2027-03-02", "08:00:00", "09:00:00"),
    ] {
        as_school(&w, request(vec![slot.clone()]))
            .await
            .assert_status(201);
    }
}

#[actix_web::test]
async fn a_request_s_slots_are_distinct_and_each_problem_is_answered() {
    let w = world().await;
    let same = as_school(&w, request(vec![slot(4, 10, 0, 60), slot(4, 10, 0, 60)])).await;
    assert_eq!(field_errors(&same), vec![pair("slots[1]", "duplicate")]);
    let overlapping = as_school(
        &w,
        request(vec![
            slot(4, 10, 0, 60),
            slot(5, 10, 0, 60),
            slot(4, 10, 30, 60),
        ]),
    )
    .await;
    assert_eq!(
        field_errors(&overlapping),
        vec![pair("slots[2]", "overlapping_slots")]
    );
    // Three bad slots are three errors.
    let all = as_school(
        &w,
        request(vec![
            slot(3, 10, 0, 60),
            slot(5, 3, 0, 60),
            slot(5, 10, 0, 10),
        ]),
    )
    .await;
    assert_eq!(
        field_errors(&all),
        vec![
            pair("slots[0]", "too_soon"),
            pair("slots[1]", "outside_lecture_hours"),
            pair("slots[2]", "wrong_length"),
        ]
    );
}

#[actix_web::test]
async fn a_course_s_topic_is_its_own() {
    let w = world().await;
    let course = w.course(&w.lin_id).await;
    let body = |topic: &str| {
        json!({ "course_id": course, "topic": topic, "mode": "online", "audiences": ["parents"],
                "expected_size": 50, "slots": [slot(4, 10, 0, 90)] })
    };
    let other = as_school(&w, body("网络安全")).await;
    assert_eq!(field_errors(&other), vec![pair("topic", "mismatch")]);
    let same = as_school(&w, body("整本书阅读指导")).await;
    assert_eq!(same.assert_status(201)["topic"], "整本书阅读指导");
}

#[actix_web::test]
async fn a_query_time_whose_plus_arrived_as_a_space_says_to_send_it_as_2b() {
    let w = world().await;
    let typed = w
        .app
        .get("/api/v1/lectures?from=2026-03-05T14:00:00+08:00", &w.admin)
        .await;
    assert_eq!(field_errors(&typed), vec![pair("from", "invalid_datetime")]);
    let message = typed.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("%2B"), "{message}");
    w.app
        .get(
            "/api/v1/lectures?from=2026-03-05T14:00:00%2B08:00",
            &w.admin,
        )
        .await
        .assert_status(200);
    let nonsense = w.app.get("/api/v1/lectures?to=tomorrow", &w.admin).await;
    assert_eq!(
        field_errors(&nonsense),
        vec![pair("to", "invalid_datetime")]
    );
    let message = nonsense.body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("%2B"), "{message}");
}
