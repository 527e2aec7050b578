# English. Each message is keyed by the code it explains; zh-CN.ftl has the same keys.
# Arguments: $field the field's name; $allowed the values allowed; $expected the type.

## Fields of a request body (a 422's errors[].message)
field-required = { $field }: this field is required
field-unknown_field = { $field }: there is no such field; leave it out
field-invalid_type = { $field }: expected { $expected }
field-invalid_choice = { $field }: expected one of { $allowed }
field-invalid_datetime = { $field }: expected a time with its offset, e.g. 2026-03-05T14:00:00+08:00
field-invalid_date = { $field }: expected a date, e.g. 2026-03-05
field-body_object = the body is a JSON object

## Type names (field-invalid_type's $expected)
type-string = text
type-integer = a whole number
type-number = a number
type-boolean = true or false
type-array = a list
type-object = an object

## Problems (detail)
problem-validation_one = { $field }: { $message }
problem-validation_many = { $count } fields are invalid; see errors
problem-malformed_json = the body is not valid JSON (line { $line }, column { $column })
problem-malformed_json_trailing = the body has trailing characters after the JSON value (line { $line }, column { $column })
problem-invalid_query = the query parameter { $param } has an invalid value
problem-invalid_query_unknown = there is no query parameter { $param }
problem-invalid_query_any = the query string cannot be read
problem-unsupported_media_type = send the body as { $wanted }
problem-payload_too_large = the request body is larger than { $limit } bytes
problem-method_not_allowed = this resource does not accept that method
problem-database_busy = the database is busy; try again
problem-internal_error = an unexpected error occurred; quote the request id when reporting it

## Dispatch and scheduling
problem-expert_not_active = the expert is { $status }; only active experts get offers
problem-mode_not_served = the expert does not give { $mode } lectures
problem-rest_day = { $date } is one of the expert's rest days
problem-weekly_limit_reached = the expert already has { $count } lecture(s) in the week of { $monday }; their limit is { $limit } a week
problem-monthly_limit_reached = the expert already has { $count } lecture(s) in { $month }; their limit is { $limit } a month
problem-expert_busy = the expert is already committed from { $start } to { $end } (travel time included)
problem-team_not_served = the expert does not serve the sub-team { $team }; an admin may offer it with override_reason
problem-previously_refused-declined = the expert has declined this lecture before; an admin may offer it again with override_reason
problem-previously_refused-lapsed = the expert let an offer of this lecture lapse before; an admin may offer it again with override_reason
problem-offer_expired = the offer has expired; the office may offer the lecture again

## Times
field-not_whole_minutes = { $field }: times are whole minutes, without seconds
field-end_before_start = { $field }: the end must be after the start
field-in_the_past = { $field }: this time has begun or passed; choose a time to come
field-too_soon = { $field }: a school books at least { $hours } hours ahead; for anything sooner, call the office
field-too_far_ahead = { $field }: a lecture is arranged at most { $days } days ahead
field-spans_days = { $field }: a lecture starts and ends on the same day
field-outside_lecture_hours = { $field }: lectures are given between { $hours } (local time)
field-wrong_length-course = { $field }: the course takes { $length } minutes; this slot is { $minutes }
field-wrong_length = { $field }: a lecture takes { $min } to { $max } minutes; this slot is { $minutes }
field-duplicate-slot = { $field }: the same time as { $other }
field-overlapping_slots = { $field }: overlaps { $other }; propose different times

## Who may take a step (403)
problem-forbidden-course_review_own = courses are reviewed by the office or a lead of the course's team, never by their author
problem-forbidden-course_review = courses are reviewed by the office or a lead of the course's team
problem-forbidden-course_edit = only the course's author and the office edit it
problem-forbidden-course_retire = only the course's author and the office retire it
problem-forbidden-membership = membership is moved by the office
problem-forbidden-lecture_dispatch_own = the expert offered or holding a lecture does not dispatch it
problem-forbidden-lecture_offer = lectures are offered by the office or a lead of the lecture's team
problem-forbidden-lecture_reject = requests are refused by the office or a lead of the lecture's team
problem-forbidden-lecture_answer = only the expert it is offered to answers an offer
problem-forbidden-lecture_cancel_own = the expert holding a lecture does not cancel it: they ask for leave, and the office reassigns it
problem-forbidden-lecture_move_own = the expert holding a lecture does not move it: the school or the office does
problem-forbidden-lecture_cancel = a lecture is cancelled by its school or the office
problem-forbidden-lecture_reschedule = a lecture is rescheduled by its school or the office
problem-forbidden-service_step = the service takes this step itself

