"""Drop boilerplate that extractors keep inside the article: boxes the page marks as such
(newsletter sign-ups, disclaimers, credits, related stories, author cards, dialogs), "read
also" teaser lines, section labels of link rails, and the reader-directed appeals (follow us,
get the app, support us) at the end.
"""

from __future__ import annotations

import re

from lxml import html

from .agree import TextIndex
from .nodes import hidden_by_markup, marker, norm

# class/id words of boxes that hold no article prose; a box is small next to the article,
# which tells it apart from a wrapper that happens to carry such a word ("share-wrapper")
_BOX = re.compile(
    r"newsletter|disclaimer|disclosure|copyright|credit|paywall|content-?blocker|cookie|consent"
    r"|read-?more|more-about|link-?list|sidebar|(?:^|[\s_-])cta(?:$|[\s_-])"
    # rails of related and next stories, share and like widgets, affiliate notes
    r"|related|next-?(?:post|story|article)|sharedaddy|affiliate"
    # the author's card with a biography
    r"|author-?(?:bio|box|info|card|desc)|about-?the-?author|saboxplugin"
    # dialogs the page opens over the article (sign-up, donation, login)
    r"|(?:^|[\s_-])(?:modal|popup|popmake)(?:$|[\s_-])",
    re.IGNORECASE,
)
BOX_DEPTH = 6  # ancestors looked at above the paragraph's own element
BOX_SHARE = 0.3  # a marked element holding more than this share of the body is a wrapper

# "read also: <headline>" lines that link to another article from inside this one
_TEASER = re.compile(
    r"^(?:lea (?:también|más|además)|lee (?:también|más)|vea también|ver también"
    r"|puedes ver|te puede interesar|lesen sie (?:hier|auch)|siehe auch|leia (?:também|mais)"
    r"|veja também|read more|read also|see also|lire aussi|à lire aussi|leggi anche)\s*:",
    re.IGNORECASE,
)
# one-word labels that are also first names ("Lea: ..." in an interview): a teaser only
# when the line is a link
_NAME_TEASER = re.compile(r"^(?:lea|mira|mire)\s*:", re.IGNORECASE)
TEASER_WORDS = 25

# labels heading a rail of links or a contact/sources box, on a line of their own
_SECTION_LABEL = re.compile(
    r"^(?:notas relacionadas|contenido relacionado|art[ií]culos relacionados"
    r"|noticias relacionadas|related (?:content|articles|stories|posts)|inhaltsverzeichnis"
    r"|table of contents|sommaire|mehr zum thema|auch auf [\w-]+\.\w{2,}|top[- ]themen"
    r"|weitere (?:aktuelle )?(?:themen|artikel|beiträge|nachrichten|informationen)"
    r"|lire aussi|à lire aussi|te puede interesar|también te puede interesar"
    r"|das könnte sie auch interessieren)\b",
    re.IGNORECASE,
)
LABEL_WORDS = 8
# a label alone on its line: the heading of a contact, sources or release box
_BOX_LABEL = re.compile(
    r"^(?:quellen(?:angaben)?|sources?|kontakt|pressekontakt|contact|zusatzinformationen"
    r"|ansprechpartner(?:in)?(?: zum thema)?|originalpublikation|release date|über diese reihe"
    r"|weitere infos?)\s*:?$",
    re.IGNORECASE,
)

