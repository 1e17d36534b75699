"""Regenerate the extraction fixtures (HTML page + truth JSON) from the definitions below.

Run: /work/venv/bin/python tests/data/extraction/build.py
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _chrome import (
    cookie_banner,
    esc,
    footer,
    nav,
    newsletter,
    page,
    paras,
    related,
    share_bar,
)

HERE = Path(__file__).parent
Fixture = tuple[str, dict[str, object], str]
BUILDERS: list[Callable[[], Fixture]] = []


def fixture(fn: Callable[[], Fixture]) -> Callable[[], Fixture]:
    BUILDERS.append(fn)
    return fn


def truth(
    title: str | None, body: list[str], published: str | None, language: str, **extra: object
) -> dict[str, object]:
    return {
        "title": title,
        "text": "\n\n".join(body),
        "published": published,
        "language": language,
        **extra,
    }


SECTIONS = ["Politics", "Region", "Economy", "World", "Culture", "Opinion", "Video"]


@fixture
def wire_service() -> Fixture:
    title = "Belgian lower house condemns Baku over Karabakh offensive"
    body = [
        "BRUSSELS, July 18 (Caucasus Wire) - Belgium's Chamber of Representatives voted without "
        "a single objection on Thursday for a resolution that condemns Azerbaijan's 2023 military "
        "assault on the Armenian population of Nagorno-Karabakh, parliamentary records showed.",
        "The text says a durable settlement between Armenia and Azerbaijan depends on both "
        "countries recognising each other's borders, and it criticises official Azerbaijani "
        "statements built around the idea of a so-called Western Azerbaijan.",
        "Deputies also raised the detention in Baku of former Karabakh officials, describing "
        "their trials as lacking transparency, and asked for every Armenian prisoner held by "
        "Azerbaijan to be freed.",
        "The resolution asks Baku to let a UNESCO team inspect churches, cemeteries and other "
        "Armenian monuments in the region, and it encourages the Belgian government to back "
        "international inquiries into alleged war crimes.",
        "Azerbaijan's foreign ministry did not immediately respond to a request for comment. "
        "Baku has rejected similar votes in other European parliaments as biased.",
        "(Reporting by Caucasus Wire staff; Editing by the Brussels desk)",
    ]
    head = (
        f"<title>{esc(title)} | Caucasus Wire</title>"
        f'<meta property="og:title" content="{esc(title)}">'
        '<meta property="og:site_name" content="Caucasus Wire">'
        '<meta property="article:published_time" content="2025-07-18T09:41:00+04:00">'
        '<meta name="author" content="Caucasus Wire staff">'
        '<link rel="canonical" href="https://wire.example/world/belgium-karabakh-resolution">'
    )
    main = (
        f'<article class="story"><h1>{esc(title)}</h1>'
        '<div class="byline">By Caucasus Wire staff <time datetime="2025-07-18T09:41:00+04:00">'
        "July 18, 2025 9:41 AM GMT+4</time></div>"
        f'{share_bar()}<div class="story-body">{paras(body)}</div>'
        '<div class="trust">Our Standards: The Trust Principles.</div></article>'
    )
    rail = related(
        "Most read",
        [
            "Oil prices steady as traders weigh supply risks",
            "Georgia opposition calls new protest",
            "EU ministers meet on enlargement in Luxembourg",
        ],
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Caucasus Wire", SECTIONS)
        + cookie_banner()
        + f"<main>{main}{rail}</main>"
        + footer("Caucasus Wire"),
    )
    return html, truth(title, body, "2025-07-18T05:41:00+00:00", "en"), "utf-8"


@fixture
def longread_pullquotes() -> Fixture:
    title = "Three years after the 44-day war, a region still redrawing its map"
    body = [
        "On a cold November morning the squares of Baku fill with flags, as they have every year "
        "since the autumn of 2020. The anniversary of the second war over Karabakh has become a "
        "state holiday, and the official story told on this day is one of victory and return.",
        "Across the border the same dates are remembered very differently. For many Armenians "
        "the forty-four days of fighting between late September and November 10 mark the start "
        "of a slow loss that ended with the flight of almost the entire Armenian population of "
        "Karabakh in September 2023.",
        "The ceasefire that Moscow brokered",
        "The trilateral statement signed by the leaders of Armenia, Azerbaijan and Russia was "
        "more than a ceasefire. Its ninth article promised to reopen the transport and "
        "communication links that had been closed since the early 1990s, a promise that has "
        "shaped the diplomacy of the whole South Caucasus ever since.",
        "Railway planners in Baku and Ankara talk about a corridor that would tie Azerbaijan to "
        "its Nakhchivan exclave and onward to Turkey. Officials in Yerevan insist that any route "
        "across Armenian territory must remain under Armenian sovereignty and customs control.",
        "Talks without a treaty",
        "Peace negotiations have moved in fits and starts. Foreign ministers have met in "
        "Washington, Brussels and Almaty, and drafts of a treaty have travelled back and forth "
        "between the two capitals dozens of times without a final signature.",
        "Analysts in both countries describe the same obstacle from opposite sides: each "
        "government wants guarantees before it makes the last concessions, and neither trusts "
        "the mediators enough to accept promises in place of signed commitments.",
        "What has changed is the balance of power. Azerbaijan now controls all of the territory "
        "it claimed, its economy is buoyed by gas exports to Europe, and Armenia's traditional "
        "security partnership with Russia has frayed badly since 2022.",
        "Whether that balance produces a lasting peace or merely a quiet one is the question "
        "that diplomats, refugees and soldiers on both sides of the line keep asking.",
    ]
    quote = body[3].split(".")[0] + "."
    parts = []
    for i, para in enumerate(body):
        if para in ("The ceasefire that Moscow brokered", "Talks without a treaty"):
            parts.append(f"<h2>{esc(para)}</h2>")
        else:
            parts.append(f"<p>{esc(para)}</p>")
        if i == 1:
            parts.append(
                '<figure class="wide"><img src="/img/baku-parade.jpg" alt="">'
                "<figcaption>A military parade in Baku in December 2020. "
                "Photo: Agency archive</figcaption></figure>"
            )
        if i == 4:
            parts.append(f'<aside class="pullquote"><blockquote>{esc(quote)}</blockquote></aside>')
        if i == 7:
            parts.append('<div class="ad-slot">Advertisement</div>')
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2023-11-08T06:00:00Z",
        "dateModified": "2023-11-09T10:15:00Z",
        "author": [{"@type": "Person", "name": "Lena Marsh"}],
        "publisher": {"@type": "Organization", "name": "The Long Read Review"},
    }
    head = (
        f"<title>{esc(title)} &mdash; The Long Read Review</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<meta property="og:title" content="{esc(title)}">'
    )
    main = (
        f'<article><header><p class="kicker">Analysis</p><h1>{esc(title)}</h1>'
        '<p class="standfirst">How the 2020 war reshaped the South Caucasus.</p>'
        '<p class="byline">By Lena Marsh</p></header>'
        f'<div class="article-body">{"".join(parts)}</div>'
        '<div class="author-bio">Lena Marsh covers the Caucasus and Central Asia.</div>'
        "</article>"
    )
    html = page(
        lang="en-GB",
        head=head,
        body=nav("The Long Read Review", SECTIONS)
        + main
        + newsletter()
        + footer("The Long Read Review"),
    )
    return html, truth(title, body, "2023-11-08T06:00:00+00:00", "en"), "utf-8"


@fixture
def liveblog() -> Fixture:
    title = "Live: foreign ministers resume border talks"
    entries = [
        (
            "16:40",
            "Talks end for the day",
            "The two delegations left the venue after almost seven hours. A joint statement is "
            "expected tomorrow morning, according to officials on both sides.",
        ),
        (
            "14:05",
            "Border commissions to meet next month",
            "A diplomatic source says the commissions working on the delimitation of the border "
            "have agreed to hold their next session in early April.",
        ),
        (
            "12:30",
            "Yerevan stresses treaty text is nearly final",
            "Speaking to reporters during a break, an Armenian spokesperson said only two articles "
            "of the draft peace treaty remain open and that the rest has been agreed.",
        ),
        (
            "10:15",
            "Ministers arrive",
            "The foreign ministers of Armenia and Azerbaijan arrived separately and shook hands "
            "briefly in front of the cameras before the closed session started.",
        ),
    ]
    body: list[str] = []
    blocks = []
    for stamp, head_, text in entries:
        body.extend([head_, text])
        blocks.append(
            f'<div class="entry"><time datetime="2026-03-05T{stamp}:00Z">{stamp}</time>'
            f"<h2>{esc(head_)}</h2><p>{esc(text)}</p>{share_bar()}</div>"
        )
    ld = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": title,
        "datePublished": "2026-03-05T09:55:00Z",
        "coverageStartTime": "2026-03-05T09:55:00Z",
    }
    head = (
        f"<title>{esc(title)} - Regional Live</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    main = (
        f'<main><h1>{esc(title)}</h1><p class="updated">Updated 16:40</p>'
        f'<div class="live-feed">{"".join(blocks)}</div>'
        '<button class="more">Load more updates</button></main>'
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Regional Live", SECTIONS)
        + main
        + related("Key events", [e[1] for e in entries], cls="key-events")
        + footer("Regional Live"),
    )
    return html, truth(title, body, "2026-03-05T09:55:00+00:00", "en"), "utf-8"


@fixture
def comment_section() -> Fixture:
    title = "Belgium gives $250,000 for demining in Azerbaijan"
    body = [
        "Belgium has contributed 250,000 US dollars to humanitarian mine clearance in "
        "Azerbaijan, the Azerbaijani foreign ministry announced after talks with Belgian "
        "officials.",
        "Gaya Mammadov, who heads a department at the ministry, called landmines the main "
        "barrier for displaced families who want to return to their former homes, and "
        "described the grant as a gesture of solidarity.",
        "A delegation led by Vugar Suleymanov, chairman of the Azerbaijan Mine Action Agency "
        "(ANAMA), spent two days in Belgium in early July to brief diplomats on the scale of "
        "contamination in the areas Azerbaijan regained after the 2020 war.",
        "According to ANAMA, hundreds of people, civilians among them, have been killed or "
        "injured by mines since the end of the fighting. The agency says clearing all affected "
        "land could take decades without more foreign support.",
    ]
    comments = [
        ("steppe_rider", "Good news but this is a drop in the ocean compared to what is needed."),
        (
            "Marta K.",
            "My cousin works for a demining NGO and says the maps they received were "
            "incomplete. Money helps, but information would help more.",
        ),
        ("anon1987", "Why does Belgium pay for this and not the countries who sold the mines?"),
        (
            "GevorgH",
            "Every life saved matters. I hope the funds are used transparently and "
            "that the agency publishes a report on what was cleared.",
        ),
        ("lucas_b", "Interesting article, thanks. Is there a map of the affected districts?"),
        (
            "Nigar",
            "We waited thirty years to go back to our village. Mines are still the "
            "reason my parents cannot rebuild their house there.",
        ),
        ("critic42", "Another press release dressed up as journalism."),
        (
            "Ani",
            "Humanitarian demining should not be politicised by anyone. Both sides "
            "have civilians who suffer from it.",
        ),
    ] * 3
    thread = "".join(
        f'<li class="comment"><div class="comment-author">{esc(u)}</div>'
        f'<div class="comment-date">3 days ago</div><div class="comment-body"><p>{esc(c)}</p>'
        '</div><a class="reply" href="#">Reply</a> <span class="likes">12 likes</span></li>'
        for u, c in comments
    )
    head = (
        f"<title>{esc(title)}</title>"
        '<meta name="pubdate" content="2024-07-06">'
        '<meta property="og:site_name" content="Caspian Daily">'
    )
    main = (
        f'<div class="content"><div class="post"><h1 class="entry-title">{esc(title)}</h1>'
        '<span class="posted-on">Posted on July 6, 2024</span>'
        f'<div class="entry-content">{paras(body)}</div>'
        '<div class="tags">Tags: <a href="/tag/demining">demining</a> '
        '<a href="/tag/belgium">Belgium</a></div></div>'
        f'<section id="comments" class="comments-area"><h3>{len(comments)} comments</h3>'
        f'<ol class="comment-list">{thread}</ol>'
        '<form id="respond"><textarea name="comment"></textarea><button>Post comment</button>'
        "</form></section></div>"
    )
    html = page(
        lang="en-US",
        head=head,
        body=nav("Caspian Daily", SECTIONS) + main + footer("Caspian Daily"),
    )
    return html, truth(title, body, "2024-07-06T00:00:00+00:00", "en"), "utf-8"


@fixture
def related_rails() -> Fixture:
    title = "French deputies to debate release of jailed Artsakh leaders"
    body = [
        "The French National Assembly is expected to examine a draft resolution demanding the "
        "immediate release of former Nagorno-Karabakh leaders who are being held in Azerbaijan.",
        "Laurent Wauquiez will table the text on behalf of the France-Armenia friendship group, "
        "according to Armenian media reports published on February 3.",
        "The draft describes the trials in Baku as part of a wider policy and condemns the "
        "destruction of Armenian churches and other heritage sites in territory now controlled "
        "by Azerbaijan.",
        "It also calls for support to Armenians who were forced to leave Karabakh and for "
        "guarantees that would allow them to return in safety if they choose to.",
        "Similar resolutions have been adopted by the French Senate in recent years, though "
        "they are not binding on the government.",
    ]
    teaser = (
        '<div class="read-more"><span>Read more:</span> <a href="/news/4412">Senate vote '
        "on Karabakh was symbolic, experts say</a></div>"
    )
    inner = (
        paras(body[:2])
        + teaser
        + paras(body[2:4])
        + '<div class="read-more"><span>Also read:</span> <a href="/news/4409">What the '
        "Baku trials mean for the peace process</a></div>" + paras(body[4:])
    )
    cards = "".join(
        f'<div class="card"><a href="/news/{n}"><img src="/t/{n}.jpg"><h4>{esc(t)}</h4></a>'
        f"<p>{esc(d)}</p></div>"
        for n, t, d in [
            (
                4401,
                "Armenian parliament passes budget",
                "Deputies approved spending for next year.",
            ),
            (4402, "New bridge opens on the Araks", "Officials call it a step for regional trade."),
            (
                4403,
                "EU monitors extend mission",
                "The civilian mission will stay for two more years.",
            ),
            (4404, "Wine harvest breaks records", "Producers in Vayots Dzor report a bumper year."),
        ]
    )
    head = (
        f"<title>{esc(title)} - Armenia Today</title>"
        '<meta name="date" content="2026-02-05T11:20:00+04:00">'
        '<meta property="og:site_name" content="Armenia Today">'
    )
    main = (
        f'<div class="layout"><div class="col-main"><h1>{esc(title)}</h1>'
        f'<div class="text">{inner}</div><div class="more-stories"><h3>More stories</h3>'
        f"{cards}</div></div>"
        + related(
            "Latest news",
            [
                "Tsarukyan meets party members",
                "Weather: snow in Shirak",
                "Dram steady against dollar",
                "Exhibition opens in Gyumri",
                "Court postpones hearing again",
            ],
            cls="sidebar",
        )
        + "</div>"
    )
    html = page(
        lang="en", head=head, body=nav("Armenia Today", SECTIONS) + main + footer("Armenia Today")
    )
    return html, truth(title, body, "2026-02-05T07:20:00+00:00", "en"), "utf-8"


@fixture
def paywall_teaser() -> Fixture:
    title = "Inside the negotiations over a transit route through southern Armenia"
    visible = [
        "For months, negotiators have argued about a road and railway that would cross a "
        "narrow strip of southern Armenia and connect the Azerbaijani mainland with Nakhchivan.",
        "People familiar with the talks describe a compromise in which Armenia keeps sovereignty "
        "over the route while an outside operator manages traffic and customs checks.",
    ]
    hidden = [
        *visible,
        "Officials in Yerevan say such an arrangement must not create an extraterritorial "
        "corridor. Baku wants unimpeded passage for its citizens and cargo.",
        "The United States has offered to help finance construction, according to two diplomats.",
    ]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2025-09-14T07:00:00+02:00",
        "isAccessibleForFree": False,
        "articleBody": "\n".join(hidden),
        "hasPart": {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paywalled",
        },
    }
    head = (
        f"<title>{esc(title)} | The Ledger</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    )
    main = (
        f'<article><h1>{esc(title)}</h1><p class="dek">Subscriber exclusive</p>'
        f'<div class="article-body">{paras(visible)}</div>'
        '<div class="paywall"><h3>Continue reading with a subscription</h3>'
        "<p>Get unlimited access to our journalism for 1 euro for the first month. "
        'Cancel anytime.</p><a class="btn" href="/subscribe">Subscribe now</a> '
        '<a href="/login">Already a subscriber? Log in</a></div></article>'
    )
    html = page(
        lang="en", head=head, body=nav("The Ledger", SECTIONS) + main + footer("The Ledger")
    )
    return html, truth(title, visible, "2025-09-14T05:00:00+00:00", "en"), "utf-8"


@fixture
def persian_rtl() -> Fixture:
    title = "تهران از ادامه گفت‌وگوهای صلح میان ایروان و باکو حمایت کرد"
    body = [
        "وزارت امور خارجه ایران روز دوشنبه اعلام کرد که از هر توافقی که به ثبات در قفقاز جنوبی "
        "کمک کند حمایت می‌کند و مرزهای بین‌المللی کشورهای منطقه باید محترم شمرده شود.",
        "سخنگوی این وزارتخانه در نشست خبری هفتگی گفت که تهران با هرگونه تغییر در نقشه سیاسی "
        "منطقه مخالف است و مسیرهای ترانزیتی جدید باید با رضایت همه کشورهای همسایه ایجاد شود.",
        "او همچنین افزود که ایران آماده است میزبان دور تازه‌ای از گفت‌وگوها در قالب سازوکار "
        "سه به علاوه سه باشد؛ سازوکاری که ایران، روسیه، ترکیه و سه کشور قفقاز جنوبی را در بر "
        "می‌گیرد.",
        "کارشناسان می‌گویند نگرانی اصلی تهران حفظ مرز مشترک با ارمنستان و دسترسی زمینی به "
        "اروپا از این مسیر است.",
    ]
    head = (
        f"<title>{esc(title)} | خبرگزاری نمونه</title>"
        '<meta property="og:site_name" content="خبرگزاری نمونه">'
        '<meta property="article:published_time" content="2025-10-20T12:30:00+03:30">'
    )
    main = (
        f'<div class="news"><h1>{esc(title)}</h1>'
        '<div class="meta">تاریخ انتشار: ۲۸ مهر ۱۴۰۴</div>'
        f'<div class="body">{paras(body)}</div>'
        + related(
            "اخبار مرتبط",
            ["نشست وزیران خارجه در آنکارا", "افزایش صادرات گاز", "بازدید هیئت ارمنی از تبریز"],
        )
        + "</div>"
    )
    html = page(
        lang="fa",
        html_attrs=' dir="rtl"',
        head=head,
        body=nav("خبرگزاری نمونه", ["سیاسی", "اقتصادی", "بین‌الملل", "فرهنگی"])
        + main
        + footer("خبرگزاری نمونه"),
    )
    return html, truth(title, body, "2025-10-20T09:00:00+00:00", "fa"), "utf-8"


@fixture
def russian_cp1251() -> Fixture:
    title = "В Ереване обсудили судьбу армянских пленных в Баку"
    body = [
        "Правозащитники и родственники задержанных собрались в Ереване, чтобы обсудить "
        "положение армян, которые остаются под стражей в Азербайджане.",
        "По словам участников встречи, суды над бывшими руководителями Нагорного Карабаха "
        "проходят в закрытом режиме, а адвокатам не хватает времени для подготовки защиты.",
        "Участники обратились к международным организациям с просьбой добиваться доступа "
        "независимых наблюдателей к процессам и к местам содержания задержанных.",
        "В Баку эти заявления отвергают и утверждают, что обвиняемые получают все "
        "гарантии, предусмотренные законом.",
    ]
    head = (
        f"<title>{esc(title)} — Новости Кавказа</title>"
        '<meta property="og:site_name" content="Новости Кавказа">'
        f'<meta property="og:title" content="{esc(title)}">'
        '<meta itemprop="datePublished" content="2025-04-11T15:02:00+03:00">'
    )
    main = (
        f'<div class="article"><h1>{esc(title)}</h1>'
        '<div class="date">11 апреля 2025, 15:02</div>'
        f'<div class="article-text">{paras(body)}</div>'
        '<div class="source">Источник: собственный корреспондент</div></div>'
        + related(
            "Читайте также",
            ["Курс рубля на сегодня", "Погода в Тбилиси", "Новый рейс Ереван — Москва"],
        )
    )
    html = page(
        lang="ru",
        head=head,
        charset="windows-1251",
        body=nav("Новости Кавказа", ["Политика", "Экономика", "Общество", "Спорт"])
        + main
        + footer("Новости Кавказа"),
    )
    return html, truth(title, body, "2025-04-11T12:02:00+00:00", "ru"), "windows-1251"


@fixture
def armenian_script() -> Fixture:
    title = "Բելգիայի խորհրդարանը բանաձև է ընդունել Արցախի վերաբերյալ"
    body = [
        "Բելգիայի Ներկայացուցիչների պալատը միաձայն ընդունել է բանաձև, որով դատապարտվում են "
        "Ադրբեջանի ռազմական գործողությունները Լեռնային Ղարաբաղի հայ բնակչության դեմ։",
        "Փաստաթղթում նշվում է, որ տարածաշրջանում տևական խաղաղությունը հնարավոր է միայն այն "
        "դեպքում, եթե Հայաստանն ու Ադրբեջանը հարգեն միմյանց տարածքային ամբողջականությունը։",
        "Պատգամավորները պահանջել են ազատ արձակել Բաքվում պահվող բոլոր հայ գերիներին և "
        "ապահովել արդար դատավարություն Արցախի նախկին ղեկավարների համար։",
        "Բանաձևը կոչ է անում թույլ տալ ՅՈՒՆԵՍԿՕ-ի առաքելությանը գնահատել մշակութային "
        "ժառանգությանը հասցված վնասը։",
    ]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2025-07-18T09:41:00+04:00",
        "inLanguage": "hy",
    }
    head = (
        f"<title>{esc(title)} - Լուրեր</title>"
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    )
    main = (
        f'<section class="news-item"><h1>{esc(title)}</h1>'
        '<span class="date">18 հուլիսի 2025, 09:41</span>'
        f'<div class="news-text">{paras(body)}</div></section>'
    )
    html = page(
        lang="hy",
        head=head,
        body=nav("Լուրեր", ["Քաղաքականություն", "Տնտեսություն", "Մշակույթ"])
        + main
        + footer("Լուրեր"),
    )
    return html, truth(title, body, "2025-07-18T05:41:00+00:00", "hy"), "utf-8"


@fixture
def azerbaijani_latin() -> Fixture:
    title = "Belçika Azərbaycanda minatəmizləmə işlərinə dəstək verib"
    body = [
        "Belçika hökuməti Azərbaycanda humanitar minatəmizləmə fəaliyyətinə 250 min ABŞ "
        "dolları məbləğində yardım ayırıb.",
        "Xarici İşlər Nazirliyinin şöbə müdiri Gaya Məmmədov bildirib ki, minalar keçmiş "
        "məcburi köçkünlərin doğma yurdlarına qayıdışı qarşısında əsas maneə olaraq qalır.",
        "Azərbaycan Respublikasının Minatəmizləmə Agentliyinin (ANAMA) İdarə Heyətinin sədri "
        "Vüqar Süleymanovun rəhbərlik etdiyi nümayəndə heyəti iyulun əvvəlində Belçikada "
        "səfərdə olub və beynəlxalq tərəfdaşlara problemin miqyası barədə məlumat verib.",
        "Agentliyin məlumatına görə, müharibədən sonra minaya düşmə hadisələri nəticəsində "
        "yüzlərlə insan həlak olub və ya xəsarət alıb.",
    ]
    head = (
        f"<title>{esc(title)}</title>"
        '<meta property="og:locale" content="az_AZ">'
        '<meta property="article:published_time" content="2024-07-05T14:10:00+04:00">'
        f'<meta property="og:title" content="{esc(title)}">'
    )
    main = (
        f'<div id="content"><h1 class="title">{esc(title)}</h1>'
        '<div class="info">05.07.2024 14:10</div>'
        f'<div class="full-text">{paras(body)}</div>'
        + related(
            "Digər xəbərlər", ["Bakıda hava şəraiti", "Neft qiymətləri artıb", "Yeni məktəb açılıb"]
        )
        + "</div>"
    )
    html = page(
        lang="az",
        head=head,
        body=nav("Xəbər Portalı", ["Siyasət", "İqtisadiyyat", "Cəmiyyət", "İdman"])
        + main
        + footer("Xəbər Portalı"),
    )
    return html, truth(title, body, "2024-07-05T10:10:00+00:00", "az"), "utf-8"


@fixture
def title_site_suffix() -> Fixture:
    title = "Artsakh foreign minister writes to embassies in Yerevan"
    body = [
        "Sergey Ghazaryan, the foreign minister of the Artsakh authorities, sent letters on "
        "24 May to the heads of foreign diplomatic missions accredited in Armenia.",
        "The letters set out the government's fears about what it called existential threats "
        "to the people of Artsakh and accused Baku of spreading false claims about military "
        "activity in the region since the November 2020 ceasefire statement.",
        "According to the minister, Azerbaijan has built dozens of new military positions in "
        "areas it took during the 44-day war and keeps holding exercises with offensive weapons.",
        "He asked foreign governments to take practical steps to prevent a new escalation.",
    ]
    head = (
        f"<title>{esc(title)} | Stepanakert Observer</title>"
        '<meta name="DC.date.issued" content="2022-05-25">'
        '<meta name="description" content="Letters were sent to diplomatic missions.">'
    )
    main = (
        f'<div class="wrap"><div class="crumbs"><a href="/">Home</a> &gt; '
        f'<a href="/politics">Politics</a></div><h1>{esc(title)}</h1>'
        f'<div class="entry">{paras(body)}</div>{share_bar()}</div>'
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Stepanakert Observer", SECTIONS) + main + footer("Stepanakert Observer"),
    )
    return html, truth(title, body, "2022-05-25T00:00:00+00:00", "en"), "utf-8"


@fixture
def og_differs_from_h1() -> Fixture:
    title = "Belgian foreign minister backs Armenia-Azerbaijan settlement"
    social = "Brussels says it 'stands firmly' behind peace in the South Caucasus"
    body = [
        "Belgium supports a peaceful and comprehensive settlement between Armenia and "
        "Azerbaijan, Foreign Minister Hadja Lahbib said after meeting her Azerbaijani "
        "counterpart Jeyhun Bayramov in Brussels.",
        "The two ministers spoke on the margins of an Eastern Partnership ministerial meeting. "
        "They discussed bilateral ties, economic cooperation and relations between Azerbaijan "
        "and the European Union.",
        "Bayramov told his host that the situation after September offered a real chance for "
        "progress in the peace process, according to a statement from his ministry.",
        "Both sides agreed to keep up high-level visits and political consultations.",
    ]
    head = (
        f"<title>{esc(social)} - Brussels Briefing</title>"
        f'<meta property="og:title" content="{esc(social)}">'
        f'<meta name="twitter:title" content="{esc(social)}">'
        '<meta property="og:site_name" content="Brussels Briefing">'
        '<meta property="article:published_time" content="2023-12-11T17:45:00+01:00">'
    )
    main = (
        f'<article class="post"><h1 class="post-title">{esc(title)}</h1>'
        '<div class="post-meta">Sarhan Basem &middot; 11 December 2023</div>'
        f'<div class="post-content">{paras(body)}</div></article>'
    )
    about = (
        '<div class="about-us"><h4>About Us</h4><p>Brussels Briefing is an independent '
        "online daily covering European and international affairs.</p></div>"
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Brussels Briefing", SECTIONS) + main + about + footer("Brussels Briefing"),
    )
    return html, truth(title, body, "2023-12-11T16:45:00+00:00", "en"), "utf-8"


@fixture
def visible_date_only() -> Fixture:
    title = "Displaced Karabakh families ask for housing support"
    body = [
        "Families who left Nagorno-Karabakh in September 2023 gathered outside a government "
        "building to ask for faster help with housing.",
        "Many of them still rent small flats in Yerevan and its suburbs and say the monthly "
        "support they receive no longer covers rising rents.",
        "Officials told the group that a new programme of housing certificates would be "
        "expanded this year, with priority for large families and the elderly.",
        "Representatives of the families said they would return next month if nothing changed.",
    ]
    head = f"<title>{esc(title)}</title>"
    main = (
        f'<div class="container"><h1>{esc(title)}</h1>'
        '<p class="dateline">12 March 2026</p>'
        f'<div class="story">{paras(body)}</div></div>'
    )
    html = page(
        lang="en", head=head, body=nav("Local Herald", SECTIONS) + main + footer("Local Herald")
    )
    return html, truth(title, body, "2026-03-12T00:00:00+00:00", "en"), "utf-8"


@fixture
def jsonld_only() -> Fixture:
    title = "Azerbaijan and Armenia agree to continue border delimitation work"
    body = [
        "Government commissions from Azerbaijan and Armenia agreed to continue the "
        "delimitation of their shared border after a new round of meetings.",
        "The commissions are led by deputy prime ministers and have already approved a short "
        "section of the frontier in the north, near several villages in the Tavush region.",
        "Experts say the process could take years because the border was never precisely "
        "marked during the Soviet period.",
        "The next round is due to take place in the spring, according to a joint statement.",
    ]
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "South Caucasus Monitor", "url": "https://scm.example/"},
            {
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": "2025-01-22T13:00:00+04:00",
                "author": {"@type": "Person", "name": "Ruslan Aliyev"},
                "articleBody": " ".join(body),
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    main = (
        f'<div class="page"><div class="headline">{esc(title)}</div>'
        f'<div class="txt">{paras(body)}</div></div>'
    )
    html = page(
        lang="en",
        head=head,
        body=nav("South Caucasus Monitor", SECTIONS) + main + footer("South Caucasus Monitor"),
    )
    return html, truth(title, body, "2025-01-22T09:00:00+00:00", "en"), "utf-8"


@fixture
def no_date() -> Fixture:
    title = "How to read a landmine warning sign"
    body = [
        "Warning signs around contaminated land usually follow a simple pattern: a red "
        "triangle or square, a skull and crossed bones, and a short text in the local language.",
        "Deminers advise staying on paved roads and well-used paths, never touching unknown "
        "objects, and reporting anything suspicious to the police or a mine action agency.",
        "Children are most at risk because they are curious and may not recognise the signs, "
        "which is why risk education is often taught in schools in affected areas.",
        "If you find yourself inside a marked area, stop, stay calm and call for help rather "
        "than trying to walk out.",
    ]
    head = (
        f"<title>{esc(title)} | Safety Guide</title>"
        '<meta property="og:site_name" content="Safety Guide">'
    )
    main = (
        f'<div class="guide"><h1>{esc(title)}</h1><div class="guide-body">{paras(body)}</div></div>'
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Safety Guide", ["Home", "Guides", "About"]) + main + footer("Safety Guide"),
    )
    return html, truth(title, body, None, "en"), "utf-8"


@fixture
def amp_page() -> Fixture:
    title = "UNESCO mission to Karabakh still awaiting approval"
    body = [
        "A UNESCO technical mission to assess the condition of cultural heritage in and around "
        "Nagorno-Karabakh has still not been given access, the organisation said.",
        "Armenia and several European parliaments have urged Azerbaijan to allow the visit, "
        "citing reports of damage to churches and cemeteries.",
        "Azerbaijani officials say they are open to a mission that also examines damage to "
        "mosques and other sites in areas that were under Armenian control for decades.",
    ]
    head = (
        '<script async src="https://cdn.ampproject.org/v0.js"></script>'
        '<link rel="canonical" href="/culture/unesco-mission-karabakh">'
        f"<title>{esc(title)} - Culture Now</title>"
        '<meta property="article:published_time" content="2024-10-02T08:00:00Z">'
        "<style amp-custom>body{font-family:sans-serif}</style>"
    )
    main = (
        f'<amp-sidebar id="menu" layout="nodisplay"><ul><li>Home</li><li>Culture</li>'
        f"</ul></amp-sidebar><article><h1>{esc(title)}</h1>"
        '<amp-img src="/img/church.jpg" width="600" height="400" layout="responsive">'
        f"</amp-img>{paras(body)}</article>"
        '<amp-ad width="300" height="250" type="adsense"></amp-ad>'
    )
    html = page(lang="en", html_attrs=" amp", head=head, body=main + footer("Culture Now"))
    return html, truth(title, body, "2024-10-02T08:00:00+00:00", "en"), "utf-8"


@fixture
def gallery_captions() -> Fixture:
    title = "In pictures: a village returns to life near the new border"
    body = [
        "Residents of a village in Tavush province say life is slowly returning to normal "
        "after the border was marked last year.",
        "A farmer checks his orchard, which lies only a few hundred metres from the new line.",
        "Children walk to the village school, which reopened after renovation in September.",
        "Builders repair the roof of a house damaged during fighting in the 1990s.",
        "An elderly woman sells apricots and walnuts by the road to Ijevan.",
    ]
    slides = "".join(
        f'<li class="slide"><img src="/g/{i}.jpg" alt=""><p class="caption">{esc(c)}</p>'
        f'<span class="credit">Photo {i + 1} of {len(body) - 1}</span></li>'
        for i, c in enumerate(body[1:])
    )
    head = (
        f"<title>{esc(title)} | Photo Stories</title>"
        '<meta property="article:published_time" content="2025-06-03T10:00:00+04:00">'
    )
    main = (
        f'<div class="gallery-page"><h1>{esc(title)}</h1><p class="intro">{esc(body[0])}</p>'
        f'<ul class="gallery">{slides}</ul><button>Previous</button><button>Next</button>'
        "</div>"
    )
    html = page(
        lang="en", head=head, body=nav("Photo Stories", SECTIONS) + main + footer("Photo Stories")
    )
    return html, truth(title, body, "2025-06-03T06:00:00+00:00", "en"), "utf-8"


@fixture
def table_page() -> Fixture:
    title = "Mine incidents by year since the end of the 2020 war"
    intro = [
        "The table below summarises mine and unexploded ordnance incidents recorded by the "
        "national mine action agency in the years after the 2020 war.",
    ]
    rows = [
        ("Year", "Incidents", "Killed", "Injured"),
        ("2021", "97", "33", "110"),
        ("2022", "74", "21", "78"),
        ("2023", "52", "16", "51"),
    ]
    outro = [
        "Most victims were civilians, including construction workers and shepherds. "
        "The agency says incidents declined as more land was surveyed and cleared."
    ]
    table = (
        "<table>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        + "</table>"
    )
    head = (
        f"<title>{esc(title)} :: Data Desk</title>"
        '<meta property="og:site_name" content="Data Desk">'
        '<meta property="article:published_time" content="2024-04-04T09:00:00+00:00">'
    )
    main = (
        f"<article><h1>{esc(title)}</h1>{paras(intro)}{table}{paras(outro)}"
        '<p class="note">Figures are indicative.</p></article>'
    )
    html = page(lang="en", head=head, body=nav("Data Desk", SECTIONS) + main + footer("Data Desk"))
    body = intro + [" ".join(r) for r in rows] + outro + ["Figures are indicative."]
    return html, truth(title, body, "2024-04-04T09:00:00+00:00", "en"), "utf-8"


@fixture
def unrelated_science() -> Fixture:
    title = "Comet fragments seen breaking apart near the Sun"
    body = [
        "Astronomers watching a small comet as it swung close to the Sun saw it split into at "
        "least four pieces over two nights, a new study reports.",
        "The team used archived images from a solar observatory to trace the fragments back to "
        "a single nucleus only a few hundred metres across.",
        "Comets that pass this close to the Sun are heated so strongly that the ice holding "
        "them together can vaporise within hours, the researchers explain.",
        "The fragments are not expected to survive their next orbit, and none of them poses "
        "any risk to Earth.",
    ]
    head = (
        f"<title>{esc(title)} | Sky Weekly</title>"
        '<meta property="og:site_name" content="Sky Weekly">'
        '<meta property="article:published_time" content="2026-01-15T18:00:00-05:00">'
    )
    main = (
        f'<main><article><h1>{esc(title)}</h1><div class="body">{paras(body)}</div>'
        "</article>"
        + newsletter()
        + related("Popular", ["Best telescopes for beginners", "What is a solar maximum?"])
        + "</main>"
    )
    html = page(
        lang="en",
        head=head,
        body=nav("Sky Weekly", ["Space", "Earth", "Tech"]) + main + footer("Sky Weekly"),
    )
    return html, truth(title, body, "2026-01-15T23:00:00+00:00", "en"), "utf-8"


@fixture
def unrelated_german_sport() -> Fixture:
    title = "Späte Wende: Gastgeber gewinnt Derby mit 2:1"
    body = [
        "Lange sah es nach einer Niederlage aus, doch zwei Tore in den letzten zehn Minuten "
        "brachten den Gastgebern am Samstag noch den Sieg im Derby.",
        "Die Gäste waren kurz nach der Pause durch einen Kopfball nach einer Ecke in Führung "
        "gegangen und verteidigten danach geschickt.",
        "Erst ein abgefälschter Schuss aus der Distanz brachte den Ausgleich, ehe ein "
        "eingewechselter Stürmer in der Nachspielzeit das Siegtor erzielte.",
        "Mit dem Erfolg springt die Mannschaft auf den vierten Tabellenplatz.",
    ]
    head = (
        f"<title>{esc(title)} - Sportblatt</title>"
        '<meta property="og:site_name" content="Sportblatt">'
        '<meta http-equiv="content-language" content="de">'
        '<meta property="article:published_time" content="2025-11-08T17:30:00+01:00">'
    )
    main = (
        f'<div class="artikel"><h1>{esc(title)}</h1><p class="autor">Von Jonas Weber</p>'
        f'<div class="artikel-text">{paras(body)}</div>'
        '<div class="kommentare">Kommentare (0) - Jetzt kommentieren</div></div>'
    )
    html = page(
        lang="de",
        head=head,
        body=nav("Sportblatt", ["Fußball", "Tennis", "Handball"]) + main + footer("Sportblatt"),
    )
    return html, truth(title, body, "2025-11-08T16:30:00+00:00", "de"), "utf-8"


@fixture
def teaser_cards() -> Fixture:
    title = "Armenian and Azerbaijani deputy prime ministers meet on the border"
    body = [
        "The deputy prime ministers of Armenia and Azerbaijan met on Friday at the state border "
        "for another session of the commissions on delimitation and border security.",
        "According to a statement released after the meeting, the sides discussed the "
        "regulations that will govern the joint work of the commissions and agreed on the "
        "date of their next session.",
        "The meeting took place in a calm atmosphere, the statement said.",
        "Earlier rounds produced an agreement on a short stretch of the frontier between the "
        "Tavush region of Armenia and the Gazakh district of Azerbaijan, after which four "
        "villages were handed over.",
    ]
    menu = "".join(
        f'<div class="mega-col"><span>{esc(group)}</span><ul>'
        + "".join(
            f'<li><a href="/{group.lower()}/{i}">{esc(group)} topic {i}</a></li>' for i in range(12)
        )
        + "</ul></div>"
        for group in ("Armenia", "Region", "World", "Business", "Sport", "Lifestyle")
    )
    teasers = [
        (
            "Parliament approves new customs rules",
            "Lawmakers voted for amendments that simplify procedures at land crossings.",
        ),
        (
            "Exporters look to Black Sea ports",
            "Shipping companies report growing demand for container routes through Georgia.",
        ),
        (
            "Heavy snow closes mountain pass",
            "Road services say traffic will resume once the avalanche risk has passed.",
        ),
        (
            "Central bank keeps rate unchanged",
            "The regulator cited slowing inflation and stable demand in its decision.",
        ),
        (
            "Film festival opens in Yerevan",
            "More than sixty films from twenty countries will be shown over the week.",
        ),
        (
            "New school year begins in Stepanakert refugees' new towns",
            "Teachers who moved from Karabakh have found jobs in several regions.",
        ),
        (
            "Tech park expands in Gyumri",
            "Two new buildings will house software firms and a training centre.",
        ),
        (
            "Wrestlers win three medals",
            "The national team finished second in the overall "
            "standings at the European championships.",
        ),
    ]
    cards = "".join(
        f'<div class="c-card"><a class="c-card__link" href="/story/{i}">'
        f'<img src="/i/{i}.jpg" alt=""><span class="c-card__title">{esc(h)}</span></a>'
        f'<p class="c-card__dek">{esc(d)}</p></div>'
        for i, (h, d) in enumerate(teasers)
    )
    head = (
        f"<title>{esc(title)} | Yerevan Courier</title>"
        '<meta property="og:site_name" content="Yerevan Courier">'
        '<meta property="article:published_time" content="2024-11-29T18:20:00+04:00">'
    )
    main = (
        f'<div class="l-page"><div class="l-main"><h1 class="c-headline">{esc(title)}</h1>'
        f'<div class="c-text">{paras(body)}</div></div>'
        f'<div class="l-recirc"><div class="c-section-title">Top stories</div>{cards}</div>'
        "</div>"
    )
    html = page(
        lang="en",
        head=head,
        body=f'<div class="c-mega">{menu}</div>' + main + footer("Yerevan Courier"),
    )
    return html, truth(title, body, "2024-11-29T14:20:00+00:00", "en"), "utf-8"


@fixture
def wrapped_paragraphs_with_ads() -> Fixture:
    title = "EU monitoring mission extends its mandate in Armenia"
    body = [
        "The European Union's civilian monitoring mission in Armenia will continue its work "
        "along the border with Azerbaijan for two more years, the EU Council decided.",
        "The mission patrols the Armenian side of the border and reports on incidents, "
        "ceasefire violations and the situation of people living in frontier villages.",
        "Its monitors have been based in several towns since early 2023. Their reports are "
        "shared with EU member states and are not published in full.",
        "Baku has criticised the deployment, while Yerevan says the presence of international "
        "observers has helped to reduce tension.",
        "The decision also increases the number of staff and the budget of the mission.",
    ]
    blocks = []
    for i, para in enumerate(body):
        blocks.append(f'<div class="paragraph"><p>{esc(para)}</p></div>')
        if i == 1:
            blocks.append(
                '<div class="ad-container"><span>Advertisement</span>'
                '<div id="div-gpt-ad-1"></div></div>'
            )
        if i == 2:
            blocks.append(
                '<figure class="image"><img src="/m.jpg" alt=""><figcaption>Monitors '
                "near the border. Photo: press service</figcaption></figure>"
            )
    head = (
        f"<title>{esc(title)} | Frontier Times</title>"
        '<meta property="og:site_name" content="Frontier Times">'
        '<meta property="article:published_time" content="2025-02-17T11:00:00+01:00">'
    )
    main = (
        f'<div class="article-wrapper"><div class="header-block"><span class="rubric">EU'
        f'</span><h1>{esc(title)}</h1><div class="meta">17 February 2025</div></div>'
        f'<div class="body-block">{"".join(blocks)}</div></div>'
        + related(
            "Latest",
            [
                "Georgia: protests continue",
                "Turkey and Armenia discuss border crossing",
                "Iran hosts regional meeting",
            ],
        )
    )
    html = page(
        lang="en", head=head, body=nav("Frontier Times", SECTIONS) + main + footer("Frontier Times")
    )
    return html, truth(title, body, "2025-02-17T10:00:00+00:00", "en"), "utf-8"


@fixture
def br_separated_body() -> Fixture:
    title = "Stepanakert refugees open a bakery in Abovyan"
    body = [
        "A family who left Stepanakert in September 2023 has opened a small bakery in the town "
        "of Abovyan, near Yerevan, selling bread made to recipes from Karabakh.",
        "The owners say that the first months were hard, but neighbours quickly became regular "
        "customers and now queue for zhingyalov hats, a flatbread filled with herbs.",
        "A state programme for displaced people helped them buy an oven, and a local charity "
        "paid for the first three months of rent.",
        "They now employ four people, all of whom also came from Karabakh.",
    ]
    head = (
        f"<title>{esc(title)}</title>"
        '<meta name="description" content="A family from Stepanakert bakes bread near Yerevan.">'
    )
    text_html = "<br><br>\n".join(esc(p) for p in body)
    main = (
        f'<table class="layout"><tr><td class="left">{related("Menu", ["News", "Society", "Culture"])}'
        f'</td><td class="center"><h1>{esc(title)}</h1><div class="date">03.03.2025 12:40</div>'
        f'<div class="news-text">{text_html}</div></td></tr></table>'
    )
    html = page(lang="en", head=head, body=main + footer("Abovyan Local"))
    return html, truth(title, body, "2025-03-03T12:40:00+00:00", "en"), "utf-8"


def main() -> None:
    for build in BUILDERS:
        html, data, encoding = build()
        name = build.__name__
        (HERE / f"{name}.html").write_bytes(html.encode(encoding))
        (HERE / f"{name}.json").write_text(
            json.dumps(
                {
                    "url": f"https://news.example/{name.replace('_', '-')}",
                    "encoding": encoding,
                    **data,
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    print(f"wrote {len(BUILDERS)} fixtures to {HERE}")


if __name__ == "__main__":
    main()