## States (409)
problem-illegal_transition = this { $object } is { $from } and cannot { $action }; from { $from } the steps are: { $allowed }
problem-illegal_transition-final = this { $object } is { $from } and takes no further step

## Booking and dispatch
problem-forbidden-lecture_create = schools book lectures; the office and team leads dispatch them
field-not_yours-booking = { $field }: a school books lectures for itself
field-not_allowed-booking_expert = { $field }: a school chooses an expert through a course; the office offers the others
field-too_many-slots = { $field }: propose one to three times
field-too_many-dispatch_slots = { $field }: a dispatched lecture has exactly one time
field-required-offline_school = { $field }: an on-site lecture is given at a school
field-required-slots = { $field }: propose at least one time
field-not_allowed-override = { $field }: only an admin overrides a rule
field-not_found-school = { $field }: no school has this id
field-not_bookable = { $field }: only approved courses of active experts can be booked
field-not_found-course = { $field }: no course has this id
field-mismatch-team = { $field }: the course belongs to another sub-team; leave team out
field-invalid_choice-team = { $field }: team must be one of the six sub-team codes
field-required-team = { $field }: name a course, or a sub-team and a topic
field-required-topic = { $field }: say what the lecture is about
problem-forbidden-lead_own_team = a team lead dispatches lectures of their own sub-team only
field-not_allowed-meeting_offline = { $field }: a meeting number and passcode are for an online lecture
field-not_allowed-passcode = { $field }: a passcode goes with a link or a meeting number
problem-forbidden-lecture_edit = a lecture's details are edited by its school and the office
problem-forbidden-join = schools join city-wide online lectures
problem-not_joinable-not_city_wide = only city-wide online lectures are joined; ask for a lecture of your own instead
problem-forbidden-withdraw = only a school that joined withdraws
problem-lecture_closed-withdraw = the lecture has begun; a school can no longer withdraw
problem-not_found-not_joined = your school has not joined this lecture
field-mismatch-topic = { $field }: the course is about { $title }; leave topic out
field-not_offered-mode = { $field }: the course is given { $modes }; not { $mode }
field-not_offered-audience = { $field }: the course is not for { $audience }
field-too_large-course = { $field }: the course takes at most { $max } people
field-blackout = { $field }: this time falls in { $name } ({ $from } to { $to }), when schools take no lectures
field-blackout-dispatch = { $field }: this time falls in { $name } ({ $from } to { $to }), when schools take no lectures; an admin may dispatch into it with override_reason
problem-lecture_closed-edit = the lecture is { $state } and can no longer be edited
problem-lecture_closed-edit_begun = the lecture is under way and can no longer be edited
problem-not_joinable-begun = the lecture is under way and can no longer be joined
problem-not_joinable-state = the lecture is { $state } and can no longer be joined
field-not_allowed-reassign_slot = { $field }: a lecture waiting for reassignment keeps its time; reschedule it to move it
field-not_found-slot = { $field }: the lecture has { $count } proposed time(s), numbered from 0
field-not_found-expert = { $field }: no expert has this id
problem-not_found-lecture = no such lecture

