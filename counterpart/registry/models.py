"""Areas, organisations, programs and pairings: who helps whom, where, and since when."""

from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.core.language import pick


class AreaLevel(models.TextChoices):
    NATION = "nation", pgettext_lazy("choice", "全国")
    PROVINCE = "province", pgettext_lazy("choice", "省级")
    PREFECTURE = "prefecture", pgettext_lazy("choice", "地级")
    COUNTY = "county", pgettext_lazy("choice", "县级")
    TOWNSHIP = "township", pgettext_lazy("choice", "乡级")
    VILLAGE = "village", pgettext_lazy("choice", "村级")


# Length of the significant code for each level (GB/T 2260 for the first three, the statistical
# division code of the National Bureau of Statistics for townships and villages).
CODE_LENGTH_BY_LEVEL = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.PREFECTURE: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
}
LEVEL_BY_CODE_LENGTH = {length: level for level, length in CODE_LENGTH_BY_LEVEL.items()}
# The nation as an area (the donor of a national program: "the 15 eastern provinces and cities"). GB/T 2260
# has no code for it; "0" is short for the 000000 that lists of divisions give it, and no division's code
# starts with it, so it never falls inside a province by prefix (scoping treats it as containing every area).
NATION_CODE = "0"


class Area(models.Model):
    """An administrative division, keyed by its code in short form ("52", "5204", "520402", …).

    The code is the primary key on purpose: every record that sits in an area stores the code
    itself, so "this area and everything below it" is a prefix match on an indexed column with
    no join, which is how scoping stays cheap at national scale.
    """

    code = models.CharField(max_length=12, primary_key=True)
    level = models.CharField(max_length=12, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", db_index=True
    )
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=150, blank=True)
    is_key_poverty_county = models.BooleanField(
        default=False, help_text="国家扶贫开发工作重点县 national key county for poverty alleviation"
    )
    is_poverty_village = models.BooleanField(default=False, help_text="贫困村 registered poor village")
    # Divisions are merged and renamed (四方区 into 市北区 in 2012); the old area stays for history.
    abolished_year = models.PositiveSmallIntegerField(null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors")

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划 area"
        verbose_name_plural = "行政区划 areas"
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]+$"), name="area_code_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def display_name(self) -> str:
        return self.name_zh if not self.name_en else f"{self.name_zh} {self.name_en}"


class OrganisationKind(models.TextChoices):
    GOVERNMENT_OFFICE = "government_office", pgettext_lazy("choice", "政府部门")
    ENTERPRISE = "enterprise", pgettext_lazy("choice", "企业")
    SCHOOL = "school", pgettext_lazy("choice", "学校")
    HOSPITAL = "hospital", pgettext_lazy("choice", "医院")
    SOCIAL_ORGANISATION = "social_organisation", pgettext_lazy("choice", "社会组织")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Organisation(models.Model):
    """A government office, enterprise, school, hospital or social organisation, in an area."""

    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="organisations")
    credit_code = models.CharField(max_length=18, blank=True, help_text="统一社会信用代码 unified social credit code")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["area_id", "name_zh"]
        verbose_name = "单位 organisation"
        verbose_name_plural = "单位 organisations"
        constraints = [
            models.UniqueConstraint(fields=["area", "name_zh"], name="organisation_unique_name_in_area"),
        ]

    def __str__(self) -> str:
        return self.name_zh


class Program(models.Model):
    """One donor's support for its recipients over years (e.g. Qingdao → Guizhou since 1996)."""

    slug = models.SlugField(max_length=80, unique=True)
    name_zh = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    donor_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="donor_programs")
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="led_programs"
    )
    # Further donor areas of a program with several (a province and its cities, several provinces); the
    # first donor is ``donor_area``.
    other_donor_areas = models.ManyToManyField(Area, blank=True, related_name="co_donor_programs")
    # A program that groups others (the national overview; all of one donor's twinnings): its report adds
    # its members' figures from records, and its own published figures stand for the whole.
    group = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members", db_index=True
    )
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "协作项目 program"
        verbose_name_plural = "协作项目 programs"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("start_year")),
                name="program_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name_zh


class PairingLevel(models.TextChoices):
    PROVINCE_PROVINCE = "province_province", pgettext_lazy("choice", "省—省")
    CITY_CITY = "city_city", pgettext_lazy("choice", "市—市（州）")
    DISTRICT_COUNTY = "district_county", pgettext_lazy("choice", "区—县")
    TOWNSHIP_TOWNSHIP = "township_township", pgettext_lazy("choice", "乡镇—乡镇")
    ENTERPRISE_VILLAGE = "enterprise_village", pgettext_lazy("choice", "企业—村")
    SCHOOL_SCHOOL = "school_school", pgettext_lazy("choice", "学校—学校")
    HOSPITAL_HOSPITAL = "hospital_hospital", pgettext_lazy("choice", "医院—医院")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Pairing(models.Model):
    """A donor party twinned with a recipient party for a period (结对).

    Pairings are never deleted when they end: ``valid_to`` is set, and the recipient may be
    paired with another donor afterwards. Two pairings of the same parties may not overlap.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="pairings")
    level = models.CharField(max_length=30, choices=PairingLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    donor_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    recipient_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    donor_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField()
    # Most published pages never say when a pairing began: it is then taken from the program's first
    # year (so every query of "in force in year Y" holds) and kept as not stated, never shown as a date.
    start_stated = models.BooleanField(default=True)
    valid_to = models.DateField(null=True, blank=True, help_text="最后有效日（含）last day in force, inclusive")
    # The pairing that took over when this one ended (a recipient handed to another donor district).
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["program_id", "level", "donor_area_id", "recipient_area_id", "valid_from"]
        verbose_name = "结对关系 pairing"
        verbose_name_plural = "结对关系 pairings"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="pairing_valid_to_after_valid_from",
            )
        ]
        indexes = [models.Index(fields=["recipient_area", "valid_from"])]

    def __str__(self) -> str:
        donor = self.donor_organisation.name_zh if self.donor_organisation else self.donor_area.name_zh
        recipient = self.recipient_organisation.name_zh if self.recipient_organisation else self.recipient_area.name_zh
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{donor} → {recipient} ({self.valid_from.isoformat()}–{end})"

    def label(self) -> str:
        """The pairing as a page in the reader's language names it (``__str__`` is the Chinese, which the
        audit trail keeps)."""
        donor = self.donor_organisation or self.donor_area
        recipient = self.recipient_organisation or self.recipient_area
        end = self.valid_to.isoformat() if self.valid_to else "…"
        names = (pick(donor.name_zh, donor.name_en), pick(recipient.name_zh, recipient.name_en))
        return f"{names[0]} → {names[1]} ({self.valid_from.isoformat()}–{end})"


class PeriodLock(models.Model):
    """A year of a program frozen by certification of its report (数据锁定).

    While a lock is active every write dated in that year is refused by the domain layer. An
    unlock needs a reason; the lock row keeps who locked and who unlocked, and both are audited.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="period_locks")
    year = models.PositiveSmallIntegerField()
    locked_at = models.DateTimeField(auto_now_add=True)
    locked_by_label = models.CharField(max_length=150)
    reason = models.TextField()
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by_label = models.CharField(max_length=150, blank=True)
    unlock_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["program_id", "year", "locked_at"]
        verbose_name = "年度锁定 period lock"
        verbose_name_plural = "年度锁定 period locks"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year"], condition=Q(unlocked_at__isnull=True), name="period_lock_one_active"
            )
        ]

    def __str__(self) -> str:
        state = "unlocked" if self.unlocked_at else "locked"
        return f"{self.program.slug} {self.year} {state}"
