# 简体中文（默认）。每条消息以它解释的代码为键；en.ftl 有同样的键。
# 参数：$field 字段名；$allowed 可选的值；$expected 应有的类型。

## 请求体的字段（422 的 errors[].message）
field-required = { $field }：此项必填
field-unknown_field = { $field }：没有这个字段，请删去
field-invalid_type = { $field }：应为{ $expected }
field-invalid_choice = { $field }：应为以下之一：{ $allowed }
field-invalid_datetime = { $field }：应为带时区的时间，例如 2026-03-05T14:00:00+08:00
field-invalid_date = { $field }：应为日期，例如 2026-03-05
field-body_object = 请求体应为一个 JSON 对象

## 类型名（field-invalid_type 的 $expected）
type-string = 文字
type-integer = 整数
type-number = 数字
type-boolean = true 或 false
type-array = 列表
type-object = 对象

## 问题（detail）
problem-validation_one = { $field }：{ $message }
problem-validation_many = 有 { $count } 处填写有误，见 errors
problem-malformed_json = 请求体不是有效的 JSON（第 { $line } 行第 { $column } 列）
problem-malformed_json_trailing = 请求体在 JSON 之后还有多余的字符（第 { $line } 行第 { $column } 列）
problem-invalid_query = 查询参数 { $param } 的值无效
problem-invalid_query_unknown = 没有查询参数 { $param }
problem-invalid_query_any = 查询参数无法读取
problem-unsupported_media_type = 请以 { $wanted } 格式发送请求体
problem-payload_too_large = 请求体超过 { $limit } 字节
problem-method_not_allowed = 此地址不接受这种请求方法
problem-database_busy = 数据库正忙，请稍后重试
problem-internal_error = 服务出现意外错误；反映问题时请提供请求编号

## 派课与排期
problem-expert_not_active = 该专家目前为“{ $status_zh }”，只有在团专家可以接受派课
problem-mode_not_served = 该专家不做{ $mode_zh }讲座
problem-rest_day = { $date } 是该专家的休息日
problem-weekly_limit_reached = 该专家在 { $monday } 起的这一周已有 { $count } 场讲座，每周最多 { $limit } 场
problem-monthly_limit_reached = 该专家在 { $month } 已有 { $count } 场讲座，每月最多 { $limit } 场
problem-expert_busy = 该专家在 { $start } 至 { $end } 已有安排（含路途时间）
problem-team_not_served = 该专家不属于也不兼任“{ $team_zh }”分团；管理员可填写 override_reason 后派课
problem-previously_refused-declined = 该专家曾谢绝这场讲座；管理员可填写 override_reason 再次派给他
problem-previously_refused-lapsed = 该专家曾对这场讲座的邀约逾期未答复；管理员可填写 override_reason 再次派给他
problem-offer_expired = 邀约已过期；办公室可重新派课

## 时间
field-not_whole_minutes = { $field }：时间应为整分钟，不带秒
field-end_before_start = { $field }：结束时间应晚于开始时间
field-in_the_past = { $field }：这个时间已经过去，请选将来的时间
field-too_soon = { $field }：学校至少提前 { $hours } 小时预约；更急的讲座请联系办公室
field-too_far_ahead = { $field }：讲座最多提前 { $days } 天安排
field-spans_days = { $field }：讲座应在同一天内开始和结束
field-outside_lecture_hours = { $field }：讲座安排在当地时间 { $hours } 之间
field-wrong_length-course = { $field }：这门课程 { $length } 分钟，这个时段是 { $minutes } 分钟
field-wrong_length = { $field }：讲座时长为 { $min } 到 { $max } 分钟，这个时段是 { $minutes } 分钟
field-duplicate-slot = { $field }：与 { $other } 是同一个时间
field-overlapping_slots = { $field }：与 { $other } 时间重叠，请提出不同的时间

