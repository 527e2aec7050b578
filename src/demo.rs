//! Demo data for trying the API at once (`guanai seed-demo`, `guanai serve --demo`): an
//! office account, a roster of 20 experts across the six sub-teams and five 五老 categories
//! with their leads, ten schools with one account each, 30 approved courses, and three
//! lectures of the coming week (a booking offered to its expert, a request waiting for the
//! office, a city-wide online lecture to join).
//! Every demo account has the same published password: never use them on a real deployment.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit::AuditContext;
use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::course::{COURSE_PROPOSED, CourseReview};
use crate::domain::profile::Profile;
use crate::domain::role::Role;
use crate::domain::roster::CourseStatus;
use crate::domain::roster::{Audience, Category, ExpertStatus, Gender, GradeBand, Mode};
use crate::error::ApiResult;
use crate::models::course::{Course, CourseSets, NewCourse};
use crate::models::school::{NewSchool, School};
use crate::models::team_lead::TeamLead;
use crate::models::user::{NewUser, User};
use crate::usecase::expert::NewExpertInput;
use crate::usecase::{self, Transition, Uow};

/// The password of every demo account. Public: it is printed and documented.
pub const DEMO_PASSWORD: &str = "guanai-demo-2026";

pub const DEMO_ADMIN: &str = "admin";