# short notes that are the page's, wherever they sit in the text
_NOTE = re.compile(
    # comment and login prompts
    r"\b(?:nicht eingeloggt|not logged in)\b"
    r"|\b(?:kommentar|comment|comentar|comenta)\w*\b.{0,60}\b(?:eingeloggt|angemeldet"
    r"|logged in|registriert|registered|inicia sesión|connecté)"
    r"|\b(?:eingeloggt|angemeldet|logged in|log in|sign in|registered|registriert)\b.{0,40}"
    r"\b(?:kommentar|comment|comentar)"
    # the paywall's invitation in place of the rest of the article
    r"|^(?:pour lire la suite|pour accéder en illimité|para seguir leyendo|um weiterzulesen"
    r"|to continue reading|continue reading|subscribe to (?:continue|read))\b"
    r"|\bto (?:view|read|continue reading) the full (?:story|article)\b"
    r"|\balready (?:a )?subscriber\b|\bbereits abonnent"
    # picture credits and figure captions
    r"|©|\((?:foto|photo|credit|bild|imagen|image|picture)s?\s*:[^)]*\)\W*$"
    r"|^(?:image|photo|foto|bild) (?:illustrative|d'illustration)"
    r"|^(?:abbildung|abb\.|figure|fig\.|grafik|bild|foto|imagen|image|photo)\s*\d+\s*[:.]"
    # the site's licence for all its pages
    r"|\b(?:inhalte|content|texte?|texts?)\b.{0,40}\b(?:dieser|this|de ce)\s+(?:website"
    r"|webseite|seite|site)\b.{0,60}\b(?:cc[- ]by|creative commons|lizenz|licen[cs]e)",
    re.IGNORECASE,
)
NOTE_WORDS = 45
# one-line notes: a source or category label, a link to the next page, "click here"
_SHORT_NOTE = re.compile(
    r"^(?:quelle|quellen|source|sources|fuente|fonte)\s*:"
    r"|(?:^|\s)(?:kategorien?|categor(?:y|ies)|categorías?|catégories?|rubrik)\s*:\s*\S"
    r"|^(?:aktualisiert am|zuletzt aktualisiert|last updated|updated on|actualizado el"
    r"|mis à jour le)\b.{0,30}\d"
    r"|\b(?:findest du|finden sie|findet ihr|lesen sie|liest du)\s+hier\W*$"
    r"|\b(?:find|read) (?:it|more|them) here\W*$"
    r"|^\W+(?:weiter|zurück) zum?\b|^\W*(?:nächster artikel|vorheriger artikel"
    r"|vorschau auf den nächsten|next article|previous article|next post|previous post"
    r"|siguiente artículo|article suivant)\b"
    r"|\b(?:video|audio|sendung|beitrag|podcast|episode)s?\s+(?:verfügbar bis|available until)\b"
    r"|^(?:weitere )?(?:infos?|informationen)\s+(?:unter|auf|bei)\s+(?:www\.|https?://)"
    r"|^more (?:info|information)\s+(?:at|on)\s+(?:www\.|https?://)"
    r"|\b(?:einfach |jetzt )?hier klicken\b|\bklicken sie hier\b|\bclick here\b"
    r"|\bhaga clic aquí\b|\bcliquez ici\b"
    # contact lines of a press office, and the usual disclaimer
    r"|^(?:tel(?:efon|éfono|ephone)?|phone|fax|e-?mail|mobil)\s*\.?:\s*[+\d(]"
    r"|^\W*(?:alle )?angaben ohne gewähr\W*$|\brss(?:-feed)?\b.{0,20}\b(?:abonnieren|subscribe)",
    re.IGNORECASE,
)
SHORT_NOTE_WORDS = 15
# an advertising label opening a short line ("Anzeige, enthält Affiliate-Links")
_AD = re.compile(
    r"^\W*(?:anzeige|werbung|advertisement|sponsored|publicidad|publicité|gesponsert"
    r"|paid content|affiliate)\b\s*(?:[-–—:,.|*]|$)",
    re.IGNORECASE,
)
AD_WORDS = 15

