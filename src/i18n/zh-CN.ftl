# 简体中文（默认）。每条消息以它解释的代码为键；en.ftl 有同样的键。
# 参数：$field 字段名；$allowed 可选的值；$expected 应有的类型。

## 请求体的字段（422 的 errors[].message）
field-required = { $field }：此项必填
field-unknown_field = { $field }：没有这个字段，请删去
field-invalid_type = { $field }：应为{ $expected }
field-invalid_choice = { $field }：应为以下之一：{ $allowed }
field-invalid_datetime = { $field }：应为带时区的时间，例如 2026-03-05T14:00:00+08:00
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
problem-illegal_transition = 这个{ $object_zh }目前是 { $from }，不能 { $action }；此状态下可以：{ $allowed }
problem-illegal_transition-final = 这个{ $object_zh }目前是 { $from }，已不能再变动

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
