"""The API documentation grouped by area, in Chinese."""

# The first path segment after /api/v1 names the group (drf-spectacular's SCHEMA_PATH_PREFIX);
# these are the names the API docs show, in this order.
GROUPS = {
    "checks": ("信用核查", "行政事项办理中核查主体信用、验证回执、反馈措施采取情况"),
    "subjects": ("主体名录", "机构与从业人员、执业关系"),
    "records": ("信用记录", "按日期查询主体的信用记录及其公示状态、记录的各版本"),
    "grades": ("信用评价", "信用等级及其分布"),
    "lists": ("信用名单", "名单类型与措施、公示的名单及其增量同步"),
    "watches": ("信用关注", "持续关注主体信用并按序读取变动提醒"),
    "repairs": ("信用修复", "修复资格、申请与材料"),
    "objections": ("异议", "异议申请与材料"),
    "commitments": ("信用承诺", "承诺及其履行"),
    "complaints": ("投诉转入", "受理平台（如12348法网）转入投诉并查询办理进度"),
    "ratings": ("满意度评价", "业务系统（如12348平台、公证业务系统）转入服务对象的满意度评价（好差评）"),
    "reports": ("信用报告", "信用报告真伪验证及报告内容（无需登录，凭报告编号和验证码）"),
    "public": ("公开信息", "无需登录的公示信息"),
}


def chinese_tags(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: each operation's tag becomes its group's Chinese name."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "tags" in operation:
                operation["tags"] = [GROUPS[t][0] if t in GROUPS else t for t in operation["tags"]]
    result["tags"] = [{"name": name, "description": text} for name, text in GROUPS.values()]
    return result


ERROR_SCHEMA = {
    "type": "object",
    "description": "拒绝的原因（中文）。detail 为整体原因；其余每个键是出错的字段，值为该字段的消息列表，"
                   "每条消息以字段名开头（如 “purpose（查询用途）：必须填写”，列表中的对象按下标嵌套）。",
    "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
    "additionalProperties": True,
}
_ERROR_REF = {"$ref": "#/components/schemas/ApiError"}
_ERRORS = {
    "400": "请求有误：参数或字段缺失、格式或取值不合规则（逐字段说明）",
    "401": "未登录，或接口令牌无效、已过期、已吊销（说明原因）",
    "403": "无权访问：令牌的授权范围或登记用途不含此接口，或主体不在本单位的查看范围内",
    "404": "所请求的记录不存在，或不在您的查看范围内",
    "415": "请求体的媒体类型不受支持（应为 application/json，上传材料为 multipart/form-data）",
    "429": "调用过于频繁：超过每分钟调用上限（Retry-After 给出等待秒数）",
}


def _errors_of(operation: dict) -> list[str]:
    params = operation.get("parameters", [])
    codes = ["429"]
    if operation.get("requestBody") or any(p["in"] == "query" for p in params):
        codes.append("400")
    if operation.get("security") not in (None, [{}]):
        codes += ["401", "403"]
    if any(p["in"] == "path" for p in params):
        codes.append("404")
    if operation.get("requestBody"):
        codes.append("415")
    return codes


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: every operation lists the refusals it can give, with the one
    error body they share, so a department's system can be written against them. A response a
    view declares itself (a verification's 404 and 409, with their own body) is left as it is."""
    result.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = ERROR_SCHEMA
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _errors_of(operation):
                operation["responses"].setdefault(code, {
                    "description": _ERRORS[code], "content": {"application/json": {"schema": _ERROR_REF}}})
    return result
