"""Country detection by rules (``heading.country_scores`` / ``country_from``, ``countries.toml``):
the cues of each watched country in Arabic, French and English, the official numbering of each
country, and words that look like a cue but are not one."""

from __future__ import annotations

import json

import pytest

from migralex.analysis.heading import country_from, country_scores
from migralex.analysis.pipeline import analyse_text
from migralex.analysis.references import extract_references
from migralex.analysis.terms import name_terms


def _country(text: str, title: str = "") -> str | None:
    """The rules' country of a text (no model, no gazette)."""
    scores = country_scores(
        name_terms(title), name_terms(text), references=extract_references(f"{title}\n{text}")
    )
    return country_from(scores)


@pytest.mark.parametrize(
    "text,country",
    [
        # State names and adjectives, singular and plural
        ("صدر عن حكومة جمهورية مصر العربية", "EG"),
        ("لفائدة العمال المصريين في الخارج", "EG"),
        ("نشر بالجريدة الرسمية للجمهورية التونسية", "TN"),
        ("يتمتع العمال التونسيون بنفس الحقوق", "TN"),
        ("اتفاق بين حكومة دولة ليبيا والمنظمة", "LY"),
        ("تشغيل العمال من غير الليبيين", "LY"),
        ("الحكومة المغربية تصادق على مشروع قانون", "MA"),
        ("إجلاء المواطنين المغاربة العالقين", "MA"),
        ("les travailleurs tunisiens saisonniers", "TN"),
        ("les ressortissants égyptiens", "EG"),
        ("Libyans displaced by the floods", "LY"),
        ("Tunisians living abroad", "TN"),
        # A preposition glued to the name
        ("صدر الحكم بتونس العاصمة", "TN"),
        ("وصل الوفد لليبيا أمس", "LY"),
        ("المقيمين بمصر", "EG"),
        # Official gazettes
        ("نشر في الرائد الرسمي للجمهورية التونسية", "TN"),
        ("ينشر هذا القرار في الوقائع المصرية", "EG"),
        ("نشر في الجريدة الرسمية الليبية", "LY"),
        ("publié au Journal officiel de la République tunisienne", "TN"),
        # Institutions
        ("صادق مجلس نواب الشعب على مشروع القانون", "TN"),
        ("أصدرت وزارة الشؤون الاجتماعية بلاغا", "TN"),
        ("أصدرت الوكالة الوطنية للتشغيل والعمل المستقل بلاغا", "TN"),
        ("قرار وزير القوى العاملة", "EG"),
        ("تعليمات وزارة الصحة والسكان إلى المستشفيات", "EG"),
        ("أحكام المحكمة الدستورية العليا", "EG"),
        ("قرر مؤتمر الشعب العام القانون الآتي", "LY"),
        ("أعلنت المؤسسة الوطنية للنفط", "LY"),
        ("أعلن مصرف ليبيا المركزي", "LY"),
        ("الوكالة الوطنية لإنعاش التشغيل والكفاءات", "MA"),
        ("الرقم الوطني للتعريف المسجل في البطاقة", "MA"),
        ("l'Agence nationale pour l'emploi et le travail indépendant", "TN"),
        ("the Central Bank of Libya", "LY"),
        ("the Ministry of Social Solidarity", "EG"),
        ("Bank Al-Maghrib publie ses chiffres", "MA"),
        # Wording of official texts: promulgation formulas, penalties, codes, months
        ("صدر برئاسة الجمهورية في 19 أبريل 2010", "EG"),
        ("يعاقب بالسجن المشدد كل من", "EG"),
        ("طبقا لأحكام مجلة الأحوال الشخصية", "TN"),
        ("بمقتضى مدونة الشغل", "MA"),
        ("مؤرخ في 3 أوت 2016", "TN"),
        ("صادر في 11 نونبر 2003", "MA"),
        # Currencies
        ("غرامة لا تقل عن خمسين ألف جنيه", "EG"),
        ("خطية قدرها ألف دينار تونسي", "TN"),
        ("بغرامة من 2000 إلى 10000 درهم", "MA"),
        ("une amende de 5 000 dirhams", "MA"),
        ("fines of up to 10,000 Libyan dinars", "LY"),
        ("a fine of 50,000 Egyptian pounds", "EG"),
        # Places
        ("وصل المهاجرون إلى سواحل صفاقس", "TN"),
        ("بمعبر رأس جدير الحدودي", "TN"),
        ("مهاجرون محتجزون في بني وليد", "LY"),
        ("محافظة أسيوط", "EG"),
        ("مهاجرون بمدينة وجدة", "MA"),
        ("les migrants de Gabès", "TN"),
        ("the port of Zuwara", "LY"),
        ("a conference in Marrakesh", "MA"),
        # International bodies and instruments
        ("تلتزم الدول المتعاقدة بما يلي", "INT"),
        ("ملاحظات لجنة حقوق الطفل", "INT"),
        ("اعتمد مسار الرباط خطة عمل جديدة", "INT"),
        ("Le Comité des droits de l'enfant rappelle", "INT"),
        ("The World Bank estimates remittances", "INT"),
    ],
)
def test_cues(text, country):
    assert _country(text) == country


