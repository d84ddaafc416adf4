"""Audit actions as a page names them: ``project.propose`` → 项目 · 申报 (English from the catalogue).

An action is ``<entity>.<verb>``; each part has a Chinese label (msgctxt "audit"). An action with a
part not listed here still shows words, never its key: the entity's, or 操作 ("action") for the verb.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

ENTITIES: dict[str, Any] = {
    "account": pgettext_lazy("audit", "账号"),
    "agreement": pgettext_lazy("audit", "协议"),
    "api_token": pgettext_lazy("audit", "接口令牌"),
    "area": pgettext_lazy("audit", "行政区划"),
    "assessment": pgettext_lazy("audit", "考核"),
    "benefit": pgettext_lazy("audit", "受益记录"),
    "enterprise": pgettext_lazy("audit", "企业"),
    "enterprise_report": pgettext_lazy("audit", "企业报告"),
    "event_participation": pgettext_lazy("audit", "参展记录"),
    "household": pgettext_lazy("audit", "贫困户"),
    "iati": pgettext_lazy("audit", "IATI 发布"),
    "indicator": pgettext_lazy("audit", "指标"),
    "intake": pgettext_lazy("audit", "数据导入"),
    "job_placement": pgettext_lazy("audit", "就业安置"),
    "ledger": pgettext_lazy("audit", "资金台账"),
    "market_event": pgettext_lazy("audit", "产销活动"),
    "membership": pgettext_lazy("audit", "角色授权"),
    "operation": pgettext_lazy("audit", "企业经营"),
    "organisation": pgettext_lazy("audit", "单位"),
    "pairing": pgettext_lazy("audit", "结对关系"),
    "period": pgettext_lazy("audit", "期间"),
    "person": pgettext_lazy("audit", "人员"),
    "program": pgettext_lazy("audit", "协作项目"),
    "project": pgettext_lazy("audit", "项目"),
    "purchase": pgettext_lazy("audit", "采购"),
    "report": pgettext_lazy("audit", "年度报告"),
    "reported_value": pgettext_lazy("audit", "上报指标值"),
    "secondment": pgettext_lazy("audit", "挂职"),
    "security": pgettext_lazy("audit", "账号安全"),
    "student_aid": pgettext_lazy("audit", "助学"),
    "synth": pgettext_lazy("audit", "合成数据"),
    "target": pgettext_lazy("audit", "目标"),
    "training": pgettext_lazy("audit", "培训"),
    "village_advancement": pgettext_lazy("audit", "整村推进"),
    "village_component": pgettext_lazy("audit", "整村推进分项"),
}

VERBS: dict[str, Any] = {
    "accepted": pgettext_lazy("audit", "验收"),
    "allocation": pgettext_lazy("audit", "安排"),
    "approved": pgettext_lazy("audit", "批准"),
    "attachment_add": pgettext_lazy("audit", "上传佐证材料"),
    "cancelled": pgettext_lazy("audit", "取消"),
    "certify": pgettext_lazy("audit", "核定"),
    "commitment": pgettext_lazy("audit", "承诺"),
    "completed": pgettext_lazy("audit", "完工"),
    "confirm": pgettext_lazy("audit", "确认"),
    "confirm_figures": pgettext_lazy("audit", "确认数据"),
    "create": pgettext_lazy("audit", "新建"),
    "cross_check": pgettext_lazy("audit", "交叉核查"),
    "deactivate": pgettext_lazy("audit", "停用"),
    "disbursement": pgettext_lazy("audit", "拨付"),
    "draft": pgettext_lazy("audit", "起草"),
    "duplicate_refused": pgettext_lazy("audit", "重复登记被拒"),
    "end": pgettext_lazy("audit", "终止"),
    "enter": pgettext_lazy("audit", "录入"),
    "evidence_attach": pgettext_lazy("audit", "上传佐证材料"),
    "expenditure": pgettext_lazy("audit", "支出"),
    "export_identity": pgettext_lazy("audit", "导出身份证号码"),
    "export_reveal": pgettext_lazy("audit", "导出完整身份证号码"),
    "finalise": pgettext_lazy("audit", "定稿"),
    "generate": pgettext_lazy("audit", "生成"),
    "grant": pgettext_lazy("audit", "发放"),
    "identity_rekey": pgettext_lazy("audit", "更换身份证号码密钥"),
    "import": pgettext_lazy("audit", "导入文件"),
    "import_bulk": pgettext_lazy("audit", "批量导入"),
    "in_kind_donation": pgettext_lazy("audit", "物资捐赠"),
    "invite": pgettext_lazy("audit", "邀请"),
    "load": pgettext_lazy("audit", "载入"),
    "lock": pgettext_lazy("audit", "锁定"),
    "open": pgettext_lazy("audit", "开启"),
    "output_set": pgettext_lazy("audit", "设定产出"),
    "participants_add": pgettext_lazy("audit", "添加学员"),
    "propose": pgettext_lazy("audit", "申报"),
    "propose_bulk": pgettext_lazy("audit", "批量申报"),
    "publisher_set": pgettext_lazy("audit", "设定发布机构"),
    "record": pgettext_lazy("audit", "记录"),
    "record_bulk": pgettext_lazy("audit", "批量记录"),
    "refund": pgettext_lazy("audit", "退回"),
    "register": pgettext_lazy("audit", "登记"),
    "register_bulk": pgettext_lazy("audit", "批量登记"),
    "return": pgettext_lazy("audit", "退回修改"),
    "reveal_identity": pgettext_lazy("audit", "查看完整身份证号码"),
    "reversal": pgettext_lazy("audit", "冲销"),
    "revoke": pgettext_lazy("audit", "撤销"),
    "self_assess": pgettext_lazy("audit", "自评"),
    "sessions_end": pgettext_lazy("audit", "结束会话"),
    "set": pgettext_lazy("audit", "设定"),
    "sign": pgettext_lazy("audit", "签署"),
    "start": pgettext_lazy("audit", "启动"),
    "status_set": pgettext_lazy("audit", "设定状态"),
    "submit": pgettext_lazy("audit", "提交"),
    "supersede": pgettext_lazy("audit", "被替代"),
    "under_construction": pgettext_lazy("audit", "开工"),
    "unlock": pgettext_lazy("audit", "解锁"),
    "update": pgettext_lazy("audit", "修改"),
    "user_deactivate": pgettext_lazy("audit", "停用账号"),
}


def action_label(action: str) -> str:
    """An audit action in the page's language: entity · verb."""
    entity, _dot, verb = action.partition(".")
    entity_label = ENTITIES.get(entity)
    verb_label = VERBS.get(verb)
    return _("%(entity)s · %(verb)s") % {
        "entity": entity_label if entity_label is not None else _("记录"),
        "verb": verb_label if verb_label is not None else _("操作"),
    }
