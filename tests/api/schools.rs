//! Schools: the office registers them; a school's accounts see and edit only their own.

use crate::common;

use common::TestApp;
use guanai::domain::roster::ExpertStatus;
use serde_json::json;

fn new_school(name: &str) -> serde_json::Value {
    json!({ "name": name, "school_type": "junior_high", "district": "仓山区", "address": "仓山区学府路8号",
            "contact_person": "张主任", "phone": "0591-88888888" })
}

#[actix_web::test]
async fn the_office_registers_a_school_and_gives_it_an_account() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;

    let created = app
        .post(
            "/api/v1/schools",
            Some(&admin),
            new_school("仓山区第一中学"),
        )
        .await;
    let body = created.assert_status(201);
    assert_eq!(body["school_type"], "junior_high");
    let id = body["id"].as_str().unwrap().to_owned();
    app.post(
        "/api/v1/schools",
        Some(&admin),
        new_school("仓山区第一中学"),
    )
    .await
    .assert_problem(409, "school_name_taken");

    let account = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({ "login": "cs.yizhong", "display_name": "仓山一中", "role": "school", "school_id": id,
                    "initial_password": "first password 1" }),
        )
        .await;
    account.assert_status(201);
    assert_eq!(app.audit_actions("school.created").len(), 1);

    let mut bad = new_school(" ");
    bad["school_type"] = json!("cram_school");
    let invalid = app.post("/api/v1/schools", Some(&admin), bad).await;
    invalid.assert_problem(422, "validation_failed");
    assert_eq!(invalid.body["errors"][0]["field"], "school_type");
}

#[actix_web::test]
async fn a_school_reads_only_its_own_record() {
    let app = TestApp::new().await;
    let (own, _) = app.school_account("school.a");
    let (other, _) = app.school_account("school.b");
    let (token, _) = app.tokens("school.a").await;

    app.get(&format!("/api/v1/schools/{}", own.id), &token)
        .await
        .assert_status(200);
    app.get(&format!("/api/v1/schools/{}", other.id), &token)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/schools", &token)
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_school_edits_its_contact_details_only() {
    let app = TestApp::new().await;
    let (own, _) = app.school_account("school.a");
    let (other, _) = app.school_account("school.b");
    let (token, _) = app.tokens("school.a").await;
    let path = format!("/api/v1/schools/{}", own.id);

    let edited = app
        .patch(
            &path,
            &token,
            Some("\"1\""),
            json!({ "contact_person": "王老师", "phone": null }),
        )
        .await;
    let body = edited.assert_status(200);
    assert_eq!(body["contact_person"], "王老师");
    assert!(body["phone"].is_null());
    assert_eq!(body["version"], 2);

    app.patch(&path, &token, None, json!({ "name": "改名中学" }))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &format!("/api/v1/schools/{}", other.id),
        &token,
        None,
        json!({ "contact_person": "x" }),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &path,
        &token,
        Some("\"1\""),
        json!({ "contact_person": "旧" }),
    )
    .await
    .assert_problem(412, "version_mismatch");
    // `If-Match: *` asks for no particular version (RFC 9110).
    let any = app
        .patch(&path, &token, Some("*"), json!({ "contact_person": "新" }))
        .await;
    assert_eq!(any.assert_status(200)["version"], 3);
}

#[actix_web::test]
async fn leads_and_the_office_list_schools_experts_do_not() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.school_account("school.a");
    app.school_account("school.b");
    let lead = app.expert("lead", "reading", ExpertStatus::Active);
    app.expert("plain", "reading", ExpertStatus::Active);
    app.make_lead("reading", &lead.id);
    let (as_lead, _) = app.tokens("lead").await;
    let (as_plain, _) = app.tokens("plain").await;

    let listed = app.get("/api/v1/schools?limit=1", &as_lead).await;
    let body = listed.assert_status(200);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let next = body["next_cursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/schools?limit=1&cursor={next}"), &admin)
        .await;
    assert_eq!(
        second.assert_status(200)["items"].as_array().unwrap().len(),
        1
    );
    assert!(second.body["next_cursor"].is_null());
    app.get("/api/v1/schools", &as_plain)
        .await
        .assert_problem(403, "forbidden");
    let by_type = app
        .get("/api/v1/schools?school_type=primary&q=school.a", &admin)
        .await;
    assert_eq!(
        by_type.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn null_on_a_field_that_cannot_be_cleared_is_422_and_a_no_op_keeps_the_version() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let created = app
        .post("/api/v1/schools", Some(&admin), new_school("鼓楼第二小学"))
        .await;
    let id = created.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/schools/{id}");

    let null = app
        .patch(&path, &admin, None, json!({ "contact_person": null }))
        .await;
    null.assert_problem(422, "validation_failed");
    assert_eq!(null.body["errors"][0]["field"], "contact_person");
    assert_eq!(null.body["errors"][0]["code"], "required");
    // `phone` may be cleared: null there removes it.
    let cleared = app
        .patch(&path, &admin, None, json!({ "phone": null }))
        .await;
    let version = cleared.assert_status(200)["version"].clone();
    assert!(cleared.body["phone"].is_null());

    let same = app
        .patch(
            &path,
            &admin,
            None,
            json!({ "contact_person": "张主任", "phone": null }),
        )
        .await;
    assert_eq!(same.assert_status(200)["version"], version);
}
