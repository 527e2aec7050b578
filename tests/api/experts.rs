//! The roster: creating experts, membership, who sees which fields, edits, search, leads.

use crate::common;

use chrono::Duration;
use common::TestApp;
use guanai::domain::roster::ExpertStatus;
use serde_json::{Value, json};

fn keys(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

const PUBLIC_KEYS: [&str; 8] = [
    "bio",
    "id",
    "modes",
    "name",
    "primary_team",
    "specialties",
    "teams",
    "view",
];

fn new_expert(login: &str) -> Value {
    json!({
        "login": login, "name": "林文华", "gender": "male", "birth_year": 1952, "category": "veteran_teacher",
        "former_post": "语文特级教师", "former_org": "市第一中学", "specialties": ["整本书阅读", "古诗词"],
        "bio": "四十年语文教学。", "districts": ["晋安区"], "modes": ["online", "offline"],
        "rest_weekdays": [6, 7], "primary_team": "reading", "extra_teams": ["traditional_culture"],
        "phone": "13900000000", "email": "lin@example.cn"
    })
}

#[actix_web::test]
async fn admin_enters_an_expert_as_a_candidate_with_an_account() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;

    let response = app
        .post("/api/v1/experts", Some(&admin), new_expert("lin.wenhua"))
        .await;

    let body = response.assert_status(201);
    let expert = &body["expert"];
    assert_eq!(expert["view"], "full");
    assert_eq!(expert["status"], "candidate");
    assert_eq!(expert["login"], "lin.wenhua");
    assert_eq!(expert["teams"], json!(["reading", "traditional_culture"]));
    assert_eq!(expert["max_per_week"], 3);
    assert_eq!(expert["max_per_month"], 10);
    assert_eq!(expert["phone"], "13900000000");
    let token = body["set_password_token"]["token"].as_str().unwrap();
    let set = app
        .post(
            "/api/v1/auth/set-password",
            None,
            json!({ "token": token, "new_password": "lin's own password" }),
        )
        .await;
    assert_eq!(set.status.as_u16(), 204);
    app.login("lin.wenhua", "lin's own password")
        .await
        .assert_status(200);
    assert_eq!(app.audit_actions("expert.created").len(), 1);
}

#[actix_web::test]
async fn creating_an_expert_checks_every_field() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let mut body = new_expert("x");
    body["birth_year"] = json!(2020);
    body["primary_team"] = json!("astrology");
    body["max_per_week"] = json!(30);
    body["rest_weekdays"] = json!([0]);

    let response = app.post("/api/v1/experts", Some(&admin), body).await;

    response.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = response.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "login",
            "birth_year",
            "max_per_week",
            "rest_weekdays",
            "primary_team"
        ]
    );

    let mut bad_category = new_expert("ok.login");
    bad_category["category"] = json!("astronaut");
    let response = app
        .post("/api/v1/experts", Some(&admin), bad_category)
        .await;
    assert_eq!(response.body["errors"][0]["field"], "category");
}

#[actix_web::test]
async fn membership_follows_the_charter_and_keeps_its_history() {
    let app = TestApp::new().await;
    let (admin_user, admin) = app.admin().await;
    let expert = app.expert("member", "reading", ExpertStatus::Candidate);
    let status = |to: &str| json!({ "to": to, "reason": format!("to {to}") });
    let path = format!("/api/v1/experts/{}/status", expert.id);

    for to in ["active", "suspended", "active", "exited", "candidate"] {
        app.clock.advance(Duration::minutes(1));
        let response = app.post(&path, Some(&admin), status(to)).await;
        assert_eq!(response.assert_status(200)["status"], to);
    }

    let history = app
        .get(&format!("/api/v1/experts/{}/history", expert.id), &admin)
        .await;
    let items = history.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    let steps: Vec<(Value, Value)> = items
        .iter()
        .map(|i| (i["from"].clone(), i["to"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("candidate")),
            (json!("candidate"), json!("active")),
            (json!("active"), json!("suspended")),
            (json!("suspended"), json!("active")),
            (json!("active"), json!("exited")),
            (json!("exited"), json!("candidate")),
        ]
    );
    assert_eq!(items[1]["reason"], "to active");
    assert_eq!(items[1]["actor"], admin_user.id.as_str());
    assert_eq!(items[1]["action"], "qualify");
    let seqs: Vec<i64> = items.iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    let audits = app.audit_actions("expert.status_changed");
    assert_eq!(audits.len(), 5);
    assert!(audits[0].detail.contains("\"qualification\":true"));
}

