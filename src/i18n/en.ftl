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
