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
async fn an_edit_refuses_an_empty_text_and_null_removes_it() {
    let w = world().await;
    let lecture = id_of(&w.dispatch("offline", slot(4, 14, 0, 60), None).await);
    let path = format!("/api/v1/lectures/{lecture}");
    for field in ["address", "note", "link", "platform"] {
        let empty = w
            .app
            .patch(&path, &w.admin, None, json!({ field: "  " }))
            .await;
        empty.assert_problem(422, "validation_failed");
        assert_eq!(empty.body["errors"][0]["field"], field);
        assert_eq!(empty.body["errors"][0]["code"], "required");
    }
    let noted = w
        .app
        .patch(&path, &w.admin, None, json!({ "note": "请带话筒" }))
        .await;
    assert_eq!(noted.assert_status(200)["note"], "请带话筒");
    let removed = w
        .app
        .patch(&path, &w.admin, None, json!({ "note": null }))
        .await;
    assert!(removed.assert_status(200)["note"].is_null());
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