# the publication addressing its reader: follow, get the app, subscribe, support, write in
_APPEAL = re.compile(
    r"\b(?:follow|folg(?:t|en sie)|síguenos|siguenos|siga(?:-nos)?|suivez)\b(?:\s+\S+){0,4}?"
    r"\s+(?:on|auf|en|in|no|sur)\s+(?:\S+\s+){0,3}?(?:twitter|facebook|instagram|telegram"
    r"|whatsapp|youtube|linkedin|tiktok|mastodon|google news)\b|\bfollow us\s*:"
    r"|\b(?:download|descarga|descargue|herunterladen|téléchargez)\b.{0,40}\bapps?\b"
    r"|\b(?:sign up|subscribe|suscr[ií]b(?:e|ete|ase|irse)|abonnieren|abonniere|abonnez)\b"
    r".{0,60}\b(?:newsletter|bolet[ií]n|lettre)\b"
    r"|\b(?:newsletter|bolet[ií]n)\b.{0,60}\b(?:sign up|subscribe|suscr[ií]b|abonnier|anmelden)"
    r"|\b(?:sign up here|sign up now|subscribe now|jetzt abonnieren|suscríbete)\b"
    r"|\bsupport(?:ing)? (?:us|our (?:work|journalism|magazine))\b"
    r"|\bunterstütze?n? (?:sie )?(?:uns|unser(?:e|en)? (?:arbeit|magazin|journalismus))\b"
    r"|\b(?:enjoyed|like[ds]?) (?:reading )?(?:this|our) (?:article|post|story|piece)\b"
    r"|\bgefällt (?:dir|ihnen) (?:dieser|unser)\b|\blust auf mehr\?"
    r"|\bcanal de (?:telegram|whatsapp|youtube)\b"
    r"|(?:©|\bcopyright\b).{0,80}(?:all rights reserved|alle rechte|derechos reservados"
    r"|tous droits|may not be|permission|genehmigung)"
    r"|\b(?:send us a message|write to us|escr[ií]b(?:enos|irnos))\b"
    r"|\balready (?:a )?subscriber|\bto (?:view|read|continue reading) the full (?:story|article)\b"
    r"|\b(?:verraten sie|verratet|schreibt|schreiben sie|let us know|tell us|cuéntanos|dites-nous)"
    r"\b.{0,40}\b(?:in den kommentaren|in the comments|en los comentarios|dans les commentaires)",
    re.IGNORECASE,
)
APPEAL_WORDS = 60
APPEAL_TAIL = 3  # paragraphs at the end where an appeal is the page's, not the story's


# elements the page does not show (a sign-up dialog, data for scripts): class words, the
# hidden attribute, an inline display:none
_HIDDEN = re.compile(r"(?:^|\s)(?:hidden|d-none|is-hidden|hide|visually-hidden|sr-only)(?:\s|$)")


def _is_hidden(node: html.HtmlElement) -> bool:
    return hidden_by_markup(node, _HIDDEN)


def _is_marked(node: html.HtmlElement) -> bool:
    if node.tag == "aside":
        return True
    marks = marker(node)
    return bool(marks.strip()) and bool(_BOX.search(marks))


def _in_box(el: html.HtmlElement, body_chars: int, seen: dict[html.HtmlElement, bool]) -> bool:
    """True when a small element around el is marked as a newsletter, credit, disclaimer..."""
    for depth, node in enumerate([el, *el.iterancestors()]):
        if depth > BOX_DEPTH or node.tag in ("body", "html"):
            return False
        if node not in seen:  # paragraphs of one block share their ancestors
            seen[node] = _is_marked(node)
        if seen[node]:
            return len(norm(node.text_content())) <= BOX_SHARE * body_chars
    return False


def _hidden_part(paragraphs: list[str], index: TextIndex, body_chars: int) -> set[int]:
    """Indexes of the paragraphs inside an element the page does not show, unless such
    elements hold much of the body (a gallery that shows its parts one at a time)."""
    hidden = set()
    for i, paragraph in enumerate(paragraphs):
        el = index.find(paragraph, bare_divs=True)
        ancestors = [] if el is None else [el, *el.iterancestors()][: BOX_DEPTH + 1]
        if any(_is_hidden(node) for node in ancestors):
            hidden.add(i)
    share = sum(len(norm(paragraphs[i])) for i in hidden)
    return hidden if share <= BOX_SHARE * body_chars else set()


def _is_teaser(paragraph: str, index: TextIndex) -> bool:
    line = paragraph.strip()
    if len(line.split()) > TEASER_WORDS:
        return False
    if _TEASER.match(line):
        return True
    if _NAME_TEASER.match(line):
        el = index.find(paragraph)
        return el is not None and _linked(el)
    return False


def _label_line(paragraph: str) -> str | None:
    """The paragraph as a label: short and not a sentence ("Weitere Informationen lagen
    nicht vor." is news, "Weitere Informationen:" a label)."""
    line = paragraph.strip().lstrip("-•*–— ")
    if len(line.split()) > LABEL_WORDS or line.endswith((".", "!", "?")):
        return None
    return line


def _is_label(paragraph: str) -> bool:
    line = _label_line(paragraph)
    return line is not None and bool(_SECTION_LABEL.match(line) or _BOX_LABEL.match(line))