@pytest.mark.parametrize(
    "title,country",
    [
        ("القانون رقم 64 لسنة 2010 بشأن مكافحة الاتجار بالبشر", "EG"),  # Egypt: رقم N لسنة
        ("القانون رقم (19) لسنة 2010 بشأن مكافحة الهجرة غير الشرعية", "LY"),  # Libya: رقم (N)
        ("قانون أساسي عدد 61 لسنة 2016 مؤرخ في 3 أوت 2016", "TN"),  # Tunisia: عدد N لسنة
        ("أمر رئاسي عدد 12 يتعلق بضبط", "TN"),
        ("ظهير شريف رقم 1.03.196 بتنفيذ القانون رقم 02.03", "MA"),
        ("القانون رقم 103.13 المتعلق بمحاربة العنف ضد النساء", "MA"),
        ("Dahir n° 1-16-127 portant promulgation de la loi n° 27-14", "MA"),
        # Any country's law is "Law No. N of YYYY" in English: no country from that alone.
        ("Law No. 47 of 2017 on unaccompanied foreign minors", None),
        ("Circulaire n° 2/2023 du 12 janvier 2023", None),
    ],
)
def test_official_numbering(title, country):
    assert _country("", title) == country


@pytest.mark.parametrize(
    "text",
    [
        "لا يجوز ذلك إلا لأسباب قاهرة تتعلق بالأمن الوطني",  # قاهرة: compelling, not Cairo
        "في حالة القوة القاهرة",
        "على الصعيد الوطني والدولي",  # الصعيد: level, not Upper Egypt
        "في أقصر الآجال",  # أقصر: shortest, not Luxor
        "سرت أحكام هذا القانون على العقود الجارية",  # سرت: applied, not Sirte
        "تسجيل الأطفال في رياض الأطفال",  # kindergartens, not Riyadh
        "يتقن ثلاث لغات أجنبية",  # لغات: languages, not Ghat
        "دعم مالي للجمعيات",  # مالي: financial, not Mali
        "النقل الدولي للبضائع",  # international transport is not an international instrument
        "la gestion de l'eau potable",  # eau, not EAU (Émirats)
        "international road transport",
        "اجتماع مجلس الأمن الوطني",  # a national security council, not the UN's
    ],
)
def test_words_that_look_like_cues_are_not(text):
    assert _country(text) is None


def test_the_longest_cue_is_one_mention():
    # جمهورية مصر العربية is one mention of Egypt, not also مصر.
    assert country_scores([], name_terms("جمهورية مصر العربية"))["EG"] == 1.0
    # The Emirati dirham is not the Moroccan dirham.
    scores = country_scores([], name_terms("مبلغ ألف درهم إماراتي"))
    assert "MA" not in scores and scores["AE"] > 0


def test_watched_country_outweighs_foreign_mentions_in_arabic():
    text = (
        "أفادت وزارة الخارجية بأن المواطنين المغاربة العالقين في السودان سيعودون عبر رحلات "
        "منظمة من الخرطوم، بتنسيق مع السلطات السودانية."
    )
    assert _country(text, "إجلاء مواطنين مغاربة من السودان") == "MA"


@pytest.mark.corpus
def test_moroccan_corpus_is_not_read_as_another_watched_country(corpora):
    """Every Adala text is Moroccan (or an international instrument): the cues of Tunisia, Libya
    and Egypt must not fire on ordinary Moroccan legal wording."""
    seed = corpora / "adala" / "seed"
    if not seed.is_dir():
        pytest.skip(f"adala corpus not found under {seed}")
    paths = sorted(seed.glob("*.json"))[::10]
    other = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = "\n".join(p.get("content", "") for p in data.get("provisions", []))
        result = analyse_text(body, data.get("title", ""), classifier=None)
        if result["country"] in {"TN", "LY", "EG"}:
            other.append((path.name, result["country"]))
    assert len(paths) >= 400
    assert len(other) <= 0.01 * len(paths), other


