//! Entering experts into the roster (专家团名册): the account, the profile and the first
//! membership entry, for the API, the CSV import, the demo seeder and the tests alike.

use serde_json::json;

use crate::auth::account::{IssuedToken, provision};
use crate::domain::profile::Profile;
use crate::domain::roster::{ExpertStatus, MEMBERSHIP_ENTERED, Membership};
use crate::error::ApiResult;
use crate::mail::outbox::Notice;
use crate::models::expert::{Expert, ExpertSets, NewExpert, encode_specialties, search_text};
use crate::models::user::{NewUser, User};
use crate::usecase::{Transition, Uow};

/// Everything needed to enter one expert: account, profile, starting status.
pub struct NewExpertInput {
    pub account: NewUser,
    pub profile: Profile,
    pub status: ExpertStatus,
    pub reason: String,
    /// Tell the new member (account-created mail with a set-password link when the
    /// account has no password yet).
    pub notify: bool,
}

/// The profile's multi-valued parts as stored.
pub fn sets_of(profile: &Profile) -> ExpertSets {
    ExpertSets {
        extra_teams: profile.extra_teams.clone(),
        modes: profile
            .modes
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        districts: profile.districts.clone(),
        rest_weekdays: profile.rest_weekdays.clone(),
    }
}

/// Creates the account and the profile, records the first membership entry (history and
/// audit) and, when asked, tells the new member. Returns the expert's id and the one-time
/// set-password token, if one was issued.
pub fn create(
    uow: &mut Uow<'_>,
    input: NewExpertInput,
) -> ApiResult<(String, Option<IssuedToken>)> {
    let NewExpertInput {
        account,
        profile,
        status,
        reason,
        notify,
    } = input;
    // The account's creation time (an import spaces its rows a microsecond apart, so that
    // lists keep the file's order).
    let now = account.created_at;
    let token = provision(uow.conn, &account)?;
    let id = uuid::Uuid::new_v4().to_string();
    let new = NewExpert {
        id: id.clone(),
        user_id: account.id.clone(),
        name: profile.name.clone(),
        gender: profile.gender.map(|g| g.as_str().to_owned()),
        birth_year: profile.birth_year,
        category: profile.category.as_str().to_owned(),
        former_post: profile.former_post.clone(),
        former_org: profile.former_org.clone(),
        specialties: encode_specialties(&profile.specialties),
        bio: profile.bio.clone(),
        max_per_week: profile.max_per_week,
        max_per_month: profile.max_per_month,
        primary_team: profile.primary_team.clone(),
        status,
        search_text: search_text(&profile.name, &profile.specialties, &profile.bio),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let sets = sets_of(&profile);
    uow.transition::<Membership>(
        Transition {
            object_id: &id,
            from: None,
            to: status,
            action: MEMBERSHIP_ENTERED,
            reason: Some(&reason),
            audit_action: "expert.created",
            audit_detail: json!({
                "login": account.login,
                "name": profile.name,
                "status": status,
                "user_id": account.id,
            }),
        },
        |conn| Expert::insert(conn, &new, &sets).map(|()| true),
    )?;
    if notify && let Some(user) = User::find(uow.conn, &account.id)? {
        let notice = Notice::AccountCreated {
            password_link: token.clone(),
        };
        uow.notify(&user, notice)?;
    }
    Ok((id, token))
}