## 谁可以做这一步（403）
problem-forbidden-course_review_own = 课程由办公室或该分团团长审核，作者本人不能审核
problem-forbidden-course_review = 课程由办公室或该分团团长审核
problem-forbidden-course_edit = 只有课程作者和办公室可以修改课程
problem-forbidden-course_retire = 只有课程作者和办公室可以下架课程
problem-forbidden-membership = 成员状态由办公室调整
problem-forbidden-lecture_dispatch_own = 被邀约或承担这场讲座的专家不能为它派课
problem-forbidden-lecture_offer = 讲座由办公室或该分团团长派课
problem-forbidden-lecture_reject = 约课由办公室或该分团团长拒绝
problem-forbidden-lecture_answer = 只有被邀约的专家可以答复邀约
problem-forbidden-lecture_cancel_own = 承担讲座的专家不取消讲座：请提交请假，由办公室改派
problem-forbidden-lecture_move_own = 承担讲座的专家不改期：由学校或办公室改期
problem-forbidden-lecture_cancel = 讲座由本校或办公室取消
problem-forbidden-lecture_reschedule = 讲座由本校或办公室改期
problem-forbidden-service_step = 这一步由系统自动完成

## 状态（409）
problem-illegal_transition = 这个{ $object_zh }目前是“{ $from_zh }”，不能{ $action_zh }；此状态下可以：{ $allowed_zh }
problem-illegal_transition-final = 这个{ $object_zh }目前是“{ $from_zh }”，已不能再变动

## 约课与派课
problem-forbidden-lecture_create = 学校约课，办公室和团长派课
field-not_yours-booking = { $field }：学校只能为本校约课
field-not_allowed-booking_expert = { $field }：学校通过课程选择专家，其他的由办公室派课
field-too_many-slots = { $field }：请提出一到三个时间
field-too_many-dispatch_slots = { $field }：派课只有一个时间
field-required-offline_school = { $field }：线下讲座要在一所学校举行
field-required-slots = { $field }：请至少提出一个时间
field-not_allowed-override = { $field }：只有管理员可以越过规则
field-not_found-school = { $field }：没有这所学校
field-not_bookable = { $field }：只能预约在团专家已通过审核的课程
field-not_found-course = { $field }：没有这门课程
field-mismatch-team = { $field }：这门课程属于另一个分团；请不填 team
field-invalid_choice-team = { $field }：应为六个分团代码之一
field-required-team = { $field }：请指定课程，或分团和主题
field-required-topic = { $field }：请说明讲座的主题
problem-forbidden-lead_own_team = 团长只为本分团派课
field-not_allowed-meeting_offline = { $field }：会议号和密码只用于线上讲座
field-not_allowed-passcode = { $field }：密码要和链接或会议号一起填写
problem-forbidden-lecture_edit = 讲座的具体安排由本校和办公室修改
problem-forbidden-join = 全市线上讲座由学校报名参加
problem-not_joinable-not_city_wide = 只能报名参加全市线上讲座；本校的讲座请另行预约
problem-forbidden-withdraw = 只有已报名的学校可以退出
problem-lecture_closed-withdraw = 讲座已经开始，不能再退出
problem-not_found-not_joined = 本校没有报名参加这场讲座
field-mismatch-topic = { $field }：这门课程的主题是“{ $title }”；请不填 topic
field-not_offered-mode = { $field }：这门课程的授课方式是 { $modes }，不是 { $mode }
field-not_offered-audience = { $field }：这门课程不面向 { $audience }
field-too_large-course = { $field }：这门课程最多 { $max } 人
field-blackout = { $field }：这个时间在“{ $name }”（{ $from } 至 { $to }）期间，学校不安排讲座
field-blackout-dispatch = { $field }：这个时间在“{ $name }”（{ $from } 至 { $to }）期间，学校不安排讲座；管理员可填写 override_reason 派课
problem-lecture_closed-edit = 讲座已“{ $state }”，不能再修改
problem-lecture_closed-edit_begun = 讲座已经开始，不能再修改
problem-not_joinable-begun = 讲座已经开始，不能再报名
problem-not_joinable-state = 讲座已“{ $state }”，不能再报名
field-not_allowed-reassign_slot = { $field }：等待改派的讲座保持原定时间；要换时间请改期
field-not_found-slot = { $field }：这场讲座有 { $count } 个备选时间，从 0 开始编号
field-not_found-expert = { $field }：没有这位专家
problem-not_found-lecture = 没有这场讲座

