"""Demo recruitment content: training modules drawn from ../shared/seeds, an open round, a draft round, and
applicants at several stages of the pipeline. Built only through the recruitment services, on a clock that starts
two hours ago and moves forward, so reading times and typing speeds are honoured as they would be live.

`gigplatform.demo` runs this inside one unit of work, which commits what it made once, at the end. The demo's
identity provider is the local one (no network), so its answer is recorded in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.cn import ric

from gigplatform.clock import FakeClock, SystemClock
from gigplatform.security import Principal, SecurityKit
from recruitment import service as recruitment
from recruitment.identity import LocalIdentityProvider

ROUND_TITLE = "2026 春季云客服招募（第一期）"
DRAFT_TITLE = "2026 暑期学生专场（筹备中）"

MODULES = (
    (
        "平台规则与服务红线",
        60,
        """# 平台规则与服务红线

云客服代表店铺与买家沟通，每一句话都受平台规则约束。

## 交易规则
- 熟悉淘宝的交易流程、**退款/退货规则**和**运费险规则**。
- 七天无理由退换货：商品完好、不影响二次销售时，买家可申请退换。

## 敏感词与违规词
平台禁止引导买家离开平台交易。以下内容不得出现在回复中：

| 类型 | 示例 |
|---|---|
| 站外联系方式 | 微信、QQ、手机号 |
| 站外支付 | 支付宝转账、银行卡号 |
| 外部链接 | 任何非平台网址 |

> 触发敏感词会被系统拦截，多次违规将影响账号状态。

## 工具操作
熟练使用千牛工作台：接待咨询、查询订单、处理售后。
""",
    ),
    (
        "客服沟通技巧与话术",
        90,
        """# 客服沟通技巧与话术

## 响应时效
- 首次响应建议在 **30 秒**以内，避免顾客流失。
- 统一、亲切的开场白：“欢迎光临，我是客服小云，请问有什么可以帮您？”

## 常见场景
1. **催单**：对下单未支付的顾客，礼貌提醒优惠截止时间。
2. **议价**：传递产品价值，而不是直接降价。
3. **主动营销**：根据顾客需求关联推荐其他商品。

## 服务意识
- 同理心：站在顾客角度思考问题。
- 耐心与细心：仔细核对订单信息，避免发错货。
""",
    ),
    (
        "售后与纠纷处理流程",
        60,
        """# 售后与纠纷处理流程

## 受理退换货
1. 核对订单与商品问题，请买家提供照片。
2. 按店铺授权为买家登记售后，说明运费承担方。
3. 在 24 小时内跟进处理结果。

## 中差评与投诉
- 先安抚情绪，再了解事实，最后给出方案。
- 超出授权范围的问题，转交店铺或升级处理，并告知买家预计答复时间。
""",
    ),
)

# (name, birth date, region, student, tracks, stage): stage is how far the demo walks each applicant.
APPLICANTS = (
    ("李娜", date(1999, 3, 12), "110105", True, ["pre_sales", "after_sales"], "exam"),
    ("王芳", date(2002, 7, 1), "310104", True, ["pre_sales"], "typing"),
    ("张伟", date(1996, 11, 23), "440106", False, ["after_sales", "complaints"], "training"),
    ("陈静", date(2000, 5, 5), "330106", False, ["complaints"], "rejected"),
    ("刘洋", date(2003, 1, 30), "510107", True, ["pre_sales"], "withdrawn"),
)


def resident_id_for(birth: date, region: str, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


async def load(session: AsyncSession, kit: SecurityKit, admin: Principal, workers: list[Principal]) -> bool:
    """Creates the demo round and its applicants once; returns False when they are already there."""
    existing = await recruitment.list_rounds(session)
    if any(r.title == ROUND_TITLE for r in existing):
        return False
    clock = FakeClock(SystemClock().now() - timedelta(hours=2))
    modules = [
        await recruitment.create_module(session, clock, recruitment.ModuleInput(title, body, seconds))
        for title, seconds, body in MODULES
    ]
    now = clock.now()
    round_ = await recruitment.create_round(
        session,
        clock,
        admin,
        recruitment.RoundInput(
            title=ROUND_TITLE,
            description="面向全国招募兼职云客服，在家即可上岗。通过打字测试、岗前培训和在线考试后，按小时自由抢班。",
            tracks=["pre_sales", "after_sales", "complaints"],
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=30),
            quota=50,
            min_typing_cpm=40,
            min_typing_accuracy=90,
            student_preferred=True,
            training_module_ids=[m.id for m in modules],
        ),
    )
    await recruitment.open_round(session, clock, round_.id)
    await recruitment.create_round(
        session,
        clock,
        admin,
        recruitment.RoundInput(
            title=DRAFT_TITLE,
            tracks=["pre_sales"],
            opens_at=now + timedelta(days=40),
            closes_at=now + timedelta(days=70),
            quota=100,
            student_preferred=True,
        ),
    )
    for n, (worker, applicant) in enumerate(zip(workers, APPLICANTS, strict=True)):
        await apply(
            session, kit, clock, admin, worker, round_.id, modules, applicant, 101 + 2 * n, f"1390000000{n + 1}"
        )
    return True


Applicant = tuple[str, date, str, bool, list[str], str]


async def apply(
    session: AsyncSession,
    kit: SecurityKit,
    clock: FakeClock,
    admin: Principal,
    worker: Principal,
    round_id: uuid.UUID,
    modules: list[recruitment.TrainingModule],
    applicant: Applicant,
    sequence: int,
    phone: str,
) -> recruitment.Application:
    """One applicant taken through the pipeline up to `stage` (the applicant's last item), the way a person would:
    the application, the identity check, the typing test and the training; "exam" leaves it at the exam."""
    name, birth, region, student, tracks, stage = applicant
    clock.advance(minutes=5)
    check = await recruitment.submit_application(
        session,
        clock,
        kit.cipher,
        worker,
        round_id,
        recruitment.ApplicationInput(name, resident_id_for(birth, region, sequence), phone, student, tracks, True),
    )
    answer = await recruitment.ask_identity_provider(LocalIdentityProvider(), check)
    application = await recruitment.record_identity_answer(
        session, clock, kit.settings.identity_recheck_minutes, answer
    )
    if stage == "rejected":
        await recruitment.reject_application(
            session, clock, admin, application.id, "所填手机号无法接通，请核实后在下一期报名。"
        )
    elif stage == "withdrawn":
        await recruitment.withdraw_application(session, clock, worker, application.id, "时间安排冲突")
    elif stage in ("training", "exam"):
        test = (await recruitment.start_typing_test(session, clock, worker, application.id)).test
        clock.advance(seconds=75)
        await recruitment.submit_typing_test(session, clock, worker, test.id, test.passage)
        if stage == "exam":
            for module in modules:
                await recruitment.open_module(session, clock, worker, module.id)
                clock.advance(seconds=module.min_reading_seconds + 30)
                await recruitment.complete_module(session, clock, worker, module.id)
    return application
