"""Generate a realistic work plan of a given size, for benchmarks and scale tests.

    python bench/gen_plan.py 1000000 > plan.txt

The plan has a forwarding notice, a preamble, sections 一、… with items （一）… restarting
per section, a third level of 1. 2. items in some groups, unnumbered paragraphs, decimals
and dates in the text, responsibility tags, a closing signature and an attachment with a
flattened task table — the features the parser has to read, at any size.  Deterministic
for a given size and seed.
"""

from __future__ import annotations

import random
import sys

PLACES = ["长春", "吉林", "延边", "珲春", "图们", "敦化", "龙井", "和龙", "四平", "通化", "白山", "松原"]
OBJECTS = [
    "综合保税区",
    "国际物流园",
    "跨境经济合作区",
    "高速公路",
    "快速铁路",
    "跨境桥",
    "口岸联检楼",
    "陆海联运航线",
    "特色产业园区",
    "旅游度假区",
    "空港经济区",
    "电子口岸平台",
]
VERBS = ["加快推进", "积极谋划", "继续完善", "着力打造", "统筹推进", "深化拓展", "大力发展", "研究制定"]
GOALS = [
    "提升区域承载能力",
    "优化营商环境",
    "扩大对外开放合作",
    "促进产业联动发展",
    "提高通关效率",
    "增强辐射带动能力",
    "推动体制机制创新",
]
UNITS = [
    "省发展改革委",
    "省商务厅",
    "省交通运输厅",
    "省财政厅",
    "长春海关",
    "省自然资源厅",
    "延边州政府",
    "省文化和旅游厅",
]
NUMBERS = ["11.5公里", "1.5万亩", "2014.6前", "25个事项", "100亿元", "千万吨", "30%以上", "3个工作日"]


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if not rest:
        return head
    return head + ("零" + digits[rest] if rest < 10 else _cn(rest) if rest >= 20 else "一" + _cn(rest))


def _sentence(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    return (
        f"{rng.choice(VERBS)}{place}{rng.choice(OBJECTS)}建设，"
        f"{rng.choice(GOALS)}，年内完成{rng.choice(NUMBERS)}的目标任务。"
    )


def _tag(rng: random.Random) -> str:
    lead, *coop = rng.sample(UNITS, rng.randint(1, 3))
    if not coop:
        return f"（{lead}负责）"
    return f"（牵头单位：{lead}，配合单位：{'、'.join(coop)}）"


def generate_plan(size: int, seed: int = 2014) -> str:
    """A plan of about ``size`` bytes of UTF-8."""
    rng = random.Random(seed)
    lines = [
        "各市(州)人民政府,省直各有关部门、单位:",
        "经省政府同意,现将《吉林省开发开放重点工作安排》转发给你们,请认真贯彻执行。",
        "吉林省人民政府办公厅",
        "2014年4月25日",
        "为推动开发开放重点工作落实，现将有关工作安排如下。" + _sentence(rng) * 2,
    ]
    total = sum(len(line.encode()) + 1 for line in lines)
    section = 0
    closing = ["吉林省人民政府办公厅", "2014年4月25日"]
    table_budget = max(200, size // 20)
    while total < size - table_budget:
        section += 1
        heading = f"{_cn(section)}、{rng.choice(VERBS)}{rng.choice(GOALS)}"
        lines.append(heading)
        total += len(heading.encode()) + 1
        for item in range(1, rng.randint(3, 9) + 1):
            title = f"（{_cn(item)}）{rng.choice(VERBS)}{rng.choice(PLACES)}{rng.choice(OBJECTS)}建设。"
            body = "".join(_sentence(rng) for _ in range(rng.randint(1, 4))) + _tag(rng)
            block = [title + body]
            if rng.random() < 0.2:
                block += [f"{k}.{_sentence(rng)}" for k in range(1, rng.randint(2, 4))]
            if rng.random() < 0.15:
                block.append(_sentence(rng))  # an unnumbered paragraph
            lines += block
            total += sum(len(line.encode()) + 1 for line in block)
            if total >= size - table_budget:
                break
    lines += closing
    lines += ["附件1", "重点任务分工表", "序号", "举措", "主要内容", "部门", "范围"]
    row = 0
    total = sum(len(line.encode()) + 1 for line in lines)
    while total < size:
        row += 1
        cells = [
            str(row),
            f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}",
            _sentence(rng),
            "、".join(rng.sample(UNITS, 2)),
            "全省",
        ]
        lines += cells
        total += sum(len(c.encode()) + 1 for c in cells)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(generate_plan(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
