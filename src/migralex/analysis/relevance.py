"""What every relevant text has: words about foreigners, migrants, refugees, nationality,
trafficking or nationals abroad (the taxonomy's definition of relevance).

The statistical relevance head learns from a few hundred examples, most of them legal texts on
migration; on a long unrelated law (telecommunications, public works) it can be swayed by
legal wording alone. A text without these words, or with only a stray one in a long text, is
not relevant unless the model is sure of it (``classify.is_relevant``: the list cannot name
every way a text concerns migrants, such as remittances or a labour agreement). The list is generic vocabulary of the field, not wording
of the dev set. It is matched on unstemmed folded words (``terms.name_terms``), because
stemming merges ``الجنسية`` (nationality) with ``الجنس`` (sex) and ``مغاربة العالم`` (Moroccans
of the world) would fall apart into "world"; words with an everyday second meaning are left out
(Arabic الحدود "limits", الطرد "parcel", تأشيرة "endorsement"; English "foreign", "border").
"""

from __future__ import annotations

from functools import lru_cache

from migralex.analysis.matching import PhraseIndex, build_index

_ANCHORS = {
    "fr": (
        "étranger, étrangère, étrangers, étrangères, migrant, migrante, migrants, migrantes, "
        "migration, migrations, migratoire, migratoires, immigration, immigré, immigrés, "
        "émigration, émigré, émigrés, réfugié, réfugiés, réfugiée, réfugiées, asile, apatride, "
        "apatrides, apatridie, traite des êtres humains, traite des personnes, trafic de migrants, "
        "trafic illicite de migrants, passeur, passeurs, expatrié, expatriés, diaspora, "
        "nationalité, naturalisation, rapatriement, expulsion, expulsés, reconduite à la frontière, "
        "frontières, visa, visas, titre de séjour, carte de séjour, droit de séjour, saisonnier, "
        "saisonnière, saisonniers, saisonnières, regroupement familial, consulaire, consulat, "
        "consulats, subsaharien, subsahariens, subsahariennes, xénophobie, racisme, "
        "discrimination raciale, ressortissants étrangers, passeport, passeports, "
        "mineurs non accompagnés, harraga, clandestins, émigration clandestine, "
        "Marocains du monde, Marocains résidant à l'étranger, Tunisiens à l'étranger, "
        "travail domestique, travailleurs domestiques, travailleuses domestiques, "
        "régularisation, ressortissants, travailleurs saisonniers, convention de sécurité sociale"
    ),
    "en": (
        "foreigner, foreigners, alien, aliens, migrant, migrants, migration, migrations, "
        "migratory, immigration, immigrant, immigrants, emigration, emigrant, emigrants, refugee, "
        "refugees, asylum, stateless, statelessness, trafficking in persons, human trafficking, "
        "trafficked, smuggling of migrants, migrant smuggling, smugglers, expatriate, expatriates, "
        "diaspora, nationality, citizenship, naturalisation, naturalization, repatriation, "
        "deportation, deported, expulsion, visa, visas, residence permit, residence permits, "
        "seasonal workers, family reunification, consular, consulate, sub-Saharan, xenophobia, "
        "racism, racial discrimination, foreign nationals, foreign workers, passport, passports, "
        "unaccompanied, remittances, nationals abroad, domestic workers, domestic work, "
        "regularisation, regularization, seasonal, nationals, social security convention"
    ),
    "ar": (
        "أجنبي, أجانب, الأجانب, الأجنبي, الأجنبية, للأجانب, مهاجر, مهاجرين, المهاجرين, المهاجرون, "
        "المهاجرات, الهجرة, هجرة, للهجرة, لاجئ, لاجئين, اللاجئين, اللاجئون, اللجوء, لجوء, "
        "عديمي الجنسية, انعدام الجنسية, الجنسية, جنسية, التجنس, الاتجار بالبشر, الاتجار بالأشخاص, "
        "تهريب المهاجرين, المهربين, المغتربين, الجالية, ترحيل, الترحيل, إبعاد الأجانب, "
        "تأشيرة الدخول, التأشيرات, بطاقة الإقامة, سند الإقامة, الموسميين, الموسميات, "
        "التجمع العائلي, القنصلية, القنصلي, القنصليات, الوافدة, الوافدين, جنوب الصحراء, "
        "العنصرية, التمييز العنصري, القاصرين غير المرافقين, التحويلات المالية, بالخارج, "
        "مغاربة العالم, المغاربة المقيمين بالخارج, التونسيين بالخارج, المصريين بالخارج, "
        "جوازات السفر, جواز السفر, العمال المنزليين, العاملات المنزليات, العمل المنزلي, "
        "تسوية الوضعية, تسوية وضعية, رعايا, الرعايا, إجلاء, اتفاقية الضمان الاجتماعي, "
        "الاتفاقية العامة للضمان الاجتماعي"
    ),
}
# A long text must mention the field more than once: one anchor per this many words.
_TERMS_PER_ANCHOR = 1500


@lru_cache(maxsize=1)
def anchor_index() -> PhraseIndex:
    return build_index(
        (phrase.strip(), "anchor", "names")
        for words in _ANCHORS.values()
        for phrase in words.split(",")
        if phrase.strip()
    )


def mentions_migration(title_names: list[str], body_names: list[str]) -> bool:
    """True when the title names the field, or the body does often enough for its length."""
    index = anchor_index()
    if index.find(title_names):
        return True
    hits = len(index.find(body_names))
    return hits >= max(1, len(body_names) // _TERMS_PER_ANCHOR)
