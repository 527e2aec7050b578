//! The roster (专家团名册): entering experts (the account, the profile and the first
//! membership entry, for the API, the CSV import, the demo seeder and the tests alike) and
//! editing their profiles.

use crate::i18n::Msg;
use serde_json::json;

use crate::auth::account::{IssuedToken, provision};
use crate::auth::actor::Actor;
use crate::db::DbConnection;
use crate::domain::profile::Profile;
use crate::domain::roster::{
    Category, ExpertStatus, Gender, MEMBERSHIP_ENTERED, Membership, Mode, stored,
};
use crate::domain::visibility::{ProfileView, expert_view};
use crate::error::{ApiError, ApiResult};
use crate::mail::outbox::Notice;
use crate::models::expert::{
    Expert, ExpertChanges, ExpertRow, ExpertSets, NewExpert, encode_specialties, search_text,
    specialties_of,
};
use crate::models::team_lead::TeamLead;
use crate::models::user::{AccountContact, NewUser, User};
use crate::usecase::email::{self, Requester};
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
    let id = crate::db::new_id();
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

/// One loaded expert: row, sets and account.
#[derive(Clone)]
pub struct ExpertRecord {
    pub expert: Expert,
    pub sets: ExpertSets,
    pub user: AccountContact,
}

impl ExpertRecord {
    pub fn teams(&self) -> Vec<String> {
        self.sets.all_teams(&self.expert.primary_team)
    }

    pub fn load(conn: &mut DbConnection, id: &str) -> ApiResult<Option<ExpertRecord>> {
        Ok(Expert::find_row(conn, id)?.map(Self::from_row))
    }

    /// An expert as `Expert::find_row`, `all_rows` and `list` read them.
    pub fn from_row((expert, user, sets): ExpertRow) -> ExpertRecord {
        ExpertRecord { expert, sets, user }
    }

    /// The profile; modes in their natural order, not the database's text order.
    pub fn profile(&self) -> ApiResult<Profile> {
        Ok(self.clone().into_profile()?.0)
    }

    /// The profile, its text moved out of the record rather than copied (a page of a list
    /// builds twenty); the rest of the row and the account's contact come back with it.
    pub fn into_profile(self) -> ApiResult<(Profile, Expert, AccountContact)> {
        let ExpertRecord {
            mut expert,
            sets,
            user,
        } = self;
        let e = &mut expert;
        let mut modes: Vec<Mode> = sets
            .modes
            .iter()
            .map(|m| stored(m))
            .collect::<ApiResult<_>>()?;
        modes.sort();
        let profile = Profile {
            name: std::mem::take(&mut e.name),
            gender: e.gender.as_deref().map(stored).transpose()?,
            birth_year: e.birth_year,
            category: stored(&e.category)?,
            former_post: e.former_post.take(),
            former_org: e.former_org.take(),
            specialties: specialties_of(e),
            bio: std::mem::take(&mut e.bio),
            districts: sets.districts,
            modes,
            max_per_week: e.max_per_week,
            max_per_month: e.max_per_month,
            rest_weekdays: sets.rest_weekdays,
            primary_team: e.primary_team.clone(),
            extra_teams: sets.extra_teams,
        };
        Ok((profile, expert, user))
    }

    pub fn view_for(&self, actor: &Actor) -> Option<ProfileView> {
        expert_view(
            actor.viewer(),
            &self.expert.id,
            &self.teams(),
            self.expert.status == ExpertStatus::Active,
        )
    }
}

/// A profile edit: `None` leaves a field as it is; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub gender: Option<Option<Gender>>,
    pub birth_year: Option<Option<i32>>,
    pub category: Option<Category>,
    pub former_post: Option<Option<String>>,
    pub former_org: Option<Option<String>>,
    pub districts: Option<Vec<String>>,
    pub primary_team: Option<String>,
    pub extra_teams: Option<Vec<String>>,
    pub specialties: Option<Vec<String>>,
    pub bio: Option<String>,
    pub modes: Option<Vec<Mode>>,
    pub max_per_week: Option<i32>,
    pub max_per_month: Option<i32>,
    pub rest_weekdays: Option<Vec<i32>>,
}