## 其他模块
problem-not_found-no_such_resource = 没有这项内容
problem-bad_request-request_could_not_processed = 请求无法处理
problem-not_found-no_route_matches_path = 没有这个地址
problem-malformed_body-request_body_could_not = 无法读取请求体
problem-idempotency_in_progress-request_idempotency_key_still = 使用这个 Idempotency-Key 的请求仍在处理中，请稍后重试
field-idempotency_key_reused-idempotency_key_was_used = { $field }：这个 Idempotency-Key 已用于另一个请求，请换一个新的
problem-invalid_idempotency_key-idempotency_key_must_1 = Idempotency-Key 应为 1 到 255 个可见的 ASCII 字符
problem-membership_suspended-your_membership_suspended_you = 您的成员资格已暂停：可以查看，但不能修改
problem-missing_token-send_access_token_authorization = 请以 Authorization: Bearer … 发送访问令牌
problem-invalid_token-access_token_not_valid = 访问令牌无效
problem-token_expired-access_token_has_expired = 访问令牌已过期，请刷新
problem-token_revoked-session_has_ended_log = 此次登录已结束，请重新登录
problem-password_change_required-set_your_own_password = 请先设置自己的密码（POST /api/v1/me/password）
field-same_as_login-password_must_not_login = { $field }：密码不能与登录名相同
problem-forbidden-only_office_team_leads = 只有办公室和团长可以查看学校列表
problem-not_found-no_such_school = 没有这所学校
problem-forbidden-only_office_school_itself = 只有办公室和学校本身可以修改学校信息
problem-forbidden-school_edits_contact_person = 学校可修改联系人和电话，其余由办公室修改
problem-invalid_credentials-login_name_password_wrong = 登录名或密码不正确
problem-invalid_refresh_token-refresh_token_unknown_expired = 刷新令牌无效、已过期、已撤销或已使用，请重新登录
problem-invalid_password_token-set_password_token_unknown = 设置密码的链接无效、已过期或已使用
field-required-login_must_not_empty = { $field }：登录名不能为空
field-invalid_choice-expert_accounts_created_their = { $field }：专家账号随专家资料一起创建：POST /api/v1/experts
field-required-school_account_belongs_school = { $field }：学校账号要属于一所学校
field-not_allowed-only_school_accounts_belong = { $field }：只有学校账号属于学校
problem-not_found-no_such_user = 没有这个账号
field-same_as_old-new_password_must_differ = { $field }：新密码不能与旧密码相同
field-incorrect-old_password_wrong = { $field }：旧密码不正确
problem-not_found-no_such_expert = 没有这位专家
problem-forbidden-membership_history_office_expert = 成员变动记录只给办公室、专家本人和其团长查看
problem-not_found-no_sub_team_has = 没有这个分团代码
field-invalid_format-local_time_hh_mm = { $field }：当地时间，格式为 HH:MM，例如 09:30
field-too_many-most_50_weekly_rules = { $field }：每周规则最多 50 条
field-too_many-most_400_exceptions = { $field }：例外日期最多 400 条
field-end_before_start-end_date_after_start = { $field }：结束日期不能早于开始日期
field-mismatch-city_blackout_names_no = { $field }：全市停课期不指定区或学校
field-required-district_blackout_names_district = { $field }：区停课期要指定区（不指定学校）
field-required-school_blackout_names_school = { $field }：学校停课期要指定学校（不指定区）
field-too_long-comment_has_most_1000 = { $field }：意见最多 1000 个字
field-required-say_why_course_rejected = { $field }：请说明课程未通过的原因
problem-forbidden-course_s_history_author = 课程记录只给作者、该分团团长和办公室查看
problem-forbidden-dispatch_queue_office_team = 待派课列表只给办公室和团长查看
field-invalid_format-link_http_https_address = { $field }：链接应为 http:// 或 https:// 地址，不含空格；会议号请填在 meeting_id
field-invalid_format-meeting_number_6_20 = { $field }：会议号为 6 到 20 位数字，中间可有空格或短横（例如 123 456 789）
field-invalid_format-passcode_1_32_letters = { $field }：密码为 1 到 32 个字母或数字
field-required-name_least_audience = { $field }：请至少指定一类听众
field-required-name_grade_bands_students = { $field }：听众有学生时请指定学段
field-not_allowed-grade_bands_student_audiences = { $field }：学段只用于学生听众
field-out_of_range-expected_size_1_100000 = { $field }：预计人数为 1 到 100000
field-too_many-propose_three_times = { $field }：请提出一到三个时间
problem-not_found-no_such_notification = 没有这条通知
field-not_found-no_school_has_id = { $field }：没有这所学校
problem-cannot_deactivate_self-admin_cannot_deactivate_their = 管理员不能停用自己的账号
problem-expert_exited-expert_has_left_team = 这位专家已退团；重新吸纳（exited → candidate）会重新开启登录
problem-user_inactive-reactivate_account_before_resetting = 请先重新启用账号，再重置密码
problem-forbidden-only_expert_office_edit = 只有专家本人和办公室可以修改专家资料
field-not_found-no_expert_has_id = { $field }：没有这位专家
field-not_active-only_active_expert_can = { $field }：只有在团专家可以担任团长
field-not_member-expert_does_not_serve = { $field }：这位专家不属于这个分团
field-duplicate-cannot_also = { $field }：团长不能同时担任副团长
problem-forbidden-blackouts_set_office_schools = 停课期由办公室设定，学校可为本校设定
problem-forbidden-school_sets_blackouts_itself = 学校只为本校设定停课期（scope school）；全市和区的由办公室设定
problem-not_found-no_such_blackout = 没有这个停课期
problem-forbidden-blackout_removed_office_school = 停课期由办公室或所属学校删除
problem-not_found-no_such_course = 没有这门课程
field-required-name_expert_whose_course = { $field }：请指定这门课程的专家
problem-forbidden-experts_propose_their_own = 专家提交自己的课程；办公室可为任何专家提交
problem-expert_exited-expert_who_has_left = 已退团的专家不能提交课程
problem-forbidden-dispatch_suggestions_office_lecture = 派课建议只给办公室和该讲座分团的团长查看
problem-forbidden-expert_s_calendar_link = 专家的日历链接由专家本人或办公室生成
problem-not_found-no_such_calendar = 没有这个日历
problem-already_exists-resource_these_values_already = 已有相同内容的记录
problem-reference_conflict-referenced_resource_does_not = 引用的内容不存在或仍在使用
problem-constraint_violation-change_breaks_rule_data = 这项修改违反了数据必须遵守的规则
field-required-name_must_not_empty = { $field }：名称不能为空
field-too_long-name_has_most_50 = { $field }：名称最多 50 个字
field-too_long-bio_has_most_2000 = { $field }：简介最多 2000 个字
field-out_of_range-max_per_week_must = { $field }：每周上限应在 0 到 20 之间
field-out_of_range-max_per_month_must = { $field }：每月上限应在 0 到 80 之间
field-out_of_range-max_per_month_must_2 = { $field }：每月上限不能低于每周上限
field-out_of_range-weekdays_iso_numbers_1 = { $field }：星期用 1（周一）到 7（周日）表示
field-invalid_length-login_name_has_3 = { $field }：登录名为 3 到 64 个字符
field-invalid_format-login_name_uses_letters = { $field }：登录名只能用字母、数字和 . _ - @
field-invalid_format-not_email_address = { $field }：不是有效的电子邮箱地址
field-invalid_format-not_phone_number = { $field }：不是有效的电话号码
field-invalid_encoding-file_neither_utf_8 = { $field }：文件既不是 UTF-8 也不是 GB18030（GBK）文本
field-empty-file_empty_needs_header = { $field }：文件为空：需要一行表头和至少一行数据
field-empty-file_has_no_data = { $field }：文件没有数据行
field-invalid_choice-team_must_six_sub = { $field }：应为六个分团代码之一
field-required-course_students_names_grade = { $field }：面向学生的课程要指定学段
field-not_allowed-grade_bands_apply_student = { $field }：学段只用于学生听众
field-required-name_least_mode = { $field }：请至少指定一种授课方式
field-invalid_choice-course_given_online_offline = { $field }：课程为线上或线下授课；一对一辅导是个案
field-out_of_range-duration_minutes_must_between = { $field }：课程时长应在 30 到 240 分钟之间
field-out_of_range-max_audience_must_between = { $field }：最多听众应在 1 到 100000 之间