## The other modules
problem-not_found-no_such_resource = no such resource
problem-bad_request-request_could_not_processed = the request could not be processed
problem-not_found-no_route_matches_path = no route matches this path
problem-malformed_body-request_body_could_not = the request body could not be read
problem-idempotency_in_progress-request_idempotency_key_still = a request with this Idempotency-Key is still being processed; retry shortly
field-idempotency_key_reused-idempotency_key_was_used = { $field }: this Idempotency-Key was used for a different request; use a new key
problem-invalid_idempotency_key-idempotency_key_must_1 = Idempotency-Key must be 1 to 255 visible ASCII characters
problem-membership_suspended-your_membership_suspended_you = your membership is suspended: you can read, but not change anything
problem-missing_token-send_access_token_authorization = send an access token as `Authorization: Bearer …`
problem-invalid_token-access_token_not_valid = the access token is not valid
problem-token_expired-access_token_has_expired = the access token has expired; refresh it
problem-token_revoked-session_has_ended_log = this session has ended; log in again
problem-password_change_required-set_your_own_password = set your own password first (POST /api/v1/me/password)
field-same_as_login-password_must_not_login = { $field }: the password must not be the login name
problem-forbidden-only_office_team_leads = only the office and team leads list schools
problem-not_found-no_such_school = no such school
problem-forbidden-only_office_school_itself = only the office and the school itself edit a school
problem-forbidden-school_edits_contact_person = a school edits its contact person and phone; the office edits the rest
problem-invalid_credentials-login_name_password_wrong = the login name or password is wrong
problem-invalid_refresh_token-refresh_token_unknown_expired = the refresh token is unknown, expired, revoked or already used; log in again
problem-invalid_password_token-set_password_token_unknown = the set-password token is unknown, expired or used
field-required-login_must_not_empty = { $field }: login must not be empty
field-invalid_choice-expert_accounts_created_their = { $field }: expert accounts are created with their profile: POST /api/v1/experts
field-required-school_account_belongs_school = { $field }: a school account belongs to a school
field-not_allowed-only_school_accounts_belong = { $field }: only school accounts belong to a school
problem-not_found-no_such_user = no such user
field-same_as_old-new_password_must_differ = { $field }: the new password must differ from the old one
field-incorrect-old_password_wrong = { $field }: the old password is wrong
problem-not_found-no_such_expert = no such expert
problem-forbidden-membership_history_office_expert = the membership history is for the office, the expert and their team leads
problem-not_found-no_sub_team_has = no sub-team has this code
field-invalid_format-local_time_hh_mm = { $field }: a local time as HH:MM, e.g. 09:30
field-too_many-most_50_weekly_rules = { $field }: at most 50 weekly rules
field-too_many-most_400_exceptions = { $field }: at most 400 exceptions
field-end_before_start-end_date_after_start = { $field }: end_date is on or after start_date
field-mismatch-city_blackout_names_no = { $field }: a city blackout names no district or school
field-required-district_blackout_names_district = { $field }: a district blackout names its district (and no school)
field-required-school_blackout_names_school = { $field }: a school blackout names its school (and no district)
field-too_long-comment_has_most_1000 = { $field }: comment has at most 1000 characters
field-required-say_why_course_rejected = { $field }: say why the course is rejected
problem-forbidden-course_s_history_author = a course's history is for its author, the leads of its team and the office
problem-forbidden-dispatch_queue_office_team = the dispatch queue is for the office and team leads
field-invalid_format-link_http_https_address = { $field }: the link is an http:// or https:// address, without spaces; a meeting number goes in meeting_id
field-invalid_format-meeting_number_6_20 = { $field }: a meeting number is 6 to 20 digits, with spaces or dashes between them (e.g. 123 456 789)
field-invalid_format-passcode_1_32_letters = { $field }: a passcode is 1 to 32 letters or digits
field-required-name_least_audience = { $field }: name at least one audience
field-required-name_grade_bands_students = { $field }: name the grade bands of the students
field-not_allowed-grade_bands_student_audiences = { $field }: grade bands are for student audiences
field-out_of_range-expected_size_1_100000 = { $field }: expected_size is 1 to 100000
field-too_many-propose_three_times = { $field }: propose one to three times
problem-not_found-no_such_notification = no such notification
field-not_found-no_school_has_id = { $field }: no school has this id
problem-cannot_deactivate_self-admin_cannot_deactivate_their = an admin cannot deactivate their own account
problem-expert_exited-expert_has_left_team = this expert has left the team; readmitting them (exited → candidate) turns the login on again
problem-user_inactive-reactivate_account_before_resetting = reactivate the account before resetting its password
problem-forbidden-only_expert_office_edit = only the expert and the office edit a profile
field-not_found-no_expert_has_id = { $field }: no expert has this id
field-not_active-only_active_expert_can = { $field }: only an active expert can lead
field-not_member-expert_does_not_serve = { $field }: the expert does not serve this sub-team
field-duplicate-cannot_also = { $field }: the 团长 cannot also be a 副团长
problem-forbidden-blackouts_set_office_schools = blackouts are set by the office and by schools for themselves
problem-forbidden-school_sets_blackouts_itself = a school sets blackouts for itself only (scope school); the office sets city and district ones
problem-not_found-no_such_blackout = no such blackout
problem-forbidden-blackout_removed_office_school = a blackout is removed by the office, or by the school it is for
problem-not_found-no_such_course = no such course
field-required-name_expert_whose_course = { $field }: name the expert whose course this is
problem-forbidden-experts_propose_their_own = experts propose their own courses; the office may propose for any expert
problem-expert_exited-expert_who_has_left = an expert who has left cannot propose courses
problem-forbidden-dispatch_suggestions_office_lecture = dispatch suggestions are for the office and the lecture's team leads
problem-forbidden-expert_s_calendar_link = an expert's calendar link is made by the expert or the office
problem-not_found-no_such_calendar = no such calendar
problem-already_exists-resource_these_values_already = a resource with these values already exists
problem-reference_conflict-referenced_resource_does_not = a referenced resource does not exist or is still in use
problem-constraint_violation-change_breaks_rule_data = the change breaks a rule the data must keep
field-required-name_must_not_empty = { $field }: name must not be empty
field-too_long-name_has_most_50 = { $field }: name has at most 50 characters
field-too_long-bio_has_most_2000 = { $field }: bio has at most 2000 characters
field-out_of_range-max_per_week_must = { $field }: max_per_week must be between 0 and 20
field-out_of_range-max_per_month_must = { $field }: max_per_month must be between 0 and 80
field-out_of_range-max_per_month_must_2 = { $field }: max_per_month must not be below max_per_week
field-out_of_range-weekdays_iso_numbers_1 = { $field }: weekdays are ISO numbers 1 (Monday) to 7 (Sunday)
field-invalid_length-login_name_has_3 = { $field }: a login name has 3 to 64 characters
field-invalid_format-login_name_uses_letters = { $field }: a login name uses letters, digits and . _ - @ only
field-invalid_format-not_email_address = { $field }: not an email address
field-invalid_format-not_phone_number = { $field }: not a phone number
field-invalid_encoding-file_neither_utf_8 = { $field }: the file is neither UTF-8 nor GB18030 (GBK) text
field-empty-file_empty_needs_header = { $field }: the file is empty: it needs a header row and at least one data row
field-empty-file_has_no_data = { $field }: the file has no data rows
field-invalid_choice-team_must_six_sub = { $field }: team must be one of the six sub-team codes
field-required-course_students_names_grade = { $field }: a course for students names its grade bands
field-not_allowed-grade_bands_apply_student = { $field }: grade bands apply to student audiences only
field-required-name_least_mode = { $field }: name at least one mode
field-invalid_choice-course_given_online_offline = { $field }: a course is given online or offline; one-on-one work is a case
field-out_of_range-duration_minutes_must_between = { $field }: duration_minutes must be between 30 and 240
field-out_of_range-max_audience_must_between = { $field }: max_audience must be between 1 and 100000

