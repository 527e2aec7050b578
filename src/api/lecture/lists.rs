//! Reading lectures by role: the list, the dispatch queue (待派课) and the suggestions
//! (派课建议).

use super::*;
use crate::i18n::Msg;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListLecturesQuery {
    pub state: Option<LectureState>,
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    pub expert_id: Option<String>,
    pub school_id: Option<String>,
    pub mode: Option<LectureMode>,
    /// RFC 3339: lectures (by chosen start, or earliest proposed time) at or after.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339: lectures before.
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// `true`: city-wide online lectures open to join (schools see them without the link).
    pub joinable: Option<bool>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Lectures by time: a school its own and the online ones it joined (with `joinable=true`
/// the ones open to join), an expert those offered to or held by them (a lead also their
/// teams'), the office all.
#[utoipa::path(get, path = "/api/v1/lectures", tag = "lectures", params(ListLecturesQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<LectureSummaryResponse>), (status = 422, body = Problem)))]
pub async fn list_lectures(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ListLecturesQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor("lectures", query.cursor.as_deref())?;
    check_team_filter(query.team.as_deref())?;
    // An id filter is compared as given: one that names nothing matches nothing.
    let id_filter =
        |raw: Option<String>| raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let filter = LectureFilter {
        state: query.state,
        team: query.team,
        expert_id: id_filter(query.expert_id),
        school_id: id_filter(query.school_id),
        mode: query.mode,
        from: time_param("from", query.from.as_deref())?,
        to: time_param("to", query.to.as_deref())?,
        joinable: query.joinable.unwrap_or(false),
    };
    let tz = state.settings.timezone;
    let now = state.clock.now_naive();
    let body = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let mut filter = filter;
        let scope = if filter.joinable {
            // Open to every school; starting later than now.
            filter.from = Some(filter.from.map_or(now, |f| f.max(now)));
            LectureScope::All
        } else if actor.is_admin() {
            LectureScope::All
        } else if let Some(school) = &actor.school_id {
            LectureScope::School(school.clone())
        } else if let Some(expert) = &actor.expert_id {
            LectureScope::Expert {
                expert_id: expert.clone(),
                teams: actor.lead_teams.clone(),
            }
        } else {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        };
        let rows = Lecture::list(conn, &scope, &filter, after.as_ref(), limit + 1)?;
        let (rows, next_cursor) =
            pagination::split_page("lectures", rows, limit, |(l, ..)| (l.sort_at, l.id.clone()));
        let items = page_items(conn, &actor, rows, tz)?;
        Ok(Page { items, next_cursor })
    })
    .await?;
    Ok(body.respond())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionsQuery {
    /// `true`: the experts who could not take it too, each with why not.
    pub include_ineligible: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsResponse {
    /// The time the candidates were weighed at: the chosen one, or the first proposed slot.
    pub slot: SlotResponse,
    /// A school-calendar period this time falls in (a dispatch there needs an admin's reason).
    pub blackout: Option<String>,
    pub items: Vec<Suggestion>,
}

/// A page's rows as the answer's items, as `actor` may see them.
pub(super) fn page_items(
    conn: &mut db::DbConnection,
    actor: &Actor,
    rows: Vec<crate::models::lecture::SummaryRow>,
    tz: Tz,
) -> ApiResult<Vec<LectureSummaryResponse>> {
    Ok(ListedLecture::for_page(conn, actor, rows)?
        .into_iter()
        .map(|listed| LectureSummaryResponse::new(listed, tz))
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LectureQueueQuery {
    #[param(value_type = Option<crate::api::support::TeamCode>)]
    pub team: Option<String>,
    pub mode: Option<LectureMode>,
    pub cursor: Option<String>,
    /// 1-100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The queue's two parts in the order they are served; a cursor names the part it stopped in.
pub(super) const QUEUE_PARTS: [(&str, LectureState); 2] = [
    (
        "lecture-queue:needs_reassignment",
        LectureState::NeedsReassignment,
    ),
    ("lecture-queue:requested", LectureState::Requested),
];

/// 待派课: the lectures waiting for an expert, for the office (all teams) and team leads
/// (their teams). Lectures whose expert was suspended or left (`needs_reassignment`) come
/// first, then requests (`requested`), each earliest first.
#[utoipa::path(get, path = "/api/v1/lectures/queue", tag = "lectures", params(LectureQueueQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<LectureSummaryResponse>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn lecture_queue(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    query: ApiQuery<LectureQueueQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    check_team_filter(query.team.as_deref())?;
    // The part the cursor stopped in (no cursor: the first), and where in it.
    let (part, after) = match pagination::decode_cursor(QUEUE_PARTS[0].0, query.cursor.as_deref()) {
        Ok(after) => (0, after),
        Err(_) => (
            1,
            pagination::decode_cursor(QUEUE_PARTS[1].0, query.cursor.as_deref())?,
        ),
    };
    let tz = state.settings.timezone;
    let body = pagination::read(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let scope = if actor.is_admin() {
            LectureScope::All
        } else if !actor.lead_teams.is_empty() {
            LectureScope::Teams(actor.lead_teams.clone())
        } else {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-dispatch_queue_office_team"),
            ));
        };
        let mut rows = Vec::new();
        let mut after = after;
        for (name, queued) in &QUEUE_PARTS[part..] {
            let wanted = limit + 1 - i64::try_from(rows.len()).unwrap_or(limit);
            if wanted <= 0 {
                break;
            }
            let filter = LectureFilter {
                state: Some(*queued),
                team: query.team.clone(),
                mode: query.mode,
                ..LectureFilter::default()
            };
            let part_rows = Lecture::list(conn, &scope, &filter, after.take().as_ref(), wanted)?;
            rows.extend(part_rows.into_iter().map(|row| (*name, row)));
        }
        let (rows, next) =
            pagination::split_page("", rows, limit, |(_, (l, ..))| (l.sort_at, l.id.clone()));
        // The cursor names the part of the page's last row.
        let next = next.and_then(|_| {
            rows.last()
                .map(|(name, (l, ..))| pagination::encode_cursor(name, l.sort_at, &l.id))
        });
        let rows = rows.into_iter().map(|(_, row)| row).collect();
        let items = page_items(conn, &actor, rows, tz)?;
        Ok(Page {
            items,
            next_cursor: next,
        })
    })
    .await?;
    Ok(body.respond())
}

/// 派课建议: the experts who could take a lecture, ranked, each with the reasons as data
/// (the office and the lecture's team leads). The ranking is in api_docs/README.md.
#[utoipa::path(get, path = "/api/v1/lectures/{id}/suggestions", tag = "lectures",
    params(("id" = String, Path), SuggestionsQuery), security(("bearer" = [])),
    responses((status = 200, body = SuggestionsResponse), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn lecture_suggestions(
    state: web::Data<AppState>,
    StaffUser(user): StaffUser,
    id: web::Path<String>,
    query: ApiQuery<SuggestionsQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let include = query.into_inner().include_ineligible.unwrap_or(false);
    let now = state.clock.now_naive();
    let st = state.clone();
    let body = db::run(&state.db, move |conn| {
        let actor = Actor::load(conn, &user)?;
        let tz = st.settings.timezone;
        let found = usecase::lecture::suggestions(conn, &st.settings, &actor, &id, include, now)?;
        Ok(SuggestionsResponse {
            slot: SlotResponse {
                start: to_local(found.at.start, tz),
                end: to_local(found.at.end, tz),
            },
            blackout: found.blackout,
            items: found.items,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}
