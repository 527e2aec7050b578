//! The demo data a newcomer gets from `guanai serve --demo`: a usable roster, menu and schools.

use crate::common;

use common::TestApp;
use guanai::clock::Clock as _;
use guanai::demo::{DEMO_PASSWORD, SeedOutcome, seed};

#[actix_web::test]
async fn the_demo_has_leads_experts_schools_and_a_menu() {
    let app = TestApp::new().await;
    let hash = guanai::auth::password::hash_password(DEMO_PASSWORD).unwrap();
    let now = app.clock.now_naive();

    let outcome = app
        .with_conn(|conn| seed(conn, &app.state.settings, &hash, now))
        .unwrap();

    assert_eq!(
        outcome,
        SeedOutcome::Seeded {
            accounts: 31,
            experts: 20,
            schools: 10,
            courses: 30
        }
    );
    assert_eq!(
        app.with_conn(|conn| seed(conn, &app.state.settings, &hash, now))
            .unwrap(),
        SeedOutcome::SkippedNotEmpty
    );

    let school = app.login("school.shiyan", DEMO_PASSWORD).await;
    let school = school.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let teams = app.get("/api/v1/teams", &school).await;
    for team in teams.assert_status(200)["items"].as_array().unwrap() {
        assert!(team["lead"].is_object(), "{team}");
        assert_eq!(team["deputies"].as_array().unwrap().len(), 1, "{team}");
    }
    let experts = app.get("/api/v1/experts?limit=100", &school).await;
    assert_eq!(
        experts.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        20
    );
    let courses = app.get("/api/v1/courses?limit=100", &school).await;
    assert_eq!(
        courses.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        30
    );

    let admin = app.login("admin", DEMO_PASSWORD).await;
    let admin = admin.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let schools = app.get("/api/v1/schools?limit=100", &admin).await;
    assert_eq!(
        schools.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let categories: std::collections::BTreeSet<String> =
        app.get("/api/v1/experts?limit=100", &admin).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["category"].as_str().unwrap().to_owned())
            .collect();
    assert_eq!(
        categories.len(),
        5,
        "all five 五老 categories: {categories:?}"
    );
    // Demo accounts need no password change: an expert works at once.
    let expert = app.login("expert.wang", DEMO_PASSWORD).await;
    let expert = expert.assert_status(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/courses", &expert).await.assert_status(200);
}

#[actix_web::test]
async fn the_demo_has_lectures_of_the_coming_week_and_a_leave_to_try_the_flows_on() {
    let app = TestApp::new().await;
    let hash = guanai::auth::password::hash_password(DEMO_PASSWORD).unwrap();
    let now = app.clock.now_naive();
    app.with_conn(|conn| seed(conn, &app.state.settings, &hash, now))
        .unwrap();
    let token = |login: &'static str| {
        let app = &app;
        async move {
            app.login(login, DEMO_PASSWORD).await.body["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let admin = token("admin").await;
    let all = app.get("/api/v1/lectures", &admin).await;
    let states: Vec<String> = all.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["closed", "offered", "requested", "requested"]);
    // The booking waits for 王秀兰's answer; schools can join the city-wide one.
    let wang = token("expert.wang").await;
    let offered = app.get("/api/v1/lectures?state=offered", &wang).await;
    let id = offered.assert_status(200)["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accepted = app
        .post(
            &format!("/api/v1/lectures/{id}/accept"),
            Some(&wang),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(accepted.assert_status(200)["state"], "confirmed");
    let school = token("school.sanzhong").await;
    let joinable = app.get("/api/v1/lectures?joinable=true", &school).await;
    assert_eq!(
        joinable.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // 陈's leave waits for the office, which approves it.
    let pending = app.get("/api/v1/leaves?state=pending", &admin).await;
    let leave = pending.assert_status(200)["items"][0].clone();
    assert_eq!(leave["days"], 2, "{leave}");
    let approved = app
        .post(
            &format!("/api/v1/leaves/{}/approve", leave["id"].as_str().unwrap()),
            Some(&admin),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(approved.assert_status(200)["state"], "approved");

    // Last week's lecture of 王秀兰 is in her service record, evaluated and observed.
    let me = app.get("/api/v1/me", &wang).await;
    let wang_id = me.assert_status(200)["expert_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let record = app
        .get(&format!("/api/v1/experts/{wang_id}/service-record"), &wang)
        .await;
    let record = record.assert_status(200).clone();
    // (The test clock's 2 March: the lecture of two weeks before is this year's.)
    assert_eq!(record["totals"]["lectures"], 1, "{record}");
    assert_eq!(record["totals"]["minutes"], 90);
    assert_eq!(record["totals"]["beneficiaries"], 260);
    let given = all.body["items"][0]["id"].as_str().unwrap().to_owned();
    for list in ["evaluations", "observations"] {
        let page = app
            .get(&format!("/api/v1/lectures/{given}/{list}"), &admin)
            .await;
        assert_eq!(
            page.assert_status(200)["items"].as_array().unwrap().len(),
            1,
            "{list}"
        );
    }
}