## Validators and readers
field-required-empty = { $field }：不能为空
field-too_long-max = { $field }：最多 { $max } 个字
field-invalid_format-id = { $field }：不是有效的编号
field-too_many-entries = { $field }：最多 { $max } 项
field-too_long-entry = { $field }：每项最多 { $max } 个字
field-out_of_range-birth_year = { $field }：出生年份应在 1900 到 { $latest } 之间
field-invalid_choice-teams = { $field }：应为以下分团代码：{ $allowed }
field-too_short-password = { $field }：密码至少 { $min } 个字符
field-too_long-password = { $field }：密码最多 { $max } 个字符
field-invalid_characters = { $field }：含有字符 { $char }；不允许控制字符、零宽字符和方向控制字符
field-out_of_range-weekday = { $field }：星期为 1（周一）到 7（周日）
field-duplicate-rule = { $field }：另一条规则在同一天同一时间开始
field-incomplete = { $field }：开始和结束时间都填，或都不填（表示全天）
field-invalid_datetime-plus = { $field }：时区的 + 在网址里变成了空格：请把 + 写成 %2B（例如 2026-03-05T14:00:00%2B08:00）
field-out_of_range-limit = { $field }：应在 1 到 { $max } 之间
problem-invalid_cursor = 这个 cursor 不是这个列表（{ $list }）给出的
field-required-address = { $field }：不能为空；要删除请发送 null
problem-login_taken = 登录名“{ $login }”已被使用
problem-school_name_taken = 已有名为“{ $name }”的学校
problem-forbidden-admin_fields = 只有办公室可以修改 { $fields }
problem-invalid_if_match = If-Match 应写这项内容的版本号，例如 "3"

