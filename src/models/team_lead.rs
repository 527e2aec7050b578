//! `team_leads`: each sub-team's 团长 (one) and 副团长 (any number).

use crate::db::OnBackend;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::Time;
use crate::db::schema::{experts, team_leads};
use crate::domain::roster::{ExpertStatus, LeadRole};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = team_leads)]
pub struct TeamLead {
    pub team_code: String,
    pub expert_id: String,
    pub lead_role: LeadRole,
    #[diesel(deserialize_as = Time)]
    pub since: NaiveDateTime,
}

/// A lead with the name to show.
#[derive(Debug, Clone)]
pub struct NamedLead {
    pub team_code: String,
    pub expert_id: String,
    pub name: String,
    pub lead_role: LeadRole,
}

impl TeamLead {
    /// Leads of the given teams, 团长 first, with the experts' names.
    pub fn named_for_teams(
        conn: &mut DbConnection,
        teams: &[String],
    ) -> QueryResult<Vec<NamedLead>> {
        let rows: Vec<(String, String, String, LeadRole)> = team_leads::table
            .inner_join(experts::table)
            .filter(team_leads::team_code.eq_any(teams))
            .order((
                team_leads::team_code,
                team_leads::lead_role.desc(),
                experts::name,
            ))
            .select((
                team_leads::team_code,
                team_leads::expert_id,
                experts::name,
                team_leads::lead_role,
            ))
            .load_on(conn)?;
        Ok(rows
            .into_iter()
            .map(|(team_code, expert_id, name, lead_role)| NamedLead {
                team_code,
                expert_id,
                name,
                lead_role,
            })
            .collect())
    }

    /// The user ids of a team's leads whose profiles are active (who review its courses).
    pub fn reviewer_users(conn: &mut DbConnection, team: &str) -> QueryResult<Vec<String>> {
        team_leads::table
            .inner_join(experts::table)
            .filter(team_leads::team_code.eq(team))
            .filter(experts::status.eq(ExpertStatus::Active))
            .select(experts::user_id)
            .load_on(conn)
    }

    /// Replaces a team's leads.
    pub fn replace_for_team(
        conn: &mut DbConnection,
        team: &str,
        lead: Option<&str>,
        deputies: &[String],
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(team_leads::table.filter(team_leads::team_code.eq(team)))
            .execute_on(conn)?;
        let rows = lead
            .map(|id| (id, LeadRole::Lead))
            .into_iter()
            .chain(deputies.iter().map(|id| (id.as_str(), LeadRole::Deputy)));
        for (expert_id, role) in rows {
            diesel::insert_into(team_leads::table)
                .values((
                    team_leads::team_code.eq(team),
                    team_leads::expert_id.eq(expert_id),
                    team_leads::lead_role.eq(role),
                    team_leads::since.eq(now),
                ))
                .execute_on(conn)?;
        }
        Ok(())
    }

    /// Ends an expert's lead posts (all teams, or the teams not in `keep`); returns the
    /// teams they no longer lead.
    pub fn remove_for_expert(
        conn: &mut DbConnection,
        expert_id: &str,
        keep: &[String],
    ) -> QueryResult<Vec<String>> {
        let ended: Vec<String> = team_leads::table
            .filter(team_leads::expert_id.eq(expert_id))
            .filter(team_leads::team_code.ne_all(keep))
            .select(team_leads::team_code)
            .load_on(conn)?;
        diesel::delete(
            team_leads::table
                .filter(team_leads::expert_id.eq(expert_id))
                .filter(team_leads::team_code.eq_any(&ended)),
        )
        .execute_on(conn)?;
        Ok(ended)
    }
}
