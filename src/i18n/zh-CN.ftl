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
