# English. Each message is keyed by the code it explains; zh-CN.ftl has the same keys.
# Arguments: $field the field's name; $allowed the values allowed; $expected the type.

## Fields of a request body (a 422's errors[].message)
field-required = { $field }: this field is required
field-unknown_field = { $field }: there is no such field; leave it out
field-invalid_type = { $field }: expected { $expected }
field-invalid_choice = { $field }: expected one of { $allowed }
field-invalid_datetime = { $field }: expected a time with its offset, e.g. 2026-03-05T14:00:00+08:00
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
