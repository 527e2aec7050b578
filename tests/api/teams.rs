//! The six sub-teams, seeded by migration.

use crate::common;

use common::TestApp;
use guanai::domain::role::Role;

#[actix_web::test]
async fn any_logged_in_user_lists_the_six_teams_in_order() {
    let app = TestApp::new().await;
    app.user(Role::School, "school.t");
    let (token, _) = app.tokens("school.t").await;

    let response = app.get("/api/v1/teams", &token).await;

    let body = response.assert_status(200);
    let codes: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "family_education",
            "mental_health",
            "reading",
            "ideology",
            "traditional_culture",
            "legal_safety"
        ]
    );
    assert_eq!(body["items"][5]["name_zh"], "法制安全教育");
    assert!(body["next_cursor"].is_null());
}

#[actix_web::test]
async fn one_team_by_code_and_unknown_codes_are_404() {
    let app = TestApp::new().await;
    app.user(Role::Expert, "expert.t");
    let (token, _) = app.tokens("expert.t").await;

    let team = app.get("/api/v1/teams/mental_health", &token).await;
    let body = team.assert_status(200);
    assert_eq!(body["name_zh"], "心理健康");
    assert_eq!(body["name_en"], "mental health");

    app.get("/api/v1/teams/astrology", &token)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn teams_need_a_login() {
    let app = TestApp::new().await;
    app.send(actix_web::http::Method::GET, "/api/v1/teams", None, None)
        .await
        .assert_problem(401, "missing_token");
}