## Validators and readers
field-required-empty = { $field }: must not be empty
field-too_long-max = { $field }: at most { $max } characters
field-invalid_format-id = { $field }: not an id
field-too_many-entries = { $field }: at most { $max } entries
field-too_long-entry = { $field }: each entry has at most { $max } characters
field-out_of_range-birth_year = { $field }: between 1900 and { $latest }
field-invalid_choice-teams = { $field }: one of { $allowed }
field-too_short-password = { $field }: a password needs at least { $min } characters
field-too_long-password = { $field }: a password has at most { $max } characters
field-invalid_characters = { $field }: holds the character { $char }; control characters, zero-width characters and direction overrides are not allowed
field-out_of_range-weekday = { $field }: weekday is 1 (Monday) to 7 (Sunday)
field-duplicate-rule = { $field }: another rule starts on the same day at the same time
field-incomplete = { $field }: give both start and end, or neither for the whole day
field-invalid_datetime-plus = { $field }: the offset's + arrived as a space: in a URL, write + as %2B (e.g. 2026-03-05T14:00:00%2B08:00)
field-out_of_range-limit = { $field }: between 1 and { $max }
problem-invalid_cursor = the cursor is not one this list ({ $list }) issued
field-required-address = { $field }: must not be empty; send null to remove it
problem-login_taken = the login name `{ $login }` is taken
problem-school_name_taken = a school named `{ $name }` exists
problem-forbidden-admin_fields = only the office changes { $fields }
problem-invalid_if_match = If-Match must carry the resource's version, e.g. "3"