## 名册导入（CSV）
csv-header_unreadable = 表头无法读取
csv-column_twice = 列“{ $column }”出现了两次
csv-unknown_column = “{ $column }”不是名册的列
csv-column_missing = 缺少列“{ $column }”
csv-row_unreadable = 这一行无法读取
csv-login_twice = 这个登录名在第 { $line } 行也出现了
csv-not_one_of = “{ $value }”不是以下之一：{ $allowed }
csv-not_a_team = “{ $value }”不是分团
csv-not_a_number = “{ $value }”不是整数
csv-not_a_weekday = “{ $value }”不是星期（1-7 或 周一…周日）
csv-login_not_expert = 登录名“{ $login }”属于一个非专家账号
csv-possible_duplicate = “{ $login }”（{ $name }）看起来就是名册上登录名为“{ $twin_login }”的{ $twin }；如确是不同的人，请加 confirm_duplicates=true

## 角色、状态与系统
problem-forbidden-role_admin = 只有办公室（管理员）可以这样做
problem-forbidden-role_staff = 学校账号不能这样做
problem-forbidden-role_expert = 只有被邀约的专家可以答复
problem-forbidden-role_school = 只有学校账号可以这样做
problem-forbidden-role_office_or_school = 只有办公室和学校本身可以这样做
problem-forbidden-availability_change = 专家的可约时间由专家本人和办公室维护
problem-forbidden-availability_read = 专家的可约时间只给专家本人、其团长和办公室查看
problem-outside_availability-blocked = 该专家 { $day } 不方便
problem-outside_availability-windows = { $day } { $start }-{ $end } 不在该专家每周的可约时间内
problem-expert_not_active-course = 课程的专家目前为“{ $status_zh }”，只有在团专家的课程可以通过审核
problem-not_dead = 这条消息目前是 { $status }；只有投递失败的消息可以手动重发
problem-version_mismatch = 这项内容已是第 { $current } 版，不是第 { $expected } 版；请重新读取
problem-status_changed = 这项内容刚被修改过；请重新读取
problem-database_unavailable = 暂时连不上数据库，请稍后重试
problem-database_unavailable-ready = 数据库没有响应
problem-rate_limited = 请求太多，请稍后再试
problem-rate_limited-logins = 登录失败次数太多，请稍后再试
problem-unsupported_media_type-any = 不支持这种内容类型