#[actix_web::test]
async fn every_illegal_membership_step_is_409_naming_the_allowed_ones() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let all = ["candidate", "active", "suspended", "exited"];
    let legal: [(&str, &[&str]); 4] = [
        ("candidate", &["active", "exited"]),
        ("active", &["suspended", "exited"]),
        ("suspended", &["active", "exited"]),
        ("exited", &["candidate"]),
    ];
    for (from, allowed) in legal {
        let status: ExpertStatus = from.parse().unwrap();
        let expert = app.expert(&format!("from.{from}"), "ideology", status);
        for to in all.iter().filter(|to| !allowed.contains(to)) {
            let response = app
                .post(
                    &format!("/api/v1/experts/{}/status", expert.id),
                    Some(&admin),
                    json!({ "to": to, "reason": "try" }),
                )
                .await;
            response.assert_problem(409, "illegal_transition");
            let detail = response.body["detail"].as_str().unwrap();
            for target in allowed {
                let label = target
                    .parse::<ExpertStatus>()
                    .map(|s| s.label_zh())
                    .unwrap_or_default();
                assert!(
                    detail.contains(&format!("→{label}")),
                    "{from} → {to}: {detail}"
                );
            }
        }
    }
    let expert = app.expert("no.reason", "ideology", ExpertStatus::Active);
    app.post(
        &format!("/api/v1/experts/{}/status", expert.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": " " }),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn each_role_sees_the_fields_it_may_see() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let wang = app.expert("wang", "reading", ExpertStatus::Active);
    let li = app.expert("li", "reading", ExpertStatus::Active);
    let lead = app.expert("lead", "reading", ExpertStatus::Active);
    let outsider = app.expert("outsider", "ideology", ExpertStatus::Active);
    app.make_lead("reading", &lead.id);
    app.school_account("school.a");
    let (school, _) = app.tokens("school.a").await;
    let (as_wang, _) = app.tokens("wang").await;
    let (as_lead, _) = app.tokens("lead").await;
    let (as_outsider, _) = app.tokens("outsider").await;
    let path = format!("/api/v1/experts/{}", wang.id);

    // A school: the public profile, field by field.
    let seen = app.get(&path, &school).await;
    assert_eq!(keys(seen.assert_status(200)), PUBLIC_KEYS);
    for secret in [
        "phone",
        "email",
        "birth_year",
        "status",
        "login",
        "gender",
        "category",
    ] {
        assert!(seen.body.get(secret).is_none(), "a school sees {secret}");
    }
    // Another expert outside the team: public as well.
    assert_eq!(
        keys(app.get(&path, &as_outsider).await.assert_status(200)),
        PUBLIC_KEYS
    );
    // Oneself, the lead of one's team and the office: everything.
    for token in [&as_wang, &as_lead, &admin] {
        let full = app.get(&path, token).await;
        let body = full.assert_status(200);
        assert_eq!(body["view"], "full");
        assert_eq!(body["phone"], "13800000000");
        assert_eq!(body["email"], "wang@example.cn");
        assert_eq!(body["birth_year"], 1952);
        assert_eq!(body["status"], "active");
    }
    // The history is not for schools or outsiders.
    let history = format!("/api/v1/experts/{}/history", wang.id);
    app.get(&history, &school)
        .await
        .assert_problem(403, "forbidden");
    app.get(&history, &as_outsider)
        .await
        .assert_problem(403, "forbidden");
    app.get(&history, &as_lead).await.assert_status(200);

    // A suspended expert vanishes for schools and outsiders, not for their lead.
    app.post(
        &format!("/api/v1/experts/{}/status", li.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": "病假" }),
    )
    .await
    .assert_status(200);
    let li_path = format!("/api/v1/experts/{}", li.id);
    app.get(&li_path, &school)
        .await
        .assert_problem(404, "not_found");
    app.get(&li_path, &as_outsider)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get(&li_path, &as_lead).await.assert_status(200)["status"],
        "suspended"
    );

    let list = app.get("/api/v1/experts?limit=100", &school).await;
    let names: Vec<&str> = list.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["view"] == "public")
    );
    let _ = outsider;
}