## Roster import (CSV)
csv-header_unreadable = the header row cannot be read
csv-column_twice = the column `{ $column }` appears twice
csv-unknown_column = `{ $column }` is not a roster column
csv-column_missing = the column `{ $column }` is missing
csv-row_unreadable = the row cannot be read
csv-login_twice = the login also appears on line { $line }
csv-not_one_of = `{ $value }` is not one of: { $allowed }
csv-not_a_team = `{ $value }` is not a sub-team
csv-not_a_number = `{ $value }` is not a whole number
csv-not_a_weekday = `{ $value }` is not a weekday (1-7 or 周一…周日)
csv-login_not_expert = the login name `{ $login }` belongs to an account that is not an expert
csv-possible_duplicate = `{ $login }` ({ $name }) looks like { $twin } already on the roster under the login `{ $twin_login }`; send confirm_duplicates=true if they are different people

## Roles, states and the system
problem-forbidden-role_admin = only the office (admin) may do this
problem-forbidden-role_staff = a school account may not do this
problem-forbidden-role_expert = only the expert an offer is made to answers it
problem-forbidden-role_school = only a school account may do this
problem-forbidden-role_office_or_school = only the office and the school itself may do this
problem-forbidden-availability_change = an expert's availability is kept by the expert and the office
problem-forbidden-availability_read = an expert's availability is read by the expert, their team leads and the office
problem-outside_availability-blocked = the expert is not available on { $day }
problem-outside_availability-windows = { $day } { $start }-{ $end } is outside the expert's weekly availability
problem-expert_not_active-course = the course's expert is { $status }; only an active expert's course can be approved
problem-not_dead = the message is { $status }; only dead messages are retried by hand
problem-version_mismatch = the { $what } is at version { $current }, not { $expected }; read it again
problem-status_changed = the { $what } changed meanwhile; read it again
problem-database_unavailable = the database cannot be reached right now; try again
problem-database_unavailable-ready = the database does not answer
problem-rate_limited = too many requests; try again later
problem-rate_limited-logins = too many failed logins; try again later
problem-unsupported_media_type-any = unsupported content type

## The database's refusals
problem-status_changed-history = the object changed meanwhile; read it again
problem-expert_busy-utc = the expert is already committed from { $start }Z to { $end }Z (UTC, travel time included)
problem-expert_busy-now = the expert is already committed at this time
problem-hold_out_of_step = a lecture's hold on its expert's time follows the lecture; change the lecture instead
field-time_not_canonical = { $field }: a time of { $table } is not in the form YYYY-MM-DD HH:MM:SS (UTC)

## Answers
answer-password_reset = if an account with this login has an email address, a link to set a new password is on its way

## Dispatch suggestions
suggest-expert_not_active = the expert is { $status }
suggest-team_not_served = the expert does not serve { $team }
suggest-outside_availability = the time is outside the expert's availability
suggest-weekly_limit_reached = { $count } of { $limit } lectures that week
suggest-monthly_limit_reached = { $count } of { $limit } lectures that month
suggest-expert_on_leave = the expert is on leave that day

## Leave (请假)
problem-not_found-leave = no such leave
problem-forbidden-leave_for_others = an expert asks for their own leave; the office records leave for others
problem-forbidden-leave_decide = leave is approved by the office or a lead of the expert's team
problem-forbidden-leave_decide_own = nobody approves their own leave: the office or another lead of the team does
problem-forbidden-leave_withdraw = leave is withdrawn by the expert or the office
problem-expert_exited-leave = the expert has left the team and takes no leave
problem-leave_overlaps = these days meet the expert's leave from { $first } to { $last } ({ $state }): change or withdraw that one first
problem-leave_started = the leave began on { $first }: an expert withdraws leave only before it begins; the office can end it
problem-expert_on_leave = the expert is on leave from { $first } to { $last }
problem-hold_out_of_step-leave = a leave's hold on its expert's time follows the leave; approve or withdraw the leave instead
field-required-leave_expert = { $field }: name the expert whose leave this is
field-in_the_past-leave = { $field }: leave starts today or later; the office records leave that has begun
field-in_the_past-leave_record = { $field }: the office records leave that began at most { $days } days ago
field-too_far_ahead-leave = { $field }: leave is asked for at most { $days } days ahead
field-end_before_start-to_after_from = { $field }: to is on or after from