/// (login, name, gender, birth year, category, former post, primary team, extra team, specialties, district)
type ExpertRow = (
    &'static str,
    &'static str,
    Gender,
    i32,
    Category,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const EXPERTS: [ExpertRow; 20] = [
    (
        "expert.wang",
        "王秀兰",
        Gender::Female,
        1950,
        Category::VeteranTeacher,
        "原市实验小学校长",
        "family_education",
        Some("reading"),
        "亲子沟通;家庭教育",
        "鼓楼区",
    ),
    (
        "expert.li",
        "李建国",
        Gender::Male,
        1946,
        Category::VeteranCadre,
        "原市教育局副局长",
        "ideology",
        None,
        "理想信念教育;党史",
        "台江区",
    ),
    (
        "expert.zhao",
        "赵德明",
        Gender::Male,
        1948,
        Category::VeteranSoldier,
        "原军分区政委",
        "ideology",
        Some("legal_safety"),
        "革命传统;国防教育",
        "仓山区",
    ),
    (
        "expert.chen",
        "陈玉珍",
        Gender::Female,
        1955,
        Category::VeteranExpert,
        "原市心理咨询中心主任",
        "mental_health",
        None,
        "青春期心理;情绪管理",
        "鼓楼区",
    ),
    (
        "expert.lin",
        "林文华",
        Gender::Male,
        1952,
        Category::VeteranTeacher,
        "原第一中学语文特级教师",
        "reading",
        Some("traditional_culture"),
        "整本书阅读;古诗词",
        "晋安区",
    ),
    (
        "expert.huang",
        "黄美英",
        Gender::Female,
        1957,
        Category::VeteranModel,
        "全国三八红旗手",
        "family_education",
        None,
        "隔代教育;家校共育",
        "马尾区",
    ),
    (
        "expert.zhou",
        "周国强",
        Gender::Male,
        1944,
        Category::VeteranCadre,
        "原市政法委副书记",
        "legal_safety",
        None,
        "未成年人保护法;防欺凌",
        "鼓楼区",
    ),
    (
        "expert.wu",
        "吴淑芬",
        Gender::Female,
        1953,
        Category::VeteranTeacher,
        "原市少年宫主任",
        "traditional_culture",
        None,
        "书法;传统节日",
        "台江区",
    ),
    (
        "expert.xu",
        "徐志远",
        Gender::Male,
        1949,
        Category::VeteranExpert,
        "原师范大学教授",
        "mental_health",
        Some("family_education"),
        "学习心理;考试焦虑",
        "仓山区",
    ),
    (
        "expert.sun",
        "孙桂英",
        Gender::Female,
        1951,
        Category::VeteranModel,
        "省劳动模范",
        "ideology",
        None,
        "劳动教育;榜样故事",
        "长乐区",
    ),
    (
        "expert.ma",
        "马卫东",
        Gender::Male,
        1947,
        Category::VeteranSoldier,
        "原武警支队队长",
        "legal_safety",
        Some("ideology"),
        "安全教育;禁毒教育",
        "晋安区",
    ),
    (
        "expert.zhu",
        "朱丽华",
        Gender::Female,
        1956,
        Category::VeteranTeacher,
        "原实验幼儿园园长",
        "family_education",
        None,
        "幼小衔接;习惯养成",
        "鼓楼区",
    ),
    (
        "expert.hu",
        "胡明亮",
        Gender::Male,
        1950,
        Category::VeteranExpert,
        "原市图书馆馆长",
        "reading",
        None,
        "阅读推广;图书馆利用",
        "台江区",
    ),
    (
        "expert.guo",
        "郭秀珍",
        Gender::Female,
        1954,
        Category::VeteranCadre,
        "原区妇联主席",
        "family_education",
        Some("legal_safety"),
        "家庭矛盾调解;反家暴",
        "仓山区",
    ),
    (
        "expert.he",
        "何振华",
        Gender::Male,
        1945,
        Category::VeteranTeacher,
        "原职业技术学院副院长",
        "ideology",
        None,
        "职业规划;工匠精神",
        "马尾区",
    ),
    (
        "expert.gao",
        "高淑琴",
        Gender::Female,
        1958,
        Category::VeteranExpert,
        "原儿童医院心理科主任",
        "mental_health",
        None,
        "儿童心理;注意力训练",
        "鼓楼区",
    ),
    (
        "expert.luo",
        "罗永福",
        Gender::Male,
        1943,
        Category::VeteranModel,
        "全国优秀教师",
        "traditional_culture",
        Some("reading"),
        "国学经典;家风家训",
        "晋安区",
    ),
    (
        "expert.zheng",
        "郑春燕",
        Gender::Female,
        1955,
        Category::VeteranTeacher,
        "原第三中学德育主任",
        "mental_health",
        Some("ideology"),
        "生命教育;心理危机预防",
        "长乐区",
    ),
    (
        "expert.liang",
        "梁志刚",
        Gender::Male,
        1951,
        Category::VeteranSoldier,
        "原消防支队参谋长",
        "legal_safety",
        None,
        "消防安全;应急避险",
        "台江区",
    ),
    (
        "expert.song",
        "宋慧敏",
        Gender::Female,
        1957,
        Category::VeteranCadre,
        "原市文化局副局长",
        "traditional_culture",
        None,
        "非遗传承;闽剧欣赏",
        "仓山区",
    ),
];

/// (team, 团长 login, 副团长 login)
const LEADS: [(&str, &str, &str); 6] = [
    ("family_education", "expert.wang", "expert.huang"),
    ("mental_health", "expert.chen", "expert.xu"),
    ("reading", "expert.lin", "expert.hu"),
    ("ideology", "expert.li", "expert.sun"),
    ("traditional_culture", "expert.luo", "expert.wu"),
    ("legal_safety", "expert.zhou", "expert.liang"),
];

/// (login, name, type, district)
const SCHOOLS: [(&str, &str, &str, &str); 10] = [
    ("school.shiyan", "市实验小学", "primary", "鼓楼区"),
    ("school.yizhong", "市第一中学", "senior_high", "鼓楼区"),
    ("school.sanzhong", "市第三中学", "junior_high", "台江区"),
    ("school.youeryuan", "市实验幼儿园", "kindergarten", "鼓楼区"),
    ("school.cangshan", "仓山区第二小学", "primary", "仓山区"),
    ("school.jinan", "晋安区初级中学", "junior_high", "晋安区"),
    ("school.mawei", "马尾区职业中专", "vocational", "马尾区"),
    ("school.changle", "长乐区第一中学", "senior_high", "长乐区"),
    ("school.shida", "师范大学附属中学", "senior_high", "仓山区"),
    ("school.gongye", "市工业技术学院", "university", "晋安区"),
];

/// (expert login, title, audiences, grade bands, minutes)
type CourseRow = (
    &'static str,
    &'static str,
    &'static [Audience],
    &'static [GradeBand],
    i32,
);

const COURSES: [CourseRow; 30] = [
    (
        "expert.wang",
        "如何与孩子有效沟通",
        &[Audience::Parents],
        &[],
        90,
    ),
    (
        "expert.wang",
        "亲子共读的方法",
        &[Audience::Parents, Audience::Students],
        &[GradeBand::PrimaryLower],
        60,
    ),
    (
        "expert.li",
        "理想信念伴我成长",
        &[Audience::Students],
        &[GradeBand::JuniorHigh, GradeBand::SeniorHigh],
        90,
    ),
    (
        "expert.li",
        "党史中的青年故事",
        &[Audience::Students, Audience::Teachers],
        &[GradeBand::SeniorHigh],
        90,
    ),
    (
        "expert.zhao",
        "红色传统代代传",
        &[Audience::Students],
        &[GradeBand::PrimaryUpper, GradeBand::JuniorHigh],
        60,
    ),
    (
        "expert.zhao",
        "国防教育进校园",
        &[Audience::Students],
        &[GradeBand::SeniorHigh, GradeBand::Vocational],
        90,
    ),
    (
        "expert.chen",
        "青春期心理调适",
        &[Audience::Students],
        &[GradeBand::JuniorHigh],
        90,
    ),
    (
        "expert.chen",
        "读懂孩子的情绪",
        &[Audience::Parents],
        &[],
        90,
    ),
    (
        "expert.lin",
        "整本书阅读指导",
        &[Audience::Students, Audience::Teachers],
        &[GradeBand::PrimaryUpper, GradeBand::JuniorHigh],
        90,
    ),
    (
        "expert.lin",
        "古诗词里的中国",
        &[Audience::Students],
        &[GradeBand::PrimaryUpper],
        60,
    ),
    (
        "expert.huang",
        "隔代教育的智慧",
        &[Audience::Parents],
        &[],
        90,
    ),
    (
        "expert.zhou",
        "未成年人保护法解读",
        &[Audience::Students, Audience::Parents],
        &[GradeBand::JuniorHigh, GradeBand::SeniorHigh],
        90,
    ),
    (
        "expert.zhou",
        "对校园欺凌说不",
        &[Audience::Students],
        &[GradeBand::PrimaryUpper, GradeBand::JuniorHigh],
        60,
    ),
    (
        "expert.wu",
        "书法入门与汉字之美",
        &[Audience::Students],
        &[GradeBand::PrimaryLower, GradeBand::PrimaryUpper],
        60,
    ),
    (
        "expert.wu",
        "传统节日里的文化",
        &[Audience::Students, Audience::Parents],
        &[GradeBand::Kindergarten, GradeBand::PrimaryLower],
        45,
    ),
    (
        "expert.xu",
        "告别考试焦虑",
        &[Audience::Students],
        &[GradeBand::SeniorHigh],
        90,
    ),
    (
        "expert.sun",
        "劳动最光荣",
        &[Audience::Students],
        &[GradeBand::PrimaryLower, GradeBand::PrimaryUpper],
        60,
    ),
    (
        "expert.ma",
        "珍爱生命远离毒品",
        &[Audience::Students],
        &[
            GradeBand::JuniorHigh,
            GradeBand::SeniorHigh,
            GradeBand::Vocational,
        ],
        90,
    ),
    (
        "expert.ma",
        "交通安全伴我行",
        &[Audience::Students],
        &[GradeBand::PrimaryLower],
        45,
    ),
    (
        "expert.zhu",
        "幼小衔接家长课",
        &[Audience::Parents],
        &[],
        90,
    ),
    (
        "expert.zhu",
        "好习惯从小养成",
        &[Audience::Students, Audience::Parents],
        &[GradeBand::Kindergarten],
        45,
    ),
    (
        "expert.hu",
        "走进图书馆",
        &[Audience::Students],
        &[GradeBand::PrimaryUpper],
        60,
    ),
    ("expert.guo", "化解家庭矛盾", &[Audience::Parents], &[], 90),
    (
        "expert.he",
        "匠心筑梦：职业规划",
        &[Audience::Students],
        &[GradeBand::Vocational, GradeBand::University],
        90,
    ),
    (
        "expert.gao",
        "专注力训练",
        &[Audience::Students, Audience::Parents],
        &[GradeBand::PrimaryLower],
        60,
    ),
    (
        "expert.luo",
        "家风家训与成长",
        &[Audience::Students, Audience::Parents],
        &[GradeBand::PrimaryUpper, GradeBand::JuniorHigh],
        90,
    ),
    (
        "expert.zheng",
        "珍爱生命：心理危机预防",
        &[Audience::Students, Audience::Teachers],
        &[GradeBand::SeniorHigh],
        90,
    ),
    (
        "expert.liang",
        "火灾逃生与自救",
        &[Audience::Students],
        &[GradeBand::PrimaryUpper, GradeBand::JuniorHigh],
        60,
    ),
    (
        "expert.song",
        "走近非遗",
        &[Audience::Students],
        &[GradeBand::JuniorHigh],
        60,
    ),
    (
        "expert.song",
        "闽剧欣赏入门",
        &[Audience::Students, Audience::Teachers],
        &[GradeBand::SeniorHigh],
        90,
    ),
];

/// Enters a course on the menu as approved (seeded data), with that as the first entry of
/// its history.
pub fn enter_approved_course(
    uow: &mut Uow<'_>,
    new: &NewCourse,
    sets: &CourseSets,
    reason: &str,
) -> ApiResult<()> {
    uow.transition::<CourseReview>(
        Transition {
            object_id: &new.id,
            from: None,
            to: CourseStatus::Approved,
            action: COURSE_PROPOSED,
            reason: Some(reason),
            audit_action: "course.proposed",
            audit_detail: json!({ "seeded": true }),
        },
        |conn| Course::insert(conn, new, sets).map(|()| true),
    )?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        accounts: usize,
        experts: usize,
        schools: usize,
        courses: usize,
    },
    /// The database already holds users; nothing was touched.
    SkippedNotEmpty,
}