impl ProfilePatch {
    /// The fields only an admin may change, by name, that this request touches.
    pub fn admin_fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let touched = [
            ("name", self.name.is_some()),
            ("gender", self.gender.is_some()),
            ("birth_year", self.birth_year.is_some()),
            ("category", self.category.is_some()),
            ("former_post", self.former_post.is_some()),
            ("former_org", self.former_org.is_some()),
            ("districts", self.districts.is_some()),
            ("primary_team", self.primary_team.is_some()),
            ("extra_teams", self.extra_teams.is_some()),
        ];
        for (name, is_touched) in touched {
            if is_touched {
                fields.push(name);
            }
        }
        fields
    }

    /// A patch that makes the profile `p` in full (the roster import's update of a row).
    pub fn replacing(p: Profile) -> ProfilePatch {
        ProfilePatch {
            name: Some(p.name),
            gender: Some(p.gender),
            birth_year: Some(p.birth_year),
            category: Some(p.category),
            former_post: Some(p.former_post),
            former_org: Some(p.former_org),
            districts: Some(p.districts),
            primary_team: Some(p.primary_team),
            extra_teams: Some(p.extra_teams),
            specialties: Some(p.specialties),
            bio: Some(p.bio),
            modes: Some(p.modes),
            max_per_week: Some(p.max_per_week),
            max_per_month: Some(p.max_per_month),
            rest_weekdays: Some(p.rest_weekdays),
        }
    }

    pub fn apply(self, mut p: Profile) -> Profile {
        p.name = self.name.unwrap_or(p.name);
        p.gender = self.gender.unwrap_or(p.gender);
        p.birth_year = self.birth_year.unwrap_or(p.birth_year);
        p.category = self.category.unwrap_or(p.category);
        p.former_post = self.former_post.unwrap_or(p.former_post);
        p.former_org = self.former_org.unwrap_or(p.former_org);
        p.districts = self.districts.unwrap_or(p.districts);
        p.primary_team = self.primary_team.unwrap_or(p.primary_team);
        p.extra_teams = self.extra_teams.unwrap_or(p.extra_teams);
        p.specialties = self.specialties.unwrap_or(p.specialties);
        p.bio = self.bio.unwrap_or(p.bio);
        p.modes = self.modes.unwrap_or(p.modes);
        p.max_per_week = self.max_per_week.unwrap_or(p.max_per_week);
        p.max_per_month = self.max_per_month.unwrap_or(p.max_per_month);
        p.rest_weekdays = self.rest_weekdays.unwrap_or(p.rest_weekdays);
        p
    }
}

fn changes_between(before: &Profile, after: &Profile) -> ExpertChanges {
    fn diff<T: PartialEq + Clone>(a: &T, b: &T) -> Option<T> {
        (a != b).then(|| b.clone())
    }
    ExpertChanges {
        name: diff(&before.name, &after.name),
        gender: diff(&before.gender, &after.gender).map(|g| g.map(|g| g.as_str().to_owned())),
        birth_year: diff(&before.birth_year, &after.birth_year),
        category: diff(&before.category, &after.category).map(|c| c.as_str().to_owned()),
        former_post: diff(&before.former_post, &after.former_post),
        former_org: diff(&before.former_org, &after.former_org),
        specialties: diff(&before.specialties, &after.specialties).map(|s| encode_specialties(&s)),
        bio: diff(&before.bio, &after.bio),
        max_per_week: diff(&before.max_per_week, &after.max_per_week),
        max_per_month: diff(&before.max_per_month, &after.max_per_month),
        primary_team: diff(&before.primary_team, &after.primary_team),
        search_text: Some(search_text(&after.name, &after.specialties, &after.bio)),
    }
}