# The jurisdiction over the people's nationality (see heading.py): a country opening the title,
# a foreign state's own courts and laws, while a watched country's own texts stay its own.
@pytest.mark.parametrize(
    "title,text,country",
    [
        # A country (or one of its places) opening the title
        (
            "Liban : de nouvelles règles pour les travailleuses domestiques",
            "Le ministère du Travail a publié une note sur les contrats types.",
            "LB",
        ),
        (
            "Jordanie : le délai de régularisation prolongé de trois mois",
            "Les travailleurs égyptiens concernés doivent se présenter avant la fin du mois.",
            "JO",
        ),
        (
            "Italy: seasonal permits still delayed for Tunisian farmhands",
            "Hundreds of Tunisian workers are waiting for their papers.",
            "IT",
        ),
        (
            "Huelva: new housing rules for seasonal farm workers",
            "Moroccan women recruited for the strawberry harvest will be housed on the farms.",
            "ES",
        ),
        (
            "قطر: تمديد مهلة تسوية أوضاع العمال الوافدين",
            "أعلنت وزارة العمل تمديد المهلة لفائدة العمال المغاربة والمصريين.",
            "QA",
        ),
        (
            "لبنان: عاملات المنازل يطالبن بأجورهن المتأخرة",
            "نظمت عاملات من جنسيات مختلفة وقفة أمام وزارة العمل.",
            "LB",
        ),
        # A bilateral lead takes the watched party; a consulate is its sending state's.
        (
            "Maroc–Espagne : le groupe mixte fait le point sur les saisonnières",
            "Les délégations marocaine et espagnole se sont réunies à Madrid.",
            "MA",
        ),
        (
            "Tunisia–Italy: a new quota of seasonal work permits",
            "The Italian government granted additional places to Tunisian workers.",
            "TN",
        ),
        (
            "القنصلية العامة للمملكة المغربية بمدريد: مواعيد جديدة لتجديد الجوازات",
            "أعلنت القنصلية عن مواعيد جديدة لأفراد الجالية المغربية.",
            "MA",
        ),
        # A foreign state's court
        (
            "Arrêt de la Cour suprême espagnole sur la pension d'un ouvrier marocain",
            "La Cour suprême espagnole a jugé que les cotisations du travailleur marocain comptent.",
            "ES",
        ),
        (
            "Spanish Supreme Court rules on a Moroccan worker's invalidity pension",
            "The Spanish Supreme Court held that the Moroccan contributions must be counted.",
            "ES",
        ),
        (
            "حكم محكمة الاستئناف الإيطالية لصالح عامل تونسي",
            "أيدت محكمة الاستئناف الإيطالية حق العامل التونسي في التعويض عن الفصل.",
            "IT",
        ),
        (
            "محكمة التمييز الأردنية تنصف عاملة منزلية",
            "قضت المحكمة بأحقية العاملة في أجورها وفق قانون العمل الأردني.",
            "JO",
        ),
        # A foreign law about Moroccans or Egyptians
        (
            "Ce que change la loi espagnole sur les étrangers pour les Marocains",
            "La loi espagnole ouvre la régularisation aux Marocains présents depuis deux ans.",
            "ES",
        ),
        (
            "Italian law on citizenship and Moroccan families",
            "Under Italian law, Moroccan children born there may apply at eighteen.",
            "IT",
        ),
        (
            "ما يتيحه القانون الإسباني للعمال المغاربة",
            "يسمح القانون الإسباني للعمال المغاربة بتسوية أوضاعهم بعد سنتين من الإقامة.",
            "ES",
        ),
        (
            "القانون اللبناني والعمال المصريون في البناء",
            "لا يشمل القانون اللبناني العمال المصريين الموسميين بنظام الضمان.",
            "LB",
        ),
        # A watched country's own text naming a foreign country
        (
            "Circulaire relative au recrutement de saisonnières pour l'Espagne",
            "Le ministre de l'Intérieur du Royaume du Maroc charge l'Agence nationale de "
            "promotion de l'emploi et des compétences de présélectionner les candidates au "
            "départ vers l'Espagne. Les walis et gouverneurs veilleront à Tanger et à Nador.",
            "MA",
        ),
        (
            "منشور بشأن المغاربة العائدين من إسبانيا",
            "تنفيذا لتعليمات الحكومة المغربية، تتولى المديرية العامة للأمن الوطني استقبال "
            "المغاربة العائدين من إسبانيا بميناء طنجة المتوسط.",
            "MA",
        ),
        (
            "ANETI selects workers for Italian farms",
            "The National Agency for Employment and Independent Work published the list of "
            "Tunisian candidates from Kairouan and Sidi Bouzid for farms in Italy.",
            "TN",
        ),
    ],
)
def test_jurisdiction_outweighs_nationality(title, text, country):
    assert analyse_text(text, title, classifier=None)["country"] == country


@pytest.mark.parametrize(
    "title,country",
    [
        ("صدر عن مجلس النواب اللبناني", "LB"),
        ("إقامة اللاجئين في البقاع وعكار", "LB"),
        ("la Sûreté générale libanaise", "LB"),
        ("Lebanese pounds lost their value", "LB"),
        ("المملكة الأردنية الهاشمية", "JO"),
        ("مخيم الزعتري", "JO"),
        ("les travailleurs du textile à Irbid", "JO"),
        ("the Jordan Valley farms", "JO"),
        ("Protocole de Palerme sur la traite", "INT"),
        ("اعتماد خطة عمل الرباط", "INT"),
        ("The Paris Principles on national institutions", "INT"),
    ],
)
def test_new_country_cues(title, country):
    assert _country("", title) == country


@pytest.mark.parametrize(
    "text", ["تجاوز العقبة الأولى في المفاوضات", "صور المهاجرين على الحدود", "البطاقة الزرقاء"]
)
def test_jordan_and_lebanon_words_that_are_not_cues(text):
    assert _country(text) is None


def test_an_article_ends_an_english_state_institution():
    # "for Italy the court noted": no Italian court, a mere (foreign, damped) mention.
    assert (
        country_scores([], name_terms("the boat was to sail for Italy the court noted"))["IT"]
        == 0.5
    )
    assert country_scores([], name_terms("the Italian court noted"))["IT"] == 2.0