/// Every demo login with its role and who it is (an expert's name, sub-team and lead post;
/// a school's name), for printing.
pub fn demo_logins() -> Vec<(Role, &'static str, String)> {
    let team = crate::domain::profile::team_label;
    let post = |login: &str| {
        LEADS.iter().find_map(|(code, lead, deputy)| {
            (login == *lead)
                .then_some("团长")
                .or((login == *deputy).then_some("副团长"))
                .map(|post| format!("{}{post}", team(code)))
        })
    };
    std::iter::once((Role::Admin, DEMO_ADMIN, "关工委办公室".to_owned()))
        .chain(EXPERTS.iter().map(|e| {
            let who = format!(
                "{}（{}）",
                e.1,
                post(e.0).unwrap_or_else(|| team(e.6).to_owned())
            );
            (Role::Expert, e.0, who)
        }))
        .chain(SCHOOLS.iter().map(|s| (Role::School, s.0, s.1.to_owned())))
        .collect()
}

/// Seeds the demo into an empty database; leaves a database with users alone.
/// `password_hash` is the argon2 hash of [`DEMO_PASSWORD`], made by the caller.
pub fn seed(
    conn: &mut DbConnection,
    settings: &Settings,
    password_hash: &str,
    now: NaiveDateTime,
) -> ApiResult<SeedOutcome> {
    Uow::within(conn, settings, AuditContext::system(now), |uow| {
        if User::count(uow.conn)? > 0 {
            return Ok(SeedOutcome::SkippedNotEmpty);
        }
        let ready = |login: &str, name: &str, role: Role| NewUser {
            email: Some(format!("{login}@demo.guanai.invalid")),
            password_hash: Some(password_hash.to_owned()),
            must_change_password: false,
            ..NewUser::new(login, name, role, now)
        };
        let admin = ready(DEMO_ADMIN, "关工委办公室（演示）", Role::Admin);
        User::insert(uow.conn, &admin)?;
        uow.record(
            "user.created",
            "user",
            Some(&admin.id),
            json!({ "login": DEMO_ADMIN, "demo": true }),
        )?;

        let mut expert_ids = std::collections::HashMap::new();
        for (login, name, gender, born, category, post, team, extra, specialties, district) in
            EXPERTS
        {
            let profile = Profile {
                name: name.to_owned(),
                gender: Some(gender),
                birth_year: Some(born),
                category,
                former_post: Some(post.to_owned()),
                former_org: None,
                specialties: specialties.split(';').map(str::to_owned).collect(),
                bio: format!(
                    "{name}，{post}，退休后加入关爱专家团，擅长{}。",
                    specialties.replace(';', "、")
                ),
                districts: vec![district.to_owned()],
                modes: vec![Mode::Online, Mode::Offline, Mode::OneOnOne],
                max_per_week: 3,
                max_per_month: 10,
                rest_weekdays: vec![7],
                primary_team: team.to_owned(),
                extra_teams: extra.map(str::to_owned).into_iter().collect(),
            };
            let input = NewExpertInput {
                account: ready(login, name, Role::Expert),
                profile,
                status: ExpertStatus::Active,
                reason: "demo roster".to_owned(),
                notify: false,
            };
            let (id, _) = usecase::expert::create(uow, input)?;
            expert_ids.insert(login, id);
        }
        for (team, lead, deputy) in LEADS {
            let deputies = [expert_ids[deputy].clone()];
            TeamLead::replace_for_team(uow.conn, team, Some(&expert_ids[lead]), &deputies, now)?;
        }
        let mut school_accounts = std::collections::HashMap::new();
        for (n, (login, name, school_type, district)) in SCHOOLS.into_iter().enumerate() {
            // A street address in its district (a name that begins with the district does not
            // repeat it).
            let address = format!("{district}学府路{}号", 8 + 12 * n);
            let school = NewSchool {
                id: crate::db::new_id(),
                search_text: crate::models::school::search_text(name, district, &address),
                name: name.to_owned(),
                school_type: school_type.to_owned(),
                district: district.to_owned(),
                address,
                contact_person: "德育处".to_owned(),
                phone: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            School::insert(uow.conn, &school)?;
            let account = NewUser {
                school_id: Some(school.id.clone()),
                ..ready(login, name, Role::School)
            };
            User::insert(uow.conn, &account)?;
            school_accounts.insert(login, (account.id.clone(), school.id.clone()));
        }
        let admin_id = admin.id.clone();
        let mut course_ids = Vec::new();
        for (login, title, audiences, grades, minutes) in COURSES {
            let expert_id = expert_ids[login].clone();
            let team = EXPERTS.iter().find(|e| e.0 == login).map_or("", |e| e.6);
            let description = format!("{title}：结合多年一线经验，互动讲授，配合案例分析。");
            let new = NewCourse {
                id: crate::db::new_id(),
                expert_id,
                team_code: team.to_owned(),
                search_text: crate::models::course::search_text(title, &description, ""),
                title: title.to_owned(),
                description,
                outline: String::new(),
                duration_minutes: minutes,
                max_audience: None,
                status: CourseStatus::Approved,
                created_by: admin_id.clone(),
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let sets = CourseSets {
                audiences: audiences.iter().map(|a| a.as_str().to_owned()).collect(),
                grades: grades.iter().map(|g| g.as_str().to_owned()).collect(),
                modes: vec!["online".to_owned(), "offline".to_owned()],
            };
            enter_approved_course(uow, &new, &sets, "demo menu, approved")?;
            course_ids.push(new.id.clone());
        }
        seed_lectures(uow, &admin.id, &school_accounts, &course_ids[0], now)?;
        Ok(SeedOutcome::Seeded {
            accounts: 1 + EXPERTS.len() + SCHOOLS.len(),
            experts: EXPERTS.len(),
            schools: SCHOOLS.len(),
            courses: COURSES.len(),
        })
    })
}

/// A few lectures, so the booking flows can be tried at once (next week, in the service
/// zone): 市实验小学's booking of the first course (offered to its expert), 市第一中学's request
/// to the reading team (waiting for the office), and a city-wide online lecture that schools
/// can join (waiting for an expert).
fn seed_lectures(
    uow: &mut Uow<'_>,
    admin_id: &str,
    schools: &std::collections::HashMap<&str, (String, String)>,
    first_course: &str,
    now: NaiveDateTime,
) -> ApiResult<()> {
    use crate::auth::actor::Actor;
    use crate::domain::lecture::LectureMode;
    use crate::domain::schedule::Span;
    use crate::usecase::lecture::{LectureInput, create};
    use chrono::{Datelike as _, TimeZone as _};

    let tz = uow.settings.timezone;
    // The Wednesday at least a week ahead.
    let mut day = tz.from_utc_datetime(&now).date_naive() + chrono::Duration::days(7);
    while day.weekday() != chrono::Weekday::Wed {
        day += chrono::Duration::days(1);
    }
    let at = |days: i64, hour: u32, minutes: i64| {
        let local = (day + chrono::Duration::days(days))
            .and_hms_opt(hour, 0, 0)
            .unwrap_or_default();
        let start = tz
            .from_local_datetime(&local)
            .earliest()
            .map_or(local, |t| t.naive_utc());
        Span {
            start,
            end: start + chrono::Duration::minutes(minutes),
        }
    };
    let actor = |user_id: &str, role: Role, school_id: Option<&String>| Actor {
        user_id: user_id.to_owned(),
        role,
        expert_id: None,
        expert_status: None,
        school_id: school_id.cloned(),
        lead_teams: Vec::new(),
    };
    let input = |course_id: Option<&str>, team: Option<&str>, topic: Option<&str>| LectureInput {
        course_id: course_id.map(str::to_owned),
        team: team.map(str::to_owned),
        topic: topic.map(str::to_owned),
        mode: LectureMode::Offline,
        audiences: vec![Audience::Parents],
        grade_bands: Vec::new(),
        expected_size: 120,
        slots: Vec::new(),
        school_id: None,
        expert_id: None,
        address: None,
        platform: None,
        link: None,
        meeting_id: None,
        passcode: None,
        note: None,
        override_reason: None,
    };
    if let Some((user, school)) = schools.get("school.shiyan") {
        let booking = LectureInput {
            slots: vec![at(0, 14, 90), at(1, 14, 90)],
            note: Some("请提前十分钟到多功能厅".to_owned()),
            ..input(Some(first_course), None, None)
        };
        create(uow, &actor(user, Role::School, Some(school)), booking)?;
    }
    if let Some((user, school)) = schools.get("school.yizhong") {
        let request = LectureInput {
            audiences: vec![Audience::Students],
            grade_bands: vec![GradeBand::SeniorHigh],
            expected_size: 200,
            slots: vec![at(1, 10, 90)],
            ..input(None, Some("reading"), Some("高中生整本书阅读"))
        };
        create(uow, &actor(user, Role::School, Some(school)), request)?;
    }
    let citywide = LectureInput {
        mode: LectureMode::Online,
        audiences: vec![Audience::Parents, Audience::Students],
        grade_bands: vec![GradeBand::JuniorHigh, GradeBand::SeniorHigh],
        expected_size: 5000,
        slots: vec![at(2, 19, 60)],
        platform: Some("腾讯会议".to_owned()),
        ..input(
            None,
            Some("mental_health"),
            Some("考前心理调适（全市网课）"),
        )
    };
    create(uow, &actor(admin_id, Role::Admin, None), citywide)?;
    Ok(())
}