## 数据库的拒绝
problem-status_changed-history = 这项内容刚被修改过；请重新读取
problem-expert_busy-utc = 该专家在 { $start }Z 至 { $end }Z（UTC，含路途时间）已有安排
problem-expert_busy-now = 该专家这个时间已有安排
problem-hold_out_of_step = 讲座占用专家时间的记录跟随讲座；请修改讲座本身
field-time_not_canonical = { $field }：{ $table } 的时间不是 YYYY-MM-DD HH:MM:SS（UTC）格式

## 应答
answer-password_reset = 如果这个登录名的账号有电子邮箱，设置新密码的链接已经发出

## 派课建议
suggest-expert_not_active = 该专家目前为“{ $status_zh }”
suggest-team_not_served = 该专家不属于也不兼任“{ $team_zh }”分团
suggest-outside_availability = 这个时间不在该专家的可约时间内
suggest-weekly_limit_reached = 那一周已有 { $count } 场，每周最多 { $limit } 场
suggest-monthly_limit_reached = 那个月已有 { $count } 场，每月最多 { $limit } 场
suggest-expert_on_leave = 该专家这一天请假

## Leave (请假)
problem-not_found-leave = 没有这条请假记录
problem-forbidden-leave_for_others = 专家只能为自己请假；替其他专家登记请假请联系办公室
problem-forbidden-leave_decide = 请假由办公室或该专家所在分团的团长审批
problem-forbidden-leave_decide_own = 自己的请假不能自己审批，请由办公室或本分团其他团长审批
problem-forbidden-leave_withdraw = 请假只能由本人或办公室撤回
problem-expert_exited-leave = 该专家已退出专家团，不能请假
problem-leave_overlaps = 这段日子与该专家 { $first } 至 { $last } 的请假（{ $state_zh }）重叠，请修改那一条或先撤回
problem-leave_started = 请假从 { $first } 开始，已经开始的请假不能自行撤回；如需提前销假请联系办公室
problem-expert_on_leave = 该专家 { $first } 至 { $last } 请假，这段时间不能安排
problem-hold_out_of_step-leave = 请假占用专家时间的记录跟随请假；请审批或撤回请假本身
field-required-leave_expert = { $field }：请写明为哪位专家登记请假
field-in_the_past-leave = { $field }：请假从今天或以后开始；已经开始的请假请联系办公室补记
field-in_the_past-leave_record = { $field }：最多补记 { $days } 天内开始的请假
field-too_far_ahead-leave = { $field }：请假最多提前 { $days } 天申请
field-end_before_start-to_after_from = { $field }：截止日期不能早于起始日期

## Attendance (签到 / 签退)
problem-forbidden-lecture_check_in = 签到由讲座的专家本人凭签到码完成，或由办公室说明原因后代为签到
problem-forbidden-lecture_check_out = 签退由讲座的专家本人完成
problem-forbidden-lecture_correct = 只有办公室可以把“未到场”更正为“已授课”
problem-forbidden-check_in_code_expert = 签到码由学校出示给专家，专家账号（包括团长）不能查看
problem-forbidden-check_in_code_school = 只有讲座所在学校（全市网课为已报名参加的学校）可以查看签到码
problem-outside_check_in_window = 签到码在讲座开始前 { $minutes } 分钟至讲座结束之间可用
problem-outside_check_in_window-state = 讲座目前是“{ $state_zh }”，不能签到；只有已确认的讲座可以签到
problem-rate_limited-check_in = 签到码输错次数过多，本场讲座的签到暂时锁定，请稍后再试
field-invalid_code-check_in = { $field }：签到码不正确或已过期，请向学校索取当前的签到码
field-required-check_in_code = { $field }：请填写学校出示的签到码（办公室代签到请填写 reason）
field-not_allowed-code_or_reason = { $field }：签到码和代签到原因只填其一
field-not_allowed-check_in_code_office = { $field }：办公室代为签到不用签到码，请填写原因 reason
field-not_allowed-check_in_reason = { $field }：专家本人签到请填写学校出示的签到码
field-in_the_future = { $field }：这个时间还没有到