def _is_note(paragraph: str) -> bool:
    line = paragraph.strip()
    words = len(line.split())
    return (
        (words <= NOTE_WORDS and bool(_NOTE.search(line)))
        or (words <= AD_WORDS and bool(_AD.match(line)))
        or (words <= SHORT_NOTE_WORDS and bool(_SHORT_NOTE.search(line)))
    )


def _is_appeal(paragraph: str) -> bool:
    return len(paragraph.split()) <= APPEAL_WORDS and bool(_APPEAL.search(paragraph))


# labels that head a list of links to other articles (not a table of contents)
_RAIL = re.compile(
    r"^(?:notas relacionadas|contenido relacionado|art[ií]culos relacionados"
    r"|noticias relacionadas|related (?:content|articles|stories|posts)|mehr zum thema"
    r"|auch auf [\w-]+\.\w{2,}"
    r"|top[- ]themen|weitere (?:aktuelle )?(?:themen|artikel|beiträge|nachrichten)"
    r"|lire aussi|à lire aussi|te puede interesar|también te puede interesar"
    r"|das könnte sie auch interessieren)\b",
    re.IGNORECASE,
)
RAIL_LINES = 6
LINKED = 0.8


def _linked(el: html.HtmlElement) -> bool:
    """True when the element's text is (nearly) all link text: a teaser's title."""
    total = len(norm(el.text_content()))
    if not total:
        return False
    if el.tag == "a" or next(el.iterancestors("a"), None) is not None:
        return True
    return sum(len(norm(a.text_content())) for a in el.iter("a")) >= LINKED * total


def _rail_after_labels(paragraphs: list[str], index: TextIndex) -> set[int]:
    """Indexes of the linked short lines that follow a "related articles" label."""
    rail: set[int] = set()
    for i, paragraph in enumerate(paragraphs):
        line = _label_line(paragraph)
        if line is None or not _RAIL.match(line):
            continue
        for j in range(i + 1, min(len(paragraphs), i + 1 + RAIL_LINES)):
            if len(paragraphs[j].split()) >= TEASER_WORDS:
                break
            el = index.find(paragraphs[j])
            if el is not None and _linked(el):
                rail.add(j)
    return rail


# a bare address or a numbered reference: the article's sources, not a link elsewhere
_REFERENCE = re.compile(r"^\W*(?:\d+\W+)?(?:https?://|www\.)\S+$", re.IGNORECASE)


def _closing_links(paragraphs: list[str], index: TextIndex) -> int:
    """How many paragraphs at the end are short lines that are wholly a link to another page
    ("Hier geht es zu ...", the headline of the next story): the page's, after the article's
    last sentence. List items stay (a list of links can be the article's content)."""
    count = 0
    for paragraph in reversed(paragraphs[1:]):
        line = paragraph.strip()
        if len(line.split()) >= TEASER_WORDS or line.startswith(("- ", "• ", "* ")):
            break
        if _REFERENCE.match(line):
            break
        el = index.find(paragraph)
        if el is None or el.tag == "li" or not _linked(el):
            break
        count += 1
    return count


def drop_boilerplate(text: str, index: TextIndex) -> str:
    """The body without boxes, teaser lines, rail labels and closing appeals to the reader;
    index finds the page element each paragraph came from."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) < 2:
        return text
    seen: dict[html.HtmlElement, bool] = {}
    body_chars = len(norm(text))
    tail = len(paragraphs) - APPEAL_TAIL
    rail = _rail_after_labels(paragraphs, index)
    rail.update(range(len(paragraphs) - _closing_links(paragraphs, index), len(paragraphs)))
    rail.update(_hidden_part(paragraphs, index, body_chars))
    kept = []
    for i, paragraph in enumerate(paragraphs):
        if i in rail:
            continue
        if _is_teaser(paragraph, index) or _is_label(paragraph) or _is_note(paragraph):
            continue
        if i >= tail and _is_appeal(paragraph):
            continue
        el = index.find(paragraph, bare_divs=True)
        if el is not None and _in_box(el, body_chars, seen):
            continue
        kept.append(paragraph)
    return "\n\n".join(kept) if kept else text
