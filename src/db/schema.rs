// @generated shape: one `table!` per table, shared by the SQLite and PostgreSQL migrations.
// tests/schema.rs migrates both backends and compares every column with this file.

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    consultation_topics (consultation_id, topic) {
        consultation_id -> Text,
        topic -> Text,
    }
}

diesel::table! {
    consultations (id) {
        id -> Text,
        channel -> Text,
        at -> Timestamp,
        minutes -> Integer,
        families -> Integer,
        expert_id -> Nullable<Text>,
        school_id -> Nullable<Text>,
        note -> Nullable<Text>,
        joined_topics -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    course_audiences (course_id, audience) {
        course_id -> Text,
        audience -> Text,
    }
}

diesel::table! {
    course_grades (course_id, grade) {
        course_id -> Text,
        grade -> Text,
    }
}

diesel::table! {
    course_modes (course_id, mode) {
        course_id -> Text,
        mode -> Text,
    }
}

diesel::table! {
    courses (id) {
        id -> Text,
        expert_id -> Text,
        team_code -> Text,
        title -> Text,
        description -> Text,
        outline -> Text,
        duration_minutes -> Integer,
        max_audience -> Nullable<Integer>,
        status -> Text,
        review_comment -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        search_text -> Text,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        joined_audiences -> Nullable<Text>,
        joined_grades -> Nullable<Text>,
        joined_modes -> Nullable<Text>,
    }
}

diesel::table! {
    expert_districts (expert_id, district) {
        expert_id -> Text,
        district -> Text,
    }
}

diesel::table! {
    expert_extra_teams (expert_id, team_code) {
        expert_id -> Text,
        team_code -> Text,
    }
}

diesel::table! {
    expert_modes (expert_id, mode) {
        expert_id -> Text,
        mode -> Text,
    }
}

diesel::table! {
    expert_rest_days (expert_id, weekday) {
        expert_id -> Text,
        weekday -> Integer,
    }
}

diesel::table! {
    email_changes (id) {
        id -> Text,
        user_id -> Text,
        new_email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    experts (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        gender -> Nullable<Text>,
        birth_year -> Nullable<Integer>,
        category -> Text,
        former_post -> Nullable<Text>,
        former_org -> Nullable<Text>,
        specialties -> Text,
        bio -> Text,
        max_per_week -> Integer,
        max_per_month -> Integer,
        primary_team -> Text,
        status -> Text,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        joined_extra_teams -> Nullable<Text>,
        joined_modes -> Nullable<Text>,
        joined_districts -> Nullable<Text>,
        joined_rest_weekdays -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (owner_id, idem_key) {
        owner_id -> Text,
        idem_key -> Text,
        fingerprint -> Text,
        state -> Text,
        locked_until -> Nullable<Timestamp>,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        response_headers -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (name) {
        name -> Text,
        next_due_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_started_at -> Nullable<Timestamp>,
        last_finished_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        runs -> Integer,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        login -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        data -> Text,
        subject -> Text,
        body -> Text,
        email_body -> Nullable<Text>,
        email_to -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    password_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_events (id) {
        id -> Text,
        kind -> Text,
        subject -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    schools (id) {
        id -> Text,
        name -> Text,
        school_type -> Text,
        district -> Text,
        address -> Text,
        contact_person -> Text,
        phone -> Nullable<Text>,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    state_changes (object_type, object_id, seq) {
        object_type -> Text,
        object_id -> Text,
        seq -> Integer,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        reason -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    team_leads (team_code, expert_id) {
        team_code -> Text,
        expert_id -> Text,
        lead_role -> Text,
        since -> Timestamp,
    }
}

diesel::table! {
    teams (code) {
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        login -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        role -> Text,
        password_hash -> Nullable<Text>,
        must_change_password -> Bool,
        active -> Bool,
        token_version -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        school_id -> Nullable<Text>,
    }
}

diesel::table! {
    lectures (id) {
        id -> Text,
        origin -> Text,
        state -> Text,
        team_code -> Text,
        course_id -> Nullable<Text>,
        topic -> Text,
        mode -> Text,
        audiences -> Text,
        grade_bands -> Nullable<Text>,
        expected_size -> Integer,
        school_id -> Nullable<Text>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        sort_at -> Timestamp,
        expert_id -> Nullable<Text>,
        offer_expires_at -> Nullable<Timestamp>,
        address -> Nullable<Text>,
        platform -> Nullable<Text>,
        link -> Nullable<Text>,
        note -> Nullable<Text>,
        sequence -> Integer,
        reminded_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        joined_slots -> Nullable<Text>,
        travel_minutes -> Integer,
        meeting_id -> Nullable<Text>,
        passcode -> Nullable<Text>,
    }
}

diesel::table! {
    lecture_slots (lecture_id, idx) {
        lecture_id -> Text,
        idx -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
    }
}

diesel::table! {
    lecture_refusals (lecture_id, expert_id) {
        lecture_id -> Text,
        expert_id -> Text,
        kind -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    lecture_participants (lecture_id, school_id) {
        lecture_id -> Text,
        school_id -> Text,
        expected_size -> Integer,
        joined_at -> Timestamp,
        audience -> Nullable<Integer>,
        audience_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    school_lectures (school_id, sort_at, lecture_id) {
        school_id -> Text,
        sort_at -> Timestamp,
        lecture_id -> Text,
    }
}

diesel::table! {
    busy_intervals (id) {
        id -> Text,
        expert_id -> Text,
        source_type -> Text,
        source_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
    }
}

diesel::table! {
    availability_rules (expert_id, weekday, start_time) {
        expert_id -> Text,
        weekday -> Integer,
        start_time -> Time,
        end_time -> Time,
    }
}

diesel::table! {
    availability_exceptions (expert_id, day) {
        expert_id -> Text,
        day -> Date,
        kind -> Text,
        start_time -> Nullable<Time>,
        end_time -> Nullable<Time>,
    }
}

diesel::table! {
    blackouts (id) {
        id -> Text,
        name -> Text,
        start_date -> Date,
        end_date -> Date,
        scope -> Text,
        district -> Nullable<Text>,
        school_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_tokens (expert_id) {
        expert_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lecture_feed_removals (expert_id, lecture_id) {
        expert_id -> Text,
        lecture_id -> Text,
        sequence -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        removed_at -> Timestamp,
    }
}

diesel::table! {
    leaves (id) {
        id -> Text,
        expert_id -> Text,
        state -> Text,
        start_date -> Date,
        end_date -> Date,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        reason -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decision_reason -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lecture_attendance (lecture_id) {
        lecture_id -> Text,
        code_secret -> Text,
        checked_in_at -> Nullable<Timestamp>,
        late -> Nullable<Bool>,
        check_in_reason -> Nullable<Text>,
        checked_out_at -> Nullable<Timestamp>,
        delivered_minutes -> Nullable<Integer>,
        auto_checked_out -> Bool,
    }
}

diesel::table! {
    lecture_reports (lecture_id) {
        lecture_id -> Text,
        audience -> Integer,
        summary -> Text,
        late -> Bool,
        filed_by -> Text,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    lecture_observers (id) {
        id -> Text,
        lecture_id -> Text,
        expert_id -> Text,
        assigned_by -> Text,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    lecture_observations (id) {
        id -> Text,
        lecture_id -> Text,
        observer_id -> Text,
        content -> Integer,
        delivery -> Integer,
        interaction -> Integer,
        effect -> Integer,
        comment -> Text,
        filed_by -> Text,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    lecture_evaluations (id) {
        id -> Text,
        lecture_id -> Text,
        school_id -> Text,
        content -> Integer,
        delivery -> Integer,
        interaction -> Integer,
        effect -> Integer,
        relevance -> Integer,
        comment -> Text,
        filed_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_certificates (serial) {
        serial -> Text,
        expert_id -> Text,
        expert_name -> Text,
        from_date -> Date,
        to_date -> Date,
        lectures -> Integer,
        minutes -> Integer,
        beneficiaries -> BigInt,
        observations -> Integer,
        issued_by -> Text,
        issued_at -> Timestamp,
    }
}

diesel::joinable!(audit_events -> users (actor_id));
diesel::joinable!(course_audiences -> courses (course_id));
diesel::joinable!(course_grades -> courses (course_id));
diesel::joinable!(course_modes -> courses (course_id));
diesel::joinable!(courses -> experts (expert_id));
diesel::joinable!(courses -> teams (team_code));
diesel::joinable!(expert_districts -> experts (expert_id));
diesel::joinable!(expert_extra_teams -> experts (expert_id));
diesel::joinable!(expert_extra_teams -> teams (team_code));
diesel::joinable!(expert_modes -> experts (expert_id));
diesel::joinable!(expert_rest_days -> experts (expert_id));
diesel::joinable!(experts -> teams (primary_team));
diesel::joinable!(experts -> users (user_id));
diesel::joinable!(idempotency_keys -> users (owner_id));
diesel::joinable!(state_changes -> users (actor_id));
diesel::joinable!(team_leads -> experts (expert_id));
diesel::joinable!(team_leads -> teams (team_code));
diesel::joinable!(users -> schools (school_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(email_changes -> users (user_id));
diesel::joinable!(password_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(lectures -> teams (team_code));
diesel::joinable!(lectures -> courses (course_id));
diesel::joinable!(lectures -> schools (school_id));
diesel::joinable!(lectures -> experts (expert_id));
diesel::joinable!(lecture_slots -> lectures (lecture_id));
diesel::joinable!(lecture_refusals -> lectures (lecture_id));
diesel::joinable!(lecture_participants -> lectures (lecture_id));
diesel::joinable!(school_lectures -> lectures (lecture_id));
diesel::joinable!(busy_intervals -> experts (expert_id));
diesel::joinable!(calendar_tokens -> experts (expert_id));
diesel::joinable!(availability_rules -> experts (expert_id));
diesel::joinable!(availability_exceptions -> experts (expert_id));
diesel::joinable!(blackouts -> schools (school_id));

diesel::joinable!(consultation_topics -> consultations (consultation_id));
diesel::joinable!(consultations -> experts (expert_id));
diesel::joinable!(consultations -> schools (school_id));
diesel::joinable!(consultations -> users (recorded_by));
diesel::joinable!(leaves -> experts (expert_id));
diesel::joinable!(lecture_attendance -> lectures (lecture_id));
diesel::joinable!(lecture_reports -> lectures (lecture_id));
diesel::joinable!(lecture_observers -> lectures (lecture_id));
diesel::joinable!(lecture_observers -> experts (expert_id));
diesel::joinable!(lecture_evaluations -> lectures (lecture_id));
diesel::joinable!(lecture_evaluations -> schools (school_id));
diesel::joinable!(service_certificates -> experts (expert_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    availability_exceptions,
    availability_rules,
    blackouts,
    busy_intervals,
    calendar_tokens,
    consultation_topics,
    consultations,
    course_audiences,
    course_grades,
    course_modes,
    courses,
    email_changes,
    expert_districts,
    expert_extra_teams,
    expert_modes,
    expert_rest_days,
    experts,
    idempotency_keys,
    job_runs,
    lecture_participants,
    lecture_refusals,
    lecture_slots,
    lectures,
    login_failures,
    notifications,
    password_tokens,
    rate_events,
    refresh_tokens,
    school_lectures,
    schools,
    state_changes,
    team_leads,
    teams,
    users,
    lecture_feed_removals,
    leaves,
    lecture_attendance,
    lecture_reports,
    lecture_observers,
    lecture_observations,
    lecture_evaluations,
    service_certificates,
);
