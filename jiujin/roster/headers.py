"""The header text of each mapped column, as written in the file, for error messages ("第17行 身份证号码：…")."""

from __future__ import annotations

from jiujin.lib.roster import RosterTable

# Fallback labels when the file's own text is unavailable.
FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号",
    "birth_date": "出生年月",
    "ethnicity": "民族",
    "party": "政治面貌",
    "party_branch": "所在党支部",
    "category": "类别",
    "rank": "职级",
    "work_unit": "原工作单位",
    "work_unit_contact": "原单位联系人",
    "work_unit_phone": "原单位电话",
    "retirement_date": "离退休时间",
    "address": "家庭住址",
    "phone": "联系电话",
    "landline": "座机",
    "living_arrangement": "居住状况",
    "health_status": "健康状况",
    "chronic_conditions": "慢性病",
    "preferred_hospital": "就诊医院",
    "hobbies": "爱好特长",
    "habits": "生活习惯",
    "family_name": "紧急联系人",
    "family_relation": "与本人关系",
    "family_phone": "紧急联系电话",
    "family_lives_with": "是否同住",
    "community": "社区",
}


def column_labels(table: RosterTable) -> dict[str, str]:
    """Canonical field -> header text in the file (falling back to FIELD_LABELS)."""
    labels = dict(FIELD_LABELS)
    for col, field in table.columns.items():
        if table.labels.get(col):
            labels[field] = table.labels[col]
    return labels
