"""Controlled vocabularies of the document store (identifiers from shared/taxonomy.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocType(models.TextChoices):
    CONSTITUTION = "constitution", _("Constitution")
    LAW = "law", _("Law")
    DAHIR = "dahir", _("Dahir")
    DECREE = "decree", _("Decree")
    ORDER = "order", _("Order")
    CIRCULAR = "circular", _("Circular")
    INTERNATIONAL_CONVENTION = "international-convention", _("International convention")
    PROTOCOL = "protocol", _("Protocol")
    BILATERAL_AGREEMENT = "bilateral-agreement", _("Bilateral agreement")
    COURT_DECISION = "court-decision", _("Court decision")
    REPORT = "report", _("Report")
    RECOMMENDATION = "recommendation", _("Recommendation")
    POLICY = "policy", _("Strategy / policy")
    NEWS = "news", _("News")
    OTHER = "other", _("Other")


class LegalStatus(models.TextChoices):
    IN_FORCE = "in-force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")
    DRAFT = "draft", _("Draft")
    NOT_APPLICABLE = "n/a", _("Not applicable")
    UNKNOWN = "unknown", _("Unknown")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("All signed-in users")
    ORGANISATION = "organisation", _("Owning organisation only")


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Pending review")
    REJECTED = "rejected", _("Rejected")


class RelationType(models.TextChoices):
    AMENDS = "amends", _("amends")
    REPEALS = "repeals", _("repeals")
    IMPLEMENTS = "implements", _("implements")
    CITES = "cites", _("cites")
    TRANSLATION_OF = "translation-of", _("translation of")
    DUPLICATE_OF = "duplicate-of", _("duplicate of")


class AssignmentSource(models.TextChoices):
    REFERENCE = "reference", _("Reference data")
    RULES = "rules", _("Thesaurus rules")
    MODEL = "model", _("Statistical model")
    HUMAN = "human", _("Analyst")


class StageStatus(models.TextChoices):
    OK = "ok", _("ok")
    DEGRADED = "degraded", _("degraded")
    SKIPPED = "skipped", _("skipped")
    ERROR = "error", _("error")
