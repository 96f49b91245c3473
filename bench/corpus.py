"""Write N synthetic news articles as JSON lines, for benchmarks only.

usage: python bench/corpus.py N OUT.jsonl [--seed S] [--lang en|ru]

The articles are made from the project's own sentence templates: varied
actors, dates and event kinds, mixed with background sentences that name no
two actors, hypotheticals, quotes, and page boilerplate, in roughly the
proportions of real alliance news. Same N and seed, same corpus. Russian
articles (--lang ru) come from Russian templates written the same way, with
each state in the case its slot needs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

STATES = [
    "Armenia", "Azerbaijan", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan",
    "Uzbekistan", "Georgia", "Ukraine", "France", "Turkey", "China", "the United States",
]  # fmt: skip
CAPITALS = ["Yerevan", "Baku", "Minsk", "Astana", "Bishkek", "Moscow", "Dushanbe", "Tashkent"]
LEADERS = ["Pashinyan", "Aliyev", "Lukashenko", "Tokayev", "Japarov", "Putin", "Rahmon"]
BODIES = ["the CSTO", "NATO", "the alliance", "the bloc"]
EVENTS = [
    "{a} asked {b} for military help on {d}.",
    "{a} refused to send troops to {b} on {d}.",
    "Forces from {a} shelled positions in {b} on {d}.",
    "{a} and {b} signed a peace deal in {m}.",
    "{a} hosted talks with {b} on {d} about border security.",
    "{lead} criticised {b} for its slow response on {d}.",
    "{a} cancelled the exercise it was due to host for {org} in {m}.",
    "{org} deployed peacekeepers to {a} on {d}.",
    "{a} suspended its participation in {org} in {m}.",
    "{lead} met with officials from {b} in {cap} on {d}.",
    "{a} accused {b} of massing troops near the frontier on {d}.",
    "{a} sent humanitarian aid to {b} in {m}.",
]
BACKGROUND = [
    "Prices for bread and fuel rose again this week, traders said.",
    "The region has long depended on remittances from workers abroad.",
    "Analysts have debated the future of the organisation for years.",
    "The ministry published new figures on wheat exports.",
    "Heavy snow closed several mountain passes overnight.",
    "{a} has a population of several million people.",
    "Officials in {cap} declined to comment on the report.",
    "The meeting is expected to focus on trade and transport links.",
    "Observers noted that turnout at the rally was lower than last year.",
    "A new railway line is planned to connect the two capitals by the end of the decade.",
]
HYPOTHETICAL = [
    "If {a} leaves {org}, the bloc could lose its southern flank.",
    "Would {b} come to the aid of {a} if fighting resumed?",
    "{a} might ask {b} for weapons next year, one adviser suggested.",
]
BOILERPLATE = [
    "Sign up for our morning newsletter to get the top stories in your inbox",
    "BRENT +0.84 81.22 WTI -0.12 77.40 GOLD +3.10 1931.5",
    "Photo: AFP via Getty Images",
    "Related: Markets wobble as grain deal talks stall",
    "Read more",
]


def article(rng: random.Random, index: int) -> dict[str, str]:
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))

    def fill(template: str) -> str:
        a, b = rng.sample(STATES, 2)
        when = published - dt.timedelta(days=rng.randrange(1, 40))
        return template.format(
            a=a,
            b=b,
            cap=rng.choice(CAPITALS),
            lead=rng.choice(LEADERS),
            org=rng.choice(BODIES),
            d=f"{when:%B} {when.day}",
            m=f"{when:%B %Y}",
        )

    lines: list[str] = [rng.choice(BOILERPLATE), f"{published:%B %d, %Y}"]
    for _ in range(rng.randint(8, 18)):
        roll = rng.random()
        if roll < 0.2:
            lines.append(fill(rng.choice(EVENTS)))
        elif roll < 0.27:
            lines.append(fill(rng.choice(HYPOTHETICAL)))
        elif roll < 0.32:
            lines.append(rng.choice(BOILERPLATE))
        else:
            lines.append(fill(rng.choice(BACKGROUND)))
    a, b = rng.sample(STATES, 2)
    return {
        "id": f"synthetic-{index:07d}",
        "url": f"https://news.example/{index}",
        "title": f"Tensions between {a} and {b}",
        "published": published.isoformat(),
        "text": "\n\n".join(lines),
    }


# Russian: each state as (nominative, genitive, dative, accusative, instrumental, locative).
RU_STATES = [
    ("Армения", "Армении", "Армении", "Армению", "Арменией", "Армении"),
    ("Азербайджан", "Азербайджана", "Азербайджану", "Азербайджан", "Азербайджаном", "Азербайджане"),
    ("Белоруссия", "Белоруссии", "Белоруссии", "Белоруссию", "Белоруссией", "Белоруссии"),
    ("Казахстан", "Казахстана", "Казахстану", "Казахстан", "Казахстаном", "Казахстане"),
    ("Киргизия", "Киргизии", "Киргизии", "Киргизию", "Киргизией", "Киргизии"),
    ("Россия", "России", "России", "Россию", "Россией", "России"),
    ("Таджикистан", "Таджикистана", "Таджикистану", "Таджикистан", "Таджикистаном", "Таджикистане"),
    ("Узбекистан", "Узбекистана", "Узбекистану", "Узбекистан", "Узбекистаном", "Узбекистане"),
    ("Грузия", "Грузии", "Грузии", "Грузию", "Грузией", "Грузии"),
    ("Турция", "Турции", "Турции", "Турцию", "Турцией", "Турции"),
    ("Китай", "Китая", "Китаю", "Китай", "Китаем", "Китае"),
    ("США", "США", "США", "США", "США", "США"),
]
RU_CAPITALS = ["Ереване", "Баку", "Минске", "Астане", "Бишкеке", "Москве", "Душанбе", "Ташкенте"]
RU_LEADERS = ["Пашинян", "Алиев", "Лукашенко", "Токаев", "Жапаров", "Путин", "Рахмон"]
RU_BODIES = [("ОДКБ", "ОДКБ"), ("НАТО", "НАТО"), ("альянс", "альянса"), ("блок", "блока")]
RU_MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
]  # fmt: skip
RU_MONTHS_IN = [
    "январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
    "октябре", "ноябре", "декабре",
]  # fmt: skip
RU_EVENTS = [
    "Власти {a_gen} {d} обратились к {b_dat} за военной помощью.",
    "Правительство {a_gen} {d} отказалось направить войска в {b_acc}.",
    "Войска {a_gen} {d} обстреляли позиции {b_gen} у границы.",
    "Представители {a_gen} и {b_gen} подписали мирное соглашение {m}.",
    "Министр иностранных дел {a_gen} {d} провёл переговоры с коллегой из {b_gen}.",
    "{lead} {d} раскритиковал руководство {b_gen} за медленную реакцию.",
    "Власти {a_gen} {m} отменили учения {org_gen}, которые должны были пройти у них.",
    "Миротворцы {org_gen} {d} прибыли в {a_acc}.",
    "Власти {a_gen} {m} приостановили участие в работе {org_gen}.",
    "{lead} {d} встретился с делегацией {b_gen} в {cap}.",
    "Власти {a_gen} {d} обвинили {b_acc} в наращивании войск у границы.",
    "Правительство {a_gen} {m} направило гуманитарную помощь в {b_acc}.",
]
RU_BACKGROUND = [
    "Цены на хлеб и топливо на этой неделе снова выросли, сообщили торговцы.",
    "Регион давно зависит от денежных переводов трудовых мигрантов.",
    "Эксперты уже несколько лет спорят о будущем организации.",
    "Министерство опубликовало новые данные об экспорте пшеницы.",
    "Сильный снегопад ночью перекрыл несколько горных перевалов.",
    "Население {a_gen} составляет несколько миллионов человек.",
    "В {cap} отказались комментировать сообщения прессы.",
    "Ожидается, что встреча будет посвящена торговле и транспорту.",
    "Наблюдатели отметили, что участников митинга было меньше, чем год назад.",
    "Новую железную дорогу между столицами планируют построить до конца десятилетия.",
]
RU_HYPOTHETICAL = [
    "Если {a_nom} выйдет из {org_gen}, блок может лишиться южного фланга.",
    "Придёт ли {b_nom} на помощь {a_dat}, если бои возобновятся?",
    "В будущем году {a_nom} может попросить у {b_gen} оружие, предположил один из советников.",
]
RU_BOILERPLATE = [
    "Подписывайтесь на наш канал, чтобы первыми узнавать главные новости",
    "BRENT +0.84 81.22 WTI -0.12 77.40 GOLD +3.10 1931.5",
    "Фото: пресс-служба правительства",
    "Читайте также: рынки колеблются на фоне переговоров о зерне",
    "Поделиться",
]


def article_ru(rng: random.Random, index: int) -> dict[str, str]:
    """One Russian article from the Russian templates, in the English one's proportions."""
    published = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))

    def fill(template: str) -> str:
        a, b = rng.sample(RU_STATES, 2)
        when = published - dt.timedelta(days=rng.randrange(1, 40))
        body = rng.choice(RU_BODIES)
        return template.format(
            a_nom=a[0], a_gen=a[1], a_dat=a[2], a_acc=a[3],
            b_nom=b[0], b_gen=b[1], b_dat=b[2], b_acc=b[3],
            cap=rng.choice(RU_CAPITALS),
            lead=rng.choice(RU_LEADERS),
            org_gen=body[1],
            d=f"{when.day} {RU_MONTHS[when.month - 1]}",
            m=f"в {RU_MONTHS_IN[when.month - 1]} {when.year} года",
        )  # fmt: skip

    dateline = f"{published.day} {RU_MONTHS[published.month - 1]} {published.year} г."
    lines: list[str] = [rng.choice(RU_BOILERPLATE), dateline]
    for _ in range(rng.randint(8, 18)):
        roll = rng.random()
        if roll < 0.2:
            lines.append(fill(rng.choice(RU_EVENTS)))
        elif roll < 0.27:
            lines.append(fill(rng.choice(RU_HYPOTHETICAL)))
        elif roll < 0.32:
            lines.append(rng.choice(RU_BOILERPLATE))
        else:
            lines.append(fill(rng.choice(RU_BACKGROUND)))
    a, b = rng.sample(RU_STATES, 2)
    return {
        "id": f"synthetic-ru-{index:07d}",
        "url": f"https://news.example/ru/{index}",
        "title": f"Напряжённость в отношениях {a[1]} и {b[1]}",
        "published": published.isoformat(),
        "text": "\n\n".join(lines),
    }


def generate(n: int, seed: int = 7, lang: str = "en") -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    make = article_ru if lang == "ru" else article
    for index in range(n):
        yield make(rng, index)


def write(n: int, out: Path, seed: int = 7, lang: str = "en") -> Path:
    """Write the corpus line by line: memory stays flat whatever N is."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for record in generate(n, seed, lang):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lang", choices=("en", "ru"), default="en")
    args = parser.parse_args(argv)
    write(args.n, args.out, args.seed, args.lang)
    print(f"wrote {args.n} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
