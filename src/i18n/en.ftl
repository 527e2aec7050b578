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
