//! What a lecture request's body may be: an action whose fields are all optional takes no
//! body at all; an empty text is refused where `null` removes a value; a login is one line.

use crate::lectures::{id_of, slot, world};

use actix_web::http::{Method, header};
use actix_web::test::TestRequest;
use serde_json::json;

#[actix_web::test]
async fn an_offer_is_accepted_with_no_body_at_all() {
    let w = world().await;
    let offered = id_of(
        &w.dispatch("online", slot(4, 10, 0, 60), Some(&w.lin_id))
            .await,
    );
    let path = format!("/api/v1/lectures/{offered}/accept");
    // A body that is not JSON is still refused.
    let text = TestRequest::post()
        .uri(&path)
        .insert_header((header::AUTHORIZATION, format!("Bearer {}", w.lin)))
        .insert_header((header::CONTENT_TYPE, "text/plain"))
        .set_payload("slot=1");
    w.app
        .call(text)
        .await
        .assert_problem(415, "unsupported_media_type");
    let bare = w.app.send(Method::POST, &path, Some(&w.lin), None).await;
    assert_eq!(bare.assert_status(200)["state"], "confirmed");
}

#[actix_web::test]
async fn an_edit_refuses_a_blank_address_and_a_blank_note_removes_it() {
    let w = world().await;
    let lecture = id_of(&w.dispatch("offline", slot(4, 14, 0, 60), None).await);
    let path = format!("/api/v1/lectures/{lecture}");
    // An address is never blank (its schema says so): `null` falls back to none, "" is refused.
    let empty = w
        .app
        .patch(&path, &w.admin, None, json!({ "address": "  " }))
        .await;
    empty.assert_problem(422, "validation_failed");
    assert_eq!(empty.body["errors"][0]["field"], "address");
    assert_eq!(empty.body["errors"][0]["code"], "required");
    // A note, a link, a platform may be blank: blank, like null, removes it.
    for removal in [json!(null), json!("  ")] {
        let noted = w
            .app
            .patch(&path, &w.admin, None, json!({ "note": "请带话筒" }))
            .await;
        assert_eq!(noted.assert_status(200)["note"], "请带话筒");
        let removed = w
            .app
            .patch(&path, &w.admin, None, json!({ "note": removal }))
            .await;
        assert!(removed.assert_status(200)["note"].is_null(), "{removal}");
    }
}

#[actix_web::test]
async fn a_password_reset_for_a_login_with_a_tab_is_refused_not_answered() {
    let w = world().await;
    let response = w
        .app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "school\t.a" }),
        )
        .await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.body["errors"][0]["code"], "invalid_characters");
    w.app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({ "login": "school.a" }),
        )
        .await
        .assert_status(202);
}

#[actix_web::test]
async fn an_online_lecture_takes_a_meeting_number_and_passcode_shown_as_the_link_is() {
    let w = world().await;
    let city = |extra: serde_json::Value| {
        let mut body = json!({ "team": "reading", "topic": "全市家长课堂", "mode": "online",
                               "audiences": ["parents"], "expected_size": 500,
                               "slots": [slot(6, 19, 0, 60)], "platform": "腾讯会议" });
        if let (Some(fields), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
            fields.extend(extra);
        }
        body
    };
    // A meeting number typed into the link, and malformed numbers and passcodes, are refused.
    for (extra, field, code) in [
        (
            json!({ "link": "会议号 123 456 789" }),
            "link",
            "invalid_format",
        ),
        // An address no browser opens: a host cut off inside its brackets, or none at all.
        (
            json!({ "link": "https://[腾讯会议" }),
            "link",
            "invalid_format",
        ),
        (json!({ "link": "https://" }), "link", "invalid_format"),
        (
            json!({ "meeting_id": "12 34" }),
            "meeting_id",
            "invalid_format",
        ),
        (
            json!({ "meeting_id": "会议号123456789" }),
            "meeting_id",
            "invalid_format",
        ),
        (
            json!({ "meeting_id": "123 456 789", "passcode": "12 34" }),
            "passcode",
            "invalid_format",
        ),
        (json!({ "passcode": "1234" }), "passcode", "not_allowed"),
    ] {
        let refused = w
            .app
            .post("/api/v1/lectures", Some(&w.admin), city(extra.clone()))
            .await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.body["errors"][0]["field"], field, "{extra}");
        assert_eq!(refused.body["errors"][0]["code"], code, "{extra}");
    }
    let made = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            city(json!({ "meeting_id": "123 456 789", "passcode": "2026" })),
        )
        .await;
    let id = id_of(made.assert_status(201));
    assert_eq!(made.body["meeting_id"], "123 456 789");
    assert_eq!(made.body["passcode"], "2026");
    // A school sees them once it joined and the lecture is confirmed, as it sees a link.
    w.app
        .post(
            &format!("/api/v1/lectures/{id}/participants"),
            Some(&w.school),
            json!({ "expected_size": 40 }),
        )
        .await
        .assert_status(201);
    let path = format!("/api/v1/lectures/{id}");
    let before = w.app.get(&path, &w.school).await;
    assert!(before.assert_status(200)["meeting_id"].is_null());
    assert!(before.body["passcode"].is_null());
    w.act(&id, "offer", &w.admin, json!({ "expert_id": w.lin_id }))
        .await
        .assert_status(200);
    w.act(&id, "accept", &w.lin, json!({}))
        .await
        .assert_status(200);
    let after = w.app.get(&path, &w.school).await;
    assert_eq!(after.assert_status(200)["meeting_id"], "123 456 789");
    assert_eq!(after.body["passcode"], "2026");
    // On site there is no meeting number.
    let on_site = w
        .app
        .post(
            "/api/v1/lectures",
            Some(&w.admin),
            json!({ "team": "reading", "topic": "家长会", "mode": "offline", "audiences": ["parents"],
                    "expected_size": 50, "slots": [slot(9, 10, 0, 60)], "school_id": w.school_id,
                    "meeting_id": "123 456 789" }),
        )
        .await;
    on_site.assert_problem(422, "validation_failed");
    assert_eq!(on_site.body["errors"][0]["code"], "not_allowed");
}

#[actix_web::test]
async fn the_expert_offered_a_lecture_sees_whom_to_call_at_the_school() {
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
    let offered = id_of(
        &w.dispatch("offline", slot(4, 14, 0, 60), Some(&w.lin_id))
            .await,
    );
    let path = format!("/api/v1/lectures/{offered}");
    let seen = w.app.get(&path, &w.lin).await;
    let contact = &seen.assert_status(200)["school_contact"];
    assert_eq!(contact["contact_person"], "德育处张老师");
    assert_eq!(contact["phone"], "13912345678");
    assert_eq!(contact["address"], "school.a学校路1号");
    // The school knows its own; the school's page stays the office's and its own.
    let own = w.app.get(&path, &w.school).await;
    assert!(own.assert_status(200).get("school_contact").is_none());
    w.app
        .get(&format!("/api/v1/schools/{}", w.school_id), &w.lin)
        .await
        .assert_problem(404, "not_found");
}
