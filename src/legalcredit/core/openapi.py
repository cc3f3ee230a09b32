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
