//! The course menu: proposals, review by the office or a team lead, the menu schools see.

use crate::common;

use common::TestApp;
use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

fn proposal() -> Value {
    json!({
        "team": "reading", "title": "整本书阅读指导", "description": "带领学生读完一本书的方法。",
        "outline": "一、选书\n二、共读\n三、分享", "audiences": ["students", "teachers"],
        "grade_bands": ["primary_upper", "junior_high"], "modes": ["online", "offline"],
        "duration_minutes": 90, "max_audience": 200
    })
}

fn titles(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_proposed_course_reaches_schools_only_after_approval() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("lin", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (as_lin, _) = app.tokens("lin").await;
    let (school, _) = app.tokens("school.a").await;

    let proposed = app.post("/api/v1/courses", Some(&as_lin), proposal()).await;
    let body = proposed.assert_status(201);
    assert_eq!(body["status"], "pending_review");
    let id = body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/courses/{id}");
    app.get(&path, &school)
        .await
        .assert_problem(404, "not_found");
    assert!(titles(app.get("/api/v1/courses", &school).await.assert_status(200)).is_empty());

    let approved = app
        .post(
            &format!("{path}/review"),
            Some(&admin),
            json!({ "decision": "approve", "comment": "内容扎实" }),
        )
        .await;
    assert_eq!(approved.assert_status(200)["status"], "approved");

    let seen = app.get(&path, &school).await;
    let body = seen.assert_status(200);
    assert_eq!(body["title"], "整本书阅读指导");
    assert_eq!(body["grade_bands"], json!(["primary_upper", "junior_high"]));
    assert!(
        body.get("review").is_none(),
        "schools do not see review comments"
    );
    let own = app.get(&path, &as_lin).await;
    assert_eq!(own.assert_status(200)["review"]["comment"], "内容扎实");
    assert_eq!(
        titles(app.get("/api/v1/courses", &school).await.assert_status(200)),
        ["整本书阅读指导"]
    );
    assert_eq!(app.audit_actions("course.reviewed").len(), 1);

    // A school may read the course but never review or retire it.
    app.post(
        &format!("{path}/review"),
        Some(&school),
        json!({ "decision": "reject", "comment": "不喜欢" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(&format!("{path}/retire"), Some(&school), json!({}))
        .await
        .assert_problem(403, "forbidden");
    app.patch(&path, &school, None, json!({ "title": "改" }))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn leads_review_their_teams_courses_but_never_their_own() {
    let app = TestApp::new().await;
    let lead = app.expert("lead", "reading", ExpertStatus::Active);
    app.expert("lin", "reading", ExpertStatus::Active);
    let other_lead = app.expert("other.lead", "ideology", ExpertStatus::Active);
    app.make_lead("reading", &lead.id);
    app.make_lead("ideology", &other_lead.id);
    let (as_lead, _) = app.tokens("lead").await;
    let (as_lin, _) = app.tokens("lin").await;
    let (as_other_lead, _) = app.tokens("other.lead").await;

    let lins = app.post("/api/v1/courses", Some(&as_lin), proposal()).await;
    let lins = lins.assert_status(201)["id"].as_str().unwrap().to_owned();
    let leads_own = app
        .post("/api/v1/courses", Some(&as_lead), proposal())
        .await;
    let leads_own = leads_own.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let approve = json!({ "decision": "approve" });

    app.post(
        &format!("/api/v1/courses/{leads_own}/review"),
        Some(&as_lead),
        approve.clone(),
    )
    .await
    .assert_problem(403, "forbidden");
    // A lead of another team does not even see a pending course.
    app.post(
        &format!("/api/v1/courses/{lins}/review"),
        Some(&as_other_lead),
        approve.clone(),
    )
    .await
    .assert_problem(404, "not_found");
    // The author cannot review.
    app.post(
        &format!("/api/v1/courses/{lins}/review"),
        Some(&as_lin),
        approve.clone(),
    )
    .await
    .assert_problem(403, "forbidden");

    let pending = app
        .get("/api/v1/courses?status=pending_review", &as_lead)
        .await;
    assert_eq!(
        pending.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    app.post(
        &format!("/api/v1/courses/{lins}/review"),
        Some(&as_lead),
        approve.clone(),
    )
    .await
    .assert_status(200);
    app.post(
        &format!("/api/v1/courses/{lins}/review"),
        Some(&as_lead),
        approve,
    )
    .await
    .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn rejection_needs_a_comment_and_an_edit_sends_a_course_back_to_review() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("lin", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (as_lin, _) = app.tokens("lin").await;
    let (school, _) = app.tokens("school.a").await;
    let created = app.post("/api/v1/courses", Some(&as_lin), proposal()).await;
    let id = created.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let review = format!("/api/v1/courses/{id}/review");

    app.post(&review, Some(&admin), json!({ "decision": "reject" }))
        .await
        .assert_problem(422, "validation_failed");
    let rejected = app
        .post(
            &review,
            Some(&admin),
            json!({ "decision": "reject", "comment": "请补充课程提纲" }),
        )
        .await;
    assert_eq!(rejected.assert_status(200)["status"], "rejected");
    assert_eq!(
        app.get(&format!("/api/v1/courses/{id}"), &as_lin)
            .await
            .body["review"]["comment"],
        "请补充课程提纲"
    );

    let edited = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &as_lin,
            None,
            json!({ "outline": "完整提纲" }),
        )
        .await;
    assert_eq!(edited.assert_status(200)["status"], "pending_review");
    app.post(&review, Some(&admin), json!({ "decision": "approve" }))
        .await
        .assert_status(200);
    assert_eq!(
        titles(app.get("/api/v1/courses", &school).await.assert_status(200)).len(),
        1
    );

    // Editing an approved course takes it off the menu until approved again.
    let edited = app
        .patch(
            &format!("/api/v1/courses/{id}"),
            &as_lin,
            None,
            json!({ "duration_minutes": 60 }),
        )
        .await;
    assert_eq!(edited.assert_status(200)["status"], "pending_review");
    assert!(titles(app.get("/api/v1/courses", &school).await.assert_status(200)).is_empty());
    app.patch(
        &format!("/api/v1/courses/{id}"),
        &as_lin,
        Some("\"1\""),
        json!({ "duration_minutes": 45 }),
    )
    .await
    .assert_problem(412, "version_mismatch");
}

#[actix_web::test]
async fn retired_courses_and_courses_of_inactive_experts_leave_the_menu() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lin = app.expert("lin", "reading", ExpertStatus::Active);
    app.expert("hu", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (as_lin, _) = app.tokens("lin").await;
    let (as_hu, _) = app.tokens("hu").await;
    let (school, _) = app.tokens("school.a").await;
    let mut ids = Vec::new();
    for (token, title) in [(&as_lin, "林老师的课"), (&as_hu, "胡老师的课")] {
        let mut body = proposal();
        body["title"] = json!(title);
        let created = app.post("/api/v1/courses", Some(token), body).await;
        let id = created.assert_status(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.post(
            &format!("/api/v1/courses/{id}/review"),
            Some(&admin),
            json!({ "decision": "approve" }),
        )
        .await
        .assert_status(200);
        ids.push(id);
    }
    assert_eq!(
        titles(app.get("/api/v1/courses", &school).await.assert_status(200)).len(),
        2
    );

    app.post(
        &format!("/api/v1/experts/{}/status", lin.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": "住院" }),
    )
    .await
    .assert_status(200);
    assert_eq!(
        titles(app.get("/api/v1/courses", &school).await.assert_status(200)),
        ["胡老师的课"]
    );

    app.post(
        &format!("/api/v1/courses/{}/retire", ids[1]),
        Some(&as_lin),
        json!({}),
    )
    .await
    // Not the author, and suspended besides: the suspension answers first.
    .assert_problem(403, "membership_suspended");
    let retired = app
        .post(
            &format!("/api/v1/courses/{}/retire", ids[1]),
            Some(&as_hu),
            json!({}),
        )
        .await;
    assert_eq!(retired.assert_status(200)["status"], "retired");
    assert!(titles(app.get("/api/v1/courses", &school).await.assert_status(200)).is_empty());
    app.post(
        &format!("/api/v1/courses/{}/retire", ids[1]),
        Some(&as_hu),
        json!({}),
    )
    .await
    .assert_problem(409, "illegal_transition");
    app.patch(
        &format!("/api/v1/courses/{}", ids[1]),
        &as_hu,
        None,
        json!({ "title": "复活" }),
    )
    .await
    .assert_problem(409, "illegal_transition");
}

#[actix_web::test]
async fn the_menu_filters_by_audience_grade_mode_team_and_text() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lin = app.expert("lin", "reading", ExpertStatus::Active);
    let chen = app.expert("chen", "mental_health", ExpertStatus::Active);
    app.school_account("school.a");
    let (school, _) = app.tokens("school.a").await;
    let courses = [
        (
            &lin.id,
            "reading",
            "Reading Club",
            json!(["students"]),
            json!(["primary_upper"]),
            json!(["online"]),
        ),
        (
            &chen.id,
            "mental_health",
            "读懂孩子的情绪",
            json!(["parents"]),
            json!([]),
            json!(["offline"]),
        ),
    ];
    for (expert_id, team, title, audiences, grades, modes) in courses {
        let body = json!({ "expert_id": expert_id, "team": team, "title": title, "description": "d",
            "audiences": audiences, "grade_bands": grades, "modes": modes, "duration_minutes": 60 });
        let created = app.post("/api/v1/courses", Some(&admin), body).await;
        let id = created.assert_status(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.post(
            &format!("/api/v1/courses/{id}/review"),
            Some(&admin),
            json!({ "decision": "approve" }),
        )
        .await
        .assert_status(200);
    }

    for (query, expected) in [
        ("audience=parents", "读懂孩子的情绪"),
        ("grade=primary_upper", "Reading Club"),
        ("mode=online", "Reading Club"),
        ("team=mental_health", "读懂孩子的情绪"),
        ("q=reading%20CLUB", "Reading Club"),
        (&format!("expert={}", chen.id), "读懂孩子的情绪"),
    ] {
        let found = app.get(&format!("/api/v1/courses?{query}"), &school).await;
        assert_eq!(titles(found.assert_status(200)), [expected], "{query}");
    }
    // A value the filter does not know is the same mistake whatever the filter: 422 naming it.
    for (query, field) in [
        ("grade=phd", "grade"),
        ("team=astrology", "team"),
        ("audience=aliens", "audience"),
    ] {
        let refused = app.get(&format!("/api/v1/courses?{query}"), &school).await;
        refused.assert_problem(422, "validation_failed");
        assert_eq!(refused.body["errors"][0]["field"], field, "{query}");
        assert_eq!(
            refused.body["errors"][0]["code"], "invalid_choice",
            "{query}"
        );
    }
    // What does not parse at all, or is not a filter, is a malformed request.
    app.get("/api/v1/courses?limit=ten", &school)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/api/v1/courses?colour=red", &school)
        .await
        .assert_problem(400, "invalid_query");
}

#[actix_web::test]
async fn proposals_are_checked_and_only_experts_and_the_office_make_them() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lin = app.expert("lin", "reading", ExpertStatus::Active);
    let hu = app.expert("hu", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (school, _) = app.tokens("school.a").await;
    let (as_lin, _) = app.tokens("lin").await;

    app.post("/api/v1/courses", Some(&school), proposal())
        .await
        .assert_problem(403, "forbidden");
    let mut for_hu = proposal();
    for_hu["expert_id"] = json!(hu.id);
    app.post("/api/v1/courses", Some(&as_lin), for_hu)
        .await
        .assert_problem(403, "forbidden");
    app.post("/api/v1/courses", Some(&admin), proposal())
        .await
        .assert_problem(422, "validation_failed");

    let mut other_team = proposal();
    other_team["team"] = json!("legal_safety");
    let response = app.post("/api/v1/courses", Some(&as_lin), other_team).await;
    response.assert_problem(422, "validation_failed");
    assert_eq!(response.body["errors"][0]["code"], "not_member");

    let mut bad = proposal();
    bad["duration_minutes"] = json!(300);
    bad["grade_bands"] = json!([]);
    bad["modes"] = json!(["one_on_one"]);
    let response = app.post("/api/v1/courses", Some(&as_lin), bad).await;
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["grade_bands", "modes", "duration_minutes"]);
    let _ = lin;
}

#[actix_web::test]
async fn a_courses_history_lists_every_review_step_in_order_for_those_who_see_the_review() {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    let lin = app.expert("lin", "reading", ExpertStatus::Active);
    app.expert("other", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (as_lin, _) = app.tokens("lin").await;
    let (as_other, _) = app.tokens("other").await;
    let (school, _) = app.tokens("school.a").await;

    let id = app
        .post("/api/v1/courses", Some(&as_lin), proposal())
        .await
        .assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/courses/{id}");
    let reject = json!({ "decision": "reject", "comment": "请补充大纲" });
    app.post(&format!("{path}/review"), Some(&admin), reject)
        .await
        .assert_status(200);
    app.patch(
        &path,
        &as_lin,
        None,
        json!({ "outline": "一、选书\n二、共读" }),
    )
    .await
    .assert_status(200);
    let approve = json!({ "decision": "approve" });
    app.post(&format!("{path}/review"), Some(&admin), approve)
        .await
        .assert_status(200);
    app.post(&format!("{path}/retire"), Some(&as_lin), json!({}))
        .await
        .assert_status(200);

    let history = app.get(&format!("{path}/history"), &as_lin).await;
    let items = history.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    let steps: Vec<(i64, &str, Value, &str)> = items
        .iter()
        .map(|i| {
            (
                i["seq"].as_i64().unwrap(),
                i["action"].as_str().unwrap(),
                i["from"].clone(),
                i["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (1, "propose", Value::Null, "pending_review"),
            (2, "reject", json!("pending_review"), "rejected"),
            (3, "edit", json!("rejected"), "pending_review"),
            (4, "approve", json!("pending_review"), "approved"),
            (5, "retire", json!("approved"), "retired"),
        ]
    );
    assert_eq!(items[1]["reason"], "请补充大纲");
    assert_eq!(items[1]["actor"], admin_user.id.as_str());
    assert_eq!(items[0]["actor"], lin.user_id.as_str());

    // The office reads it too; another expert (the course is off the menu) and a school do not.
    app.get(&format!("{path}/history"), &admin)
        .await
        .assert_status(200);
    app.get(&format!("{path}/history"), &as_other)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{path}/history"), &school)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn an_approved_course_on_the_menu_hides_its_history_from_schools_and_other_experts() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("lin", "reading", ExpertStatus::Active);
    app.expert("other", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (as_lin, _) = app.tokens("lin").await;
    let (as_other, _) = app.tokens("other").await;
    let (school, _) = app.tokens("school.a").await;
    let id = app
        .post("/api/v1/courses", Some(&as_lin), proposal())
        .await
        .assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/courses/{id}/review"),
        Some(&admin),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);
    for token in [&school, &as_other] {
        app.get(&format!("/api/v1/courses/{id}/history"), token)
            .await
            .assert_problem(403, "forbidden");
    }
}

#[actix_web::test]
async fn an_edit_that_changes_nothing_leaves_an_approved_course_on_the_menu() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("pan", "reading", ExpertStatus::Active);
    let (as_pan, _) = app.tokens("pan").await;
    let proposed = app.post("/api/v1/courses", Some(&as_pan), proposal()).await;
    let id = proposed.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/courses/{id}");
    app.post(
        &format!("{path}/review"),
        Some(&admin),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);
    let before = app.get(&path, &as_pan).await.assert_status(200).clone();

    let same = app
        .patch(
            &path,
            &as_pan,
            None,
            json!({ "title": before["title"], "duration_minutes": before["duration_minutes"] }),
        )
        .await;
    let body = same.assert_status(200);
    assert_eq!(body["status"], "approved", "not sent back to review");
    assert_eq!(body["version"], before["version"]);
    app.patch(&path, &as_pan, None, json!({ "title": null }))
        .await
        .assert_problem(422, "validation_failed");
}

/// The kinds of notification `user_id` has received, oldest first.
fn notice_kinds(app: &TestApp, user_id: &str) -> Vec<String> {
    let mut rows = app.with_conn(|conn| {
        guanai::models::notification::Notification::outbox(conn, None, None, 1000).unwrap()
    });
    rows.reverse();
    rows.into_iter()
        .filter(|n| n.user_id == user_id)
        .map(|n| n.kind)
        .collect()
}

#[actix_web::test]
async fn a_course_waiting_for_review_is_announced_to_its_reviewers_only() {
    let app = TestApp::new().await;
    let (office, admin) = app.admin().await;
    let lead = app.expert("lead.reading", "reading", ExpertStatus::Active);
    app.make_lead("reading", &lead.id);
    let other_lead = app.expert("lead.ideology", "ideology", ExpertStatus::Active);
    app.make_lead("ideology", &other_lead.id);
    let author = app.expert("song", "reading", ExpertStatus::Active);
    let (as_song, _) = app.tokens("song").await;

    let proposed = app
        .post("/api/v1/courses", Some(&as_song), proposal())
        .await;
    let id = proposed.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(notice_kinds(&app, &office.id), ["course_pending_review"]);
    assert_eq!(notice_kinds(&app, &lead.user_id), ["course_pending_review"]);
    assert!(
        notice_kinds(&app, &other_lead.user_id).is_empty(),
        "another team's lead"
    );
    assert!(
        notice_kinds(&app, &author.user_id).is_empty(),
        "not the author"
    );

    // Approved, then edited: it goes back to review, and the reviewers hear of it again.
    let path = format!("/api/v1/courses/{id}");
    app.post(
        &format!("{path}/review"),
        Some(&admin),
        json!({ "decision": "approve" }),
    )
    .await
    .assert_status(200);
    app.patch(
        &path,
        &as_song,
        None,
        json!({ "title": "整本书阅读（修订）" }),
    )
    .await
    .assert_status(200);
    assert_eq!(
        notice_kinds(&app, &lead.user_id),
        ["course_pending_review", "course_pending_review"]
    );
    let mail = app.with_conn(|conn| {
        guanai::models::notification::Notification::outbox(conn, None, None, 1000).unwrap()
    });
    assert_eq!(
        mail.iter()
            .filter(|n| n.user_id == lead.user_id && n.body.contains("重新提交"))
            .count(),
        1
    );
}

#[actix_web::test]
async fn a_course_of_an_expert_who_is_not_active_cannot_be_approved() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let fang = app.expert("fang", "reading", ExpertStatus::Active);
    let (as_fang, _) = app.tokens("fang").await;
    let proposed = app
        .post("/api/v1/courses", Some(&as_fang), proposal())
        .await;
    let id = proposed.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/experts/{}/status", fang.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": "住院" }),
    )
    .await
    .assert_status(200);

    let review = format!("/api/v1/courses/{id}/review");
    app.post(&review, Some(&admin), json!({ "decision": "approve" }))
        .await
        .assert_problem(409, "expert_not_active");
    assert!(
        !notice_kinds(&app, &fang.user_id).contains(&"course_approved".to_owned()),
        "no mail says schools can book it"
    );
    // It can still be rejected, or wait until the expert is back.
    app.post(
        &format!("/api/v1/experts/{}/status", fang.id),
        Some(&admin),
        json!({ "to": "active", "reason": "出院" }),
    )
    .await
    .assert_status(200);
    app.post(&review, Some(&admin), json!({ "decision": "approve" }))
        .await
        .assert_status(200);
}

#[actix_web::test]
async fn a_list_shows_each_course_with_the_same_sets_as_the_course_itself() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    app.expert("lin", "reading", ExpertStatus::Active);
    let (as_lin, _) = app.tokens("lin").await;
    let mut body = proposal();
    body["audiences"] = json!(["teachers", "students", "parents"]);
    let created = app.post("/api/v1/courses", Some(&as_lin), body).await;
    let id = created.assert_status(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut plain = proposal();
    plain["title"] = json!("没有年级的课程");
    plain["audiences"] = json!(["parents"]);
    plain["grade_bands"] = json!([]);
    app.post("/api/v1/courses", Some(&as_lin), plain)
        .await
        .assert_status(201);

    let course = app.get(&format!("/api/v1/courses/{id}"), &admin).await;
    let course = course.assert_status(200);
    let list = app.get("/api/v1/courses?limit=100", &admin).await;
    let list = list.assert_status(200);
    let items = list["items"].as_array().unwrap();
    let item = items.iter().find(|c| c["id"] == id.as_str()).unwrap();

    for key in ["audiences", "grade_bands", "modes", "expert_name", "status"] {
        assert_eq!(item[key], course[key], "{key}");
    }
    assert_eq!(item["audiences"].as_array().unwrap().len(), 3);
    assert_eq!(item["grade_bands"], json!(["primary_upper", "junior_high"]));
    let other = items.iter().find(|c| c["id"] != id.as_str()).unwrap();
    assert_eq!(other["grade_bands"], json!([]));
    assert_eq!(other["audiences"], json!(["parents"]));
}