#[actix_web::test]
async fn experts_edit_their_own_profile_but_not_membership_fields() {
    let app = TestApp::new().await;
    let wang = app.expert("wang", "reading", ExpertStatus::Active);
    let other = app.expert("other", "reading", ExpertStatus::Active);
    let (as_wang, _) = app.tokens("wang").await;
    let path = format!("/api/v1/experts/{}", wang.id);

    let edited = app
        .patch(
            &path,
            &as_wang,
            Some("\"1\""),
            json!({ "bio": "新的简介", "specialties": ["STEM 科普"], "max_per_week": 2, "rest_weekdays": [3],
                    "modes": ["online"], "phone": "13911112222", "email": null }),
        )
        .await;
    let body = edited.assert_status(200);
    assert_eq!(body["bio"], "新的简介");
    assert_eq!(body["max_per_week"], 2);
    assert_eq!(body["rest_weekdays"], json!([3]));
    assert_eq!(body["modes"], json!(["online"]));
    assert_eq!(body["phone"], "13911112222");
    assert!(body["email"].is_null());

    for forbidden in [
        json!({ "primary_team": "ideology" }),
        json!({ "category": "veteran_model" }),
        json!({ "name": "改名" }),
    ] {
        app.patch(&path, &as_wang, None, forbidden)
            .await
            .assert_problem(403, "forbidden");
    }
    app.patch(&path, &as_wang, None, json!({ "status": "exited" }))
        .await
        .assert_problem(422, "validation_failed");
    app.patch(
        &format!("/api/v1/experts/{}", other.id),
        &as_wang,
        None,
        json!({ "bio": "hijack" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(&path, &as_wang, Some("\"1\""), json!({ "bio": "stale" }))
        .await
        .assert_problem(412, "version_mismatch");
    app.patch(
        &path,
        &as_wang,
        None,
        json!({ "max_per_week": 12, "max_per_month": 10 }),
    )
    .await
    .assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn schools_cannot_create_or_edit_experts() {
    let app = TestApp::new().await;
    let wang = app.expert("wang", "reading", ExpertStatus::Active);
    app.school_account("school.a");
    let (school, _) = app.tokens("school.a").await;

    app.post("/api/v1/experts", Some(&school), new_expert("sneaky"))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &format!("/api/v1/experts/{}", wang.id),
        &school,
        None,
        json!({ "bio": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        &format!("/api/v1/experts/{}/status", wang.id),
        Some(&school),
        json!({ "to": "exited", "reason": "x" }),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn admin_edits_teams_and_a_lead_who_leaves_a_team_stops_leading_it() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lead = app.expert("lead", "reading", ExpertStatus::Active);
    app.make_lead("reading", &lead.id);

    let moved = app
        .patch(
            &format!("/api/v1/experts/{}", lead.id),
            &admin,
            None,
            json!({ "primary_team": "ideology", "category": "veteran_cadre" }),
        )
        .await;
    assert_eq!(moved.assert_status(200)["primary_team"], "ideology");

    let team = app.get("/api/v1/teams/reading", &admin).await;
    assert!(team.assert_status(200)["lead"].is_null());
    assert_eq!(app.audit_actions("expert.updated_by_admin").len(), 1);
}

#[actix_web::test]
async fn search_filters_and_pages_the_same_on_every_page() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    for i in 0..7 {
        let team = if i % 2 == 0 { "reading" } else { "ideology" };
        app.expert(&format!("e{i}"), team, ExpertStatus::Active);
        app.clock.advance(Duration::seconds(1));
    }
    let special = app.expert("special", "legal_safety", ExpertStatus::Active);
    app.patch(
        &format!("/api/v1/experts/{}", special.id),
        &admin,
        None,
        json!({ "specialties": ["STEM Outreach"], "districts": ["马尾区"], "modes": ["one_on_one"] }),
    )
    .await
    .assert_status(200);

    let mut seen = Vec::new();
    let mut path = "/api/v1/experts?team=reading&limit=2".to_owned();
    loop {
        let page = app.get(&path, &admin).await;
        let body = page.assert_status(200).clone();
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["login"].as_str().unwrap().to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/experts?team=reading&limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["e0", "e2", "e4", "e6"]);

    for query in [
        "q=stem%20out",
        "q=STEM",
        "district=%E9%A9%AC%E5%B0%BE%E5%8C%BA",
        "mode=one_on_one",
        "team=legal_safety",
    ] {
        let found = app.get(&format!("/api/v1/experts?{query}"), &admin).await;
        let items = found.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(items.len(), 1, "{query}");
        assert_eq!(items[0]["login"], "special", "{query}");
    }
    let none = app.get("/api/v1/experts?q=100%25", &admin).await;
    assert!(
        none.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.get("/api/v1/experts?team=astrology", &admin)
        .await
        .assert_problem(422, "validation_failed");
    app.get("/api/v1/experts?mode=teleport", &admin)
        .await
        .assert_problem(422, "validation_failed");
    let suspended = app.get("/api/v1/experts?status=suspended", &admin).await;
    assert!(
        suspended.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn team_leads_must_be_active_members_and_lose_their_post_on_suspension() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let lead = app.expert("lead", "mental_health", ExpertStatus::Active);
    let deputy = app.expert("deputy", "reading", ExpertStatus::Active);
    let member = app.expert("member", "mental_health", ExpertStatus::Suspended);
    app.with_conn(|conn| {
        guanai::models::value_set::expert_extra_teams::replace(
            conn,
            &deputy.id,
            &["mental_health".to_owned()],
        )
        .unwrap();
    });
    let candidate = app.expert("candidate", "mental_health", ExpertStatus::Candidate);
    let outsider = app.expert("outsider", "ideology", ExpertStatus::Active);

    let bad = app
        .send(
            actix_web::http::Method::PUT,
            "/api/v1/teams/mental_health/leads",
            Some(&admin),
            Some(json!({ "lead": candidate.id, "deputies": [outsider.id, uuid::Uuid::new_v4().to_string(), member.id] })),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    let codes: Vec<(&str, &str)> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("lead", "not_active"),
            ("deputies[0]", "not_member"),
            ("deputies[1]", "not_found"),
            ("deputies[2]", "not_active")
        ]
    );

    let set = app
        .send(
            actix_web::http::Method::PUT,
            "/api/v1/teams/mental_health/leads",
            Some(&admin),
            Some(json!({ "lead": lead.id, "deputies": [deputy.id] })),
        )
        .await;
    let body = set.assert_status(200);
    assert_eq!(body["lead"]["expert_id"], lead.id.as_str());
    assert_eq!(body["deputies"][0]["expert_id"], deputy.id.as_str());
    assert_eq!(app.audit_actions("team.leads_changed").len(), 1);

    // As lead, the deputy sees the suspended member in full…
    let (as_deputy, _) = app.tokens("deputy").await;
    let member_path = format!("/api/v1/experts/{}", member.id);
    app.get(&member_path, &as_deputy).await.assert_status(200);
    // …until suspended: the post ends at once.
    app.post(
        &format!("/api/v1/experts/{}/status", deputy.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": "休养" }),
    )
    .await
    .assert_status(200);
    app.get(&member_path, &as_deputy)
        .await
        .assert_problem(404, "not_found");
    let team = app.get("/api/v1/teams/mental_health", &admin).await;
    assert!(
        team.assert_status(200)["deputies"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let (as_lead, _) = app.tokens("lead").await;
    app.send(
        actix_web::http::Method::PUT,
        "/api/v1/teams/mental_health/leads",
        Some(&as_lead),
        Some(json!({ "lead": null })),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn leaving_the_team_ends_the_login_and_readmission_restores_it() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let zhang = app.expert("zhang", "reading", ExpertStatus::Active);
    let (access, refresh) = app.tokens("zhang").await;
    let path = format!("/api/v1/experts/{}/status", zhang.id);

    app.post(
        &path,
        Some(&admin),
        json!({ "to": "exited", "reason": "搬去外地" }),
    )
    .await
    .assert_status(200);

    // Every way in is closed at once: the access token, the refresh token, a new login.
    app.get("/api/v1/me", &access)
        .await
        .assert_problem(401, "token_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    app.login("zhang", common::PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    let user = format!("/api/v1/users/{}", zhang.user_id);
    assert_eq!(app.get(&user, &admin).await.body["active"], false);
    let deactivated = app.audit_actions("user.deactivated");
    assert_eq!(deactivated.len(), 1);
    assert_eq!(
        deactivated[0].entity_id.as_deref(),
        Some(zhang.user_id.as_str())
    );

    // The login is not turned back on behind the membership's back…
    app.patch(&user, &admin, None, json!({ "active": true }))
        .await
        .assert_problem(409, "expert_exited");

    // …but readmission (exited → candidate) turns it on again.
    app.post(
        &path,
        Some(&admin),
        json!({ "to": "candidate", "reason": "回来了" }),
    )
    .await
    .assert_status(200);
    app.login("zhang", common::PASSWORD)
        .await
        .assert_status(200);
    assert_eq!(app.audit_actions("user.reactivated").len(), 1);
}

#[actix_web::test]
async fn a_suspended_expert_reads_but_changes_nothing() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let liu = app.expert("liu", "reading", ExpertStatus::Active);
    let (as_liu, _) = app.tokens("liu").await;
    app.post(
        &format!("/api/v1/experts/{}/status", liu.id),
        Some(&admin),
        json!({ "to": "suspended", "reason": "身体原因暂停" }),
    )
    .await
    .assert_status(200);

    let profile = format!("/api/v1/experts/{}", liu.id);
    assert_eq!(
        app.get(&profile, &as_liu).await.assert_status(200)["status"],
        "suspended"
    );
    app.get("/api/v1/courses", &as_liu).await.assert_status(200);
    app.patch(&profile, &as_liu, None, json!({ "bio": "改简介" }))
        .await
        .assert_problem(403, "membership_suspended");
    let course = json!({
        "team": "reading", "title": "亲子共读", "description": "怎样陪孩子读书。",
        "outline": "一、选书", "audiences": ["parents"], "modes": ["online"],
        "duration_minutes": 60, "max_audience": 100
    });
    app.post("/api/v1/courses", Some(&as_liu), course)
        .await
        .assert_problem(403, "membership_suspended");
    assert_ne!(
        app.get(&profile, &admin).await.body["bio"],
        "改简介",
        "nothing changed"
    );
}

#[actix_web::test]
async fn an_edit_that_changes_nothing_keeps_the_version_and_writes_no_audit_row() {
    let app = TestApp::new().await;
    let wu = app.expert("wu", "reading", ExpertStatus::Active);
    let (as_wu, _) = app.tokens("wu").await;
    let path = format!("/api/v1/experts/{}", wu.id);
    let before = app.get(&path, &as_wu).await.assert_status(200).clone();

    let same = app
        .patch(
            &path,
            &as_wu,
            None,
            json!({ "bio": before["bio"], "phone": before["phone"], "email": before["email"] }),
        )
        .await;
    assert_eq!(same.assert_status(200)["version"], before["version"]);
    assert!(app.audit_actions("expert.updated").is_empty());

    // A stale If-Match is still a stale If-Match.
    app.patch(
        &path,
        &as_wu,
        Some("\"0\""),
        json!({ "bio": before["bio"] }),
    )
    .await
    .assert_problem(412, "version_mismatch");
}

#[actix_web::test]
async fn a_list_shows_each_expert_with_the_same_sets_and_contact_as_their_profile() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let mut body = new_expert("lin.wenhua");
    body["districts"] = json!(["鼓楼区", "晋安区", "仓山区"]);
    body["extra_teams"] = json!(["traditional_culture", "ideology"]);
    body["rest_weekdays"] = json!([7, 1, 6]);
    let created = app.post("/api/v1/experts", Some(&admin), body).await;
    let id = created.assert_status(201)["expert"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post("/api/v1/experts", Some(&admin), new_expert("chen.bare"))
        .await
        .assert_status(201);

    let profile = app.get(&format!("/api/v1/experts/{id}"), &admin).await;
    let profile = profile.assert_status(200);
    let list = app.get("/api/v1/experts?limit=100", &admin).await;
    let list = list.assert_status(200);
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id.as_str())
        .unwrap();

    assert_eq!(item, profile);
    assert_eq!(item["rest_weekdays"], json!([1, 6, 7]));
    assert_eq!(item["districts"].as_array().unwrap().len(), 3);
    assert_eq!(item["teams"].as_array().unwrap().len(), 3);
    assert_eq!(item["login"], "lin.wenhua");
    assert_eq!(item["email"], "lin@example.cn");
}

#[actix_web::test]
async fn an_edited_set_shows_in_the_list_and_its_filter_alike() {
    let app = TestApp::new().await;
    let (_, admin) = app.admin().await;
    let created = app
        .post("/api/v1/experts", Some(&admin), new_expert("lin.wenhua"))
        .await;
    let id = created.assert_status(201)["expert"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };

    app.patch(
        &format!("/api/v1/experts/{id}"),
        &admin,
        Some("\"1\""),
        json!({ "districts": ["仓山区", "鼓楼区"], "modes": ["online"], "rest_weekdays": [] }),
    )
    .await
    .assert_status(200);

    let query = |district: &str| {
        let encoded: String = district.bytes().map(|b| format!("%{b:02X}")).collect();
        format!("/api/v1/experts?district={encoded}")
    };
    let moved = app.get(&query("鼓楼区"), &admin).await;
    let moved = moved.assert_status(200);
    assert_eq!(ids(moved), std::slice::from_ref(&id));
    assert_eq!(moved["items"][0]["districts"], json!(["仓山区", "鼓楼区"]));
    assert_eq!(moved["items"][0]["modes"], json!(["online"]));
    assert_eq!(moved["items"][0]["rest_weekdays"], json!([]));
    let left = app.get(&query("晋安区"), &admin).await;
    assert!(ids(left.assert_status(200)).is_empty());
    let offline = app.get("/api/v1/experts?mode=offline", &admin).await;
    assert!(ids(offline.assert_status(200)).is_empty());
}
