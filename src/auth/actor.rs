//! Who is acting, with the relations that decide what they may see and do: their expert
//! profile, their school, and the sub-teams they lead. Read inside the request's own
//! database call, so a change of lead or status counts at once.

use crate::db::OnBackend;
use crate::i18n::Msg;
use diesel::QueryResult;

use crate::auth::AuthUser;
use crate::db::DbConnection;
use crate::domain::role::Role;
use crate::domain::roster::ExpertStatus;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
    /// The caller's own expert profile, for expert accounts.
    pub expert_id: Option<String>,
    /// That profile's membership status.
    pub expert_status: Option<ExpertStatus>,
    /// The caller's school, for school accounts.
    pub school_id: Option<String>,
    /// Sub-teams the caller leads (团长 or 副团长) while their profile is active.
    pub lead_teams: Vec<String>,
}

impl Actor {
    pub fn load(conn: &mut DbConnection, user: &AuthUser) -> QueryResult<Actor> {
        let (expert, lead_teams) = if user.role == Role::Expert {
            Self::expert_and_leads(conn, user.id())?
        } else {
            (None, Vec::new())
        };
        Ok(Actor {
            user_id: user.id().to_owned(),
            role: user.role,
            expert_status: expert.as_ref().map(|e| e.1),
            expert_id: expert.map(|e| e.0),
            school_id: user.user.school_id.clone(),
            lead_teams,
        })
    }

    /// The expert profile of `user_id` (id, status) and the teams it leads while active, in
    /// one query.
    #[expect(clippy::type_complexity, reason = "a private pair read once")]
    fn expert_and_leads(
        conn: &mut DbConnection,
        user_id: &str,
    ) -> QueryResult<(Option<(String, ExpertStatus)>, Vec<String>)> {
        use diesel::prelude::*;

        use crate::db::schema::{experts, team_leads};
        let rows: Vec<(String, ExpertStatus, Option<String>)> = experts::table
            .left_join(team_leads::table)
            .filter(experts::user_id.eq(user_id))
            .select((
                experts::id,
                experts::status,
                team_leads::team_code.nullable(),
            ))
            .load_on(conn)?;
        let Some((id, status, _)) = rows.first().cloned() else {
            return Ok((None, Vec::new()));
        };
        let teams = if status == ExpertStatus::Active {
            rows.into_iter().filter_map(|(_, _, team)| team).collect()
        } else {
            Vec::new()
        };
        Ok((Some((id, status)), teams))
    }

    /// The actor of a change: as [`Actor::load`], but an expert whose membership is suspended
    /// keeps read access only (403 `membership_suspended`).
    pub fn load_for_change(conn: &mut DbConnection, user: &AuthUser) -> ApiResult<Actor> {
        let actor = Self::load(conn, user)?;
        if actor.expert_status == Some(ExpertStatus::Suspended) {
            return Err(ApiError::forbidden(
                "membership_suspended",
                Msg::new("problem-membership_suspended-your_membership_suspended_you"),
            ));
        }
        Ok(actor)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn leads(&self, team: &str) -> bool {
        self.lead_teams.iter().any(|t| t == team)
    }

    pub fn leads_any(&self, teams: &[String]) -> bool {
        teams.iter().any(|t| self.leads(t))
    }

    pub fn viewer(&self) -> crate::domain::visibility::Viewer<'_> {
        crate::domain::visibility::Viewer {
            is_admin: self.is_admin(),
            own_expert_id: self.expert_id.as_deref(),
            lead_teams: &self.lead_teams,
        }
    }

    pub fn is_expert(&self, expert_id: &str) -> bool {
        self.expert_id.as_deref() == Some(expert_id)
    }
}
