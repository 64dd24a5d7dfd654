from migralex.ingestion import dedup

LAW = " ".join(f"Article {i}. Les travailleurs migrants ont droit au séjour." for i in range(30))


def test_signature_is_stable_and_similar_texts_score_high():
    a = dedup.signature(LAW)
    assert a is not None and a.dtype.str == "<u4" and a.size == dedup.NUM_PERM
    assert dedup.similarity(a, dedup.signature(LAW)) == 1.0
    edited = LAW.replace("Article 29. Les travailleurs", "Article 29. Certains travailleurs")
    assert dedup.similarity(a, dedup.signature(edited)) >= dedup.THRESHOLD
    other = " ".join(f"Chapitre {i}: tarifs douaniers des agrumes importés." for i in range(30))
    assert dedup.similarity(a, dedup.signature(other)) < 0.3


def test_short_texts_have_no_signature_and_bytes_round_trip():
    assert dedup.signature("trop court") is None
    sig = dedup.signature(LAW)
    assert (dedup.signature_from_bytes(dedup.signature_bytes(sig)) == sig).all()
    assert len(dedup.band_keys(sig)) == dedup.BANDS


def test_fold_makes_alef_and_case_variants_identical():
    assert dedup.shingles("إقامة الأجانب في المملكة") == dedup.shingles("اقامة الاجانب في المملكه")


def test_series_siblings_are_not_the_same_act():
    body = "يمدد العمل بحالة الطوارئ الصحية إلى غاية 10 ديسمبر 2022"
    assert dedup.same_act("مرسوم رقم 2.22.448", "مرسوم رقم 2.22.448", body, body)
    assert not dedup.same_act("مرسوم رقم 2.22.448", "مرسوم رقم 2.22.140", body, body)
    assert not dedup.same_act("", "", body, body.replace("10 ديسمبر 2022", "10 يناير 2023"))
    assert dedup.same_act("", "Décret", body, body)  # an untitled copy: numbers decide
    assert dedup.same_act("المرسوم الملكى", "المرسوم الملكي", body, body)  # spelling variants