## Delivery report (授课记录)
problem-lecture_not_delivered = 讲座目前是“{ $state_zh }”，授课后才能填写授课记录
problem-already_reported = 这场讲座的授课记录（或本校的参加人数）已经提交过
problem-not_city_wide = 只有全市网课由参加的学校各自确认本校人数
problem-forbidden-lecture_report = 授课记录由讲座的专家本人填写
problem-forbidden-lecture_audience = 只有报名参加这场全市网课的学校可以确认本校人数
field-out_of_range-audience = { $field }：人数应在 0 到 1000000 之间

## Observation (听课)
problem-forbidden-observers = 听课人员由办公室或本团团长、副团长安排
problem-not_observable-begun = 讲座已经开始，不能再安排或撤换听课人员
problem-not_observable-state = 讲座目前是“{ $state_zh }”：只有已派给专家、尚未开始的讲座可以安排听课
field-own_lecture = { $field }：专家不能听自己的讲座
problem-already_observer = 这位专家已经被安排听这场讲座
problem-not_found-observer = 这位专家没有被安排听这场讲座
problem-forbidden-observation = 只有被安排听课的专家可以提交这场讲座的听课记录
problem-lecture_not_begun = 讲座目前是“{ $state_zh }”：专家签到开讲后才能提交听课记录
problem-already_observed = 您已经提交过这场讲座的听课记录
problem-forbidden-observations = 听课记录只给办公室、本团团长、副团长、授课专家和听课专家本人查看
field-out_of_range-score = { $field }：评分应为 1 到 5 的整数
problem-hold_out_of_step-observer = 听课占用专家时间的记录跟随讲座和听课安排；请修改听课安排本身

## Evaluation (评课)
problem-forbidden-evaluation = 评课由讲座的学校（全市网课为报名参加的学校）进行
problem-not_evaluable = 讲座目前是“{ $state_zh }”：授课结束后才能评课
problem-not_evaluable-closed = 这场讲座已经结课，评课已截止
problem-already_evaluated = 本校已经评过这场讲座；如需修改，请在 7 天内修改原来的评课
problem-evaluation_locked = 评课提交 { $days } 天后不能再修改
problem-not_found-evaluation = 没有这条评课记录

## Service record (志愿服务记录)
problem-forbidden-service_record = 志愿服务记录只给专家本人和办公室查看
field-out_of_range-service_period = { $field }：一份记录最长 { $days } 天（三年）

## Consultations (热线咨询)
problem-not_found-consultation = 没有这条咨询记录
problem-forbidden-consultation_for_others = 专家只能登记自己接答的咨询；替他人登记请联系办公室
field-required-topics = { $field }：请至少选择一个咨询主题
field-out_of_range-whole_number = { $field }：请填写 { $min } 到 { $max } 之间的整数
field-personal_data = { $field }：内容像是电话号码或身份证号；咨询记录只记数量，请不要填写个人信息

## One-on-one cases (一对一辅导)
problem-forbidden-case_dispatch = 个案由办公室或该分团团长、副团长派单或决定不受理
problem-forbidden-case_expert = 只有被派单或承接该个案的专家可以答复派单、结案
problem-forbidden-case_service = 派单超时只由系统处理
problem-forbidden-case_withdraw_consent = 撤回同意由转介学校、承接专家或办公室登记