fn changed_fields(before: &Profile, after: &Profile) -> Vec<&'static str> {
    let pairs = [
        ("name", before.name != after.name),
        ("gender", before.gender != after.gender),
        ("birth_year", before.birth_year != after.birth_year),
        ("category", before.category != after.category),
        ("former_post", before.former_post != after.former_post),
        ("former_org", before.former_org != after.former_org),
        ("specialties", before.specialties != after.specialties),
        ("bio", before.bio != after.bio),
        ("districts", before.districts != after.districts),
        ("modes", before.modes != after.modes),
        ("max_per_week", before.max_per_week != after.max_per_week),
        ("max_per_month", before.max_per_month != after.max_per_month),
        ("rest_weekdays", before.rest_weekdays != after.rest_weekdays),
        ("primary_team", before.primary_team != after.primary_team),
        ("extra_teams", before.extra_teams != after.extra_teams),
    ];
    pairs
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name)
        .collect()
}

/// New contact details for the account: `None` leaves one as it is, `Some(None)` clears it.
pub type Contact = (Option<Option<String>>, Option<Option<String>>);

/// Edits a profile at the version the caller read (`If-Match`), or the current one. The
/// expert edits their own bio, specialties, contact, modes, load limits and rest days; only
/// the office changes the rest. Leaving a team ends a lead post there.
pub fn update_profile(
    uow: &mut Uow<'_>,
    actor: &Actor,
    id: &str,
    if_match: Option<i32>,
    patch: ProfilePatch,
    (email, phone): Contact,
    current_year: i32,
) -> ApiResult<ExpertRecord> {
    let record = ExpertRecord::load(uow.conn, id)?
        .ok_or_else(|| ApiError::not_found(Msg::new("problem-not_found-no_such_expert")))?;
    if record.view_for(actor).is_none() {
        return Err(ApiError::not_found(Msg::new(
            "problem-not_found-no_such_expert",
        )));
    }
    let admin_fields = patch.admin_fields();
    if !actor.is_admin() {
        if !actor.is_expert(id) {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-only_expert_office_edit"),
            ));
        }
        if !admin_fields.is_empty() {
            return Err(ApiError::forbidden(
                "forbidden",
                Msg::new("problem-forbidden-admin_fields").arg("fields", admin_fields.join(", ")),
            ));
        }
    }
    let before = record.profile()?;
    let after = patch
        .apply(before.clone())
        .normalized(current_year)
        .map_err(ApiError::Validation)?;
    let expected = if_match.unwrap_or(record.expert.version);
    let now = uow.now();
    let email_changes = email.as_ref().is_some_and(|e| record.user.email != *e);
    let phone_changes = phone.as_ref().is_some_and(|p| record.user.phone != *p);
    if before == after && !email_changes && !phone_changes {
        // Nothing changes: nothing is written, and the version stays.
        if expected != record.expert.version {
            return Err(ApiError::version_mismatch(
                "expert",
                record.expert.version,
                expected,
            ));
        }
        return Ok(record);
    }
    if !Expert::update(
        uow.conn,
        id,
        expected,
        &changes_between(&before, &after),
        now,
    )? {
        return Err(ApiError::version_mismatch(
            "expert",
            record.expert.version,
            expected,
        ));
    }
    Expert::replace_sets(uow.conn, id, &sets_of(&after))?;
    if let Some(address) = email.filter(|_| email_changes) {
        // The expert's own new address waits for its confirmation; the office's is set.
        let requester = if actor.is_admin() {
            Requester::Office
        } else {
            Requester::Owner
        };
        email::change(uow, requester, &record.expert.user_id, address.as_deref())?;
    }
    User::set_contact(
        uow.conn,
        &record.expert.user_id,
        None,
        phone.filter(|_| phone_changes),
        now,
    )?;
    let ended = TeamLead::remove_for_expert(uow.conn, id, &after.teams())?;
    if !ended.is_empty() {
        uow.record(
            "team.leads_changed",
            "expert",
            Some(id),
            json!({ "ended": ended, "why": "no longer serves the team" }),
        )?;
    }
    let action = if actor.is_admin() && !actor.is_expert(id) {
        "expert.updated_by_admin"
    } else {
        "expert.updated"
    };
    uow.record(
        action,
        "expert",
        Some(id),
        json!({ "fields": changed_fields(&before, &after) }),
    )?;
    ExpertRecord::load(uow.conn, id)?.ok_or_else(|| ApiError::internal("updated expert vanished"))
}