## Attendance (签到 / 签退)
problem-forbidden-lecture_check_in = the lecture's expert checks in with the code; the office may check them in with a reason
problem-forbidden-lecture_check_out = the lecture's expert checks out
problem-forbidden-lecture_correct = only the office corrects a no-show to delivered
problem-forbidden-check_in_code_expert = the school shows the check-in code to the expert: no expert account reads it, a lead included
problem-forbidden-check_in_code_school = only the lecture's school (for a city-wide lecture, a school that joined it) reads the check-in code
problem-outside_check_in_window = the check-in code works from { $minutes } minutes before the start until the end
problem-outside_check_in_window-state = the lecture is { $state }: only a confirmed lecture is checked in to
problem-rate_limited-check_in = too many wrong check-in codes: this lecture's check-in is locked for a while
field-invalid_code-check_in = { $field }: the check-in code is wrong or has expired; ask the school for the current one
field-required-check_in_code = { $field }: give the code the school shows (the office gives a reason instead)
field-not_allowed-code_or_reason = { $field }: give the code or the office's reason, not both
field-not_allowed-check_in_code_office = { $field }: the office checks an expert in without a code: give a reason
field-not_allowed-check_in_reason = { $field }: the expert checks in with the code the school shows
field-in_the_future = { $field }: this time has not come yet

## Delivery report (授课记录)
problem-lecture_not_delivered = the lecture is { $state }: it is reported once it has been given
problem-already_reported = this lecture's report (or your school's count) has been filed already
problem-not_city_wide = only a city-wide online lecture has its joined schools confirm their own counts
problem-forbidden-lecture_report = the lecture's expert files its report
problem-forbidden-lecture_audience = only a school that joined this city-wide lecture confirms its count
field-out_of_range-audience = { $field }: a count from 0 to 1000000

## Observation (听课)
problem-forbidden-observers = observers are assigned by the office or a lead of the lecture's team
problem-not_observable-begun = the lecture has begun: its observers can no longer change
problem-not_observable-state = the lecture is { $state }: observers are assigned to a lecture offered or confirmed to an expert, before it begins
field-own_lecture = { $field }: an expert does not observe their own lecture
problem-already_observer = this expert is already assigned to observe the lecture
problem-not_found-observer = this expert is not assigned to observe the lecture
problem-forbidden-observation = only an expert assigned to observe the lecture files an observation of it
problem-lecture_not_begun = the lecture is { $state }: an observation is filed once its expert has checked in
problem-already_observed = you have filed your observation of this lecture already
problem-forbidden-observations = observations are read by the office, the team's leads, the lecture's expert and each observer (their own)
field-out_of_range-score = { $field }: a whole number from 1 to 5
problem-hold_out_of_step-observer = an observer's hold on their time follows the lecture and the assignment; change the assignment instead

## Evaluation (评课)
problem-forbidden-evaluation = a lecture is evaluated by its school (a city-wide online lecture by each school that joined it)
problem-not_evaluable = the lecture is { $state }: it is evaluated once it has been given
problem-not_evaluable-closed = the lecture is closed: its evaluation is over
problem-already_evaluated = your school has evaluated this lecture already; edit that evaluation within 7 days instead
problem-evaluation_locked = an evaluation can no longer be edited { $days } days after it was filed
problem-not_found-evaluation = no such evaluation

## Service record (志愿服务记录)
problem-forbidden-service_record = a service record is read by the expert themselves and the office
field-out_of_range-service_period = { $field }: one record covers at most { $days } days (three years)

## Consultations (热线咨询)
problem-not_found-consultation = no such consultation
problem-forbidden-consultation_for_others = an expert records the consultations they answered themselves; the office records them for others
field-required-topics = { $field }: name at least one topic
field-out_of_range-whole_number = { $field }: a whole number from { $min } to { $max }
field-personal_data = { $field }: this looks like a phone or identity-card number; a consultation keeps counts only, so leave personal details out

## One-on-one cases (一对一辅导)
problem-forbidden-case_dispatch = the office or a lead of the case's team offers a case or turns it down
problem-forbidden-case_expert = only the expert the case is offered to or held by answers the offer and closes the case
problem-forbidden-case_service = only the service lets an unanswered offer lapse
problem-forbidden-case_withdraw_consent = a withdrawn consent is recorded by the referring school, the case's expert or the office
