"""People: registered poor households and persons, what reached them, trainings, student aid,
and secondments (village advancement is the projects app's: counterpart/projects/village_models.py).

Built for the national registry's scale (tens of millions of persons): every table that is
counted carries the county code itself (``county_code``, the first six digits of the area code)
and the year, so "unique beneficiaries per county and year" is one COUNT(DISTINCT) on an index,
with no join. Identity numbers are stored only encrypted (``identity_ciphertext``) and as a keyed
blind index (``identity_blind_index``); see counterpart/people/identity.py and docs/security.md.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from counterpart.funds.models import LedgerTransaction
from counterpart.projects.models import Project
from counterpart.registry.models import Area, Organisation, Pairing, Program

from .identity import identity_decrypt, identity_mask


class PovertyStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("choice", "贫困户")
    LIFTED = "lifted", pgettext_lazy("choice", "已脱贫")
    RETURNED = "returned", pgettext_lazy("choice", "返贫")


class PovertyCause(models.TextChoices):
    """Main cause of poverty as the 建档立卡 registry records it."""

    ILLNESS = "illness", pgettext_lazy("choice", "因病")
    DISABILITY = "disability", pgettext_lazy("choice", "因残")
    SCHOOLING = "schooling", pgettext_lazy("choice", "因学")
    DISASTER = "disaster", pgettext_lazy("choice", "因灾")
    LACK_OF_LAND = "lack_of_land", pgettext_lazy("choice", "缺土地")
    LACK_OF_WATER = "lack_of_water", pgettext_lazy("choice", "缺水")
    LACK_OF_SKILLS = "lack_of_skills", pgettext_lazy("choice", "缺技术")
    LACK_OF_LABOUR = "lack_of_labour", pgettext_lazy("choice", "缺劳力")
    LACK_OF_FUNDS = "lack_of_funds", pgettext_lazy("choice", "缺资金")
    TRANSPORT = "transport", pgettext_lazy("choice", "交通条件落后")
    LACK_OF_DRIVE = "lack_of_drive", pgettext_lazy("choice", "自身发展动力不足")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Household(models.Model):
    """A registered poor household (贫困户) in a village, with its helper (帮扶责任人)."""

    # integer, not bigint: 30 million households at S = 1.0, far inside 2³¹ (docs/benchmarks.md, "2026-12-04").
    id = models.AutoField(primary_key=True)
    number = models.CharField(max_length=40, help_text="户编号 household number in the registry")
    # The code columns' indexes are declared in Meta: a field's db_index on a text column also builds a
    # varchar_pattern_ops twin, and the prefix filters are ranges the plain index serves (``code_prefix``).
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="households", db_index=False)
    county_code = models.CharField(max_length=6)
    head = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="户主 head",
        db_index=False,
    )
    poverty_cause = models.CharField(max_length=20, choices=PovertyCause.choices)
    helper_name = models.CharField(max_length=100, blank=True, help_text="帮扶责任人 responsible helper (a person)")
    helper_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="帮扶单位",
        db_index=False,
    )
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["village_id", "number"]
        verbose_name = "贫困户 household"
        verbose_name_plural = "贫困户 households"
        # A constraint, not ``unique=True``, for the reason ``Person`` gives: the field option's
        # varchar_pattern_ops twin (41 bytes a household) served only the demo's LIKE 'DEMO-%'.
        constraints = [models.UniqueConstraint(fields=["number"], name="household_number_unique")]
        indexes = [
            models.Index(fields=["village"], name="household_village"),
            models.Index(fields=["county_code"], name="household_county_code"),
            # Only where set, as the benefits' optional references: a household without a head yet or a
            # helper organisation (most of them, until an intake names one) needs no entry; a lookup by
            # the person or organisation (SET_NULL, PROTECT on their deletion) names a value.
            models.Index(fields=["head"], name="household_head_set", condition=Q(head__isnull=False)),
            models.Index(
                fields=["helper_organisation"],
                name="household_helper_org_set",
                condition=Q(helper_organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.village_id})"


class HouseholdStatus(models.Model):
    """A household's poverty status in one year: registered, lifted out, returned."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="statuses")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=PovertyStatus.choices)
    reason = models.CharField(max_length=255, blank=True, help_text="原因 e.g. the cause of a return to poverty")
    county_code = models.CharField(max_length=6)

    class Meta:
        ordering = ["household_id", "year"]
        verbose_name = "贫困状态 household status"
        verbose_name_plural = "贫困状态 household statuses"
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="household_status_one_per_year")]
        indexes = [models.Index(fields=["county_code", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}: {self.status}"


class Sex(models.TextChoices):
    MALE = "male", pgettext_lazy("choice", "男")
    FEMALE = "female", pgettext_lazy("choice", "女")


class Relation(models.TextChoices):
    HEAD = "head", pgettext_lazy("choice", "户主")
    SPOUSE = "spouse", pgettext_lazy("choice", "配偶")
    CHILD = "child", pgettext_lazy("choice", "子女")
    PARENT = "parent", pgettext_lazy("choice", "父母")
    GRANDCHILD = "grandchild", pgettext_lazy("choice", "孙子女")
    SIBLING = "sibling", pgettext_lazy("choice", "兄弟姐妹")
    OTHER = "other", pgettext_lazy("choice", "其他")
    NONE = "none", pgettext_lazy("choice", "不属于贫困户")


class Person(models.Model):
    """A person: a member of a registered household, or a trainee, student or cadre.

    The identity number is required for members of registered households and optional for
    others (a cadre on a course). ``identity_ciphertext`` is nonce ‖ AES-GCM ciphertext under the
    key ``identity_key_id``; ``identity_blind_index`` is unique, which makes a second registration
    of the same number impossible. Neither is ever copied into audit snapshots.
    """

    # integer, not bigint: 90 million persons at S = 1.0; four bytes less in the row and in each index
    # that holds the id beside a shorter key (docs/benchmarks.md, "2026-12-04").
    id = models.AutoField(primary_key=True)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    relation = models.CharField(max_length=20, choices=Relation.choices, default=Relation.NONE)
    name = models.CharField(max_length=100)
    sex = models.CharField(max_length=10, choices=Sex.choices)
    birth_date = models.DateField(null=True, blank=True)
    # Indexed in Meta, without the pattern twin a field's db_index builds (see ``Household``).
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", help_text="户籍所在地 registered area", db_index=False
    )
    county_code = models.CharField(max_length=6)
    identity_key_id = models.CharField(max_length=20, blank=True)
    identity_ciphertext = models.BinaryField(null=True, blank=True, editable=False)
    # 16 raw bytes (the HMAC's first 128 bits, ``identity_blind_index``): bytea on PostgreSQL, 17 bytes in
    # the row and about 40 an entry in the unique index, where the 64 hex characters took 65 and 125.
    identity_blind_index = models.BinaryField(max_length=16, null=True, blank=True, editable=False)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["county_code", "id"]
        verbose_name = "人员 person"
        verbose_name_plural = "人员 persons"
        permissions = [("reveal_identity", "可查看完整身份证号码 may reveal identity numbers (audited)")]
        # No index on identity_key_id: no query looks persons up by key (a re-key walks the primary key,
        # ``identity_key_id <> target`` being no index condition), and it cost 7 bytes a person.
        indexes = [
            models.Index(fields=["area"], name="person_area"),
            models.Index(fields=["county_code"], name="person_county_code"),
        ]
        # A constraint, not ``unique=True``: on PostgreSQL the field option also builds a
        # varchar_pattern_ops twin for LIKE on a text column, which no query of a random digest uses and
        # which every insert (a million at a time on the intake's bulk path) had to maintain.
        constraints = [
            models.UniqueConstraint(fields=["identity_blind_index"], name="person_identity_blind_index_unique")
        ]

    def __str__(self) -> str:
        masked = self.identity_masked
        return f"{self.name} {masked}" if masked else f"{self.name} #{self.pk}"

    @property
    def has_identity(self) -> bool:
        return self.identity_ciphertext is not None

    @property
    def identity_masked(self) -> str:
        """The masked number for display (decrypts in memory; the clear number is not kept)."""
        if self.identity_ciphertext is None:
            return ""
        return identity_mask(identity_decrypt(self.identity_key_id, self.identity_ciphertext))


class BenefitKind(models.TextChoices):
    PROJECT = "project", pgettext_lazy("choice", "项目")
    TRAINING = "training", pgettext_lazy("choice", "培训")
    STUDENT_AID = "student_aid", pgettext_lazy("choice", "助学")
    JOB_PLACEMENT = "job_placement", pgettext_lazy("choice", "就业")
    OTHER = "other", pgettext_lazy("choice", "其他")


class Benefit(models.Model):
    """Something that reached a registered person, on a date: the unit of unique counting.

    A benefit given to a household is recorded as one row per member at that date, with
    ``household`` naming the household it came through, so every count is COUNT(DISTINCT person).
    """

    # The benefit table is the largest in a national registry (about 125 million rows at S = 1.0), so each
    # index has to pay for itself (docs/benchmarks.md, "Row widths"). No foreign key gets Django's default
    # index: ``person`` and ``program`` lead an index of Meta.indexes already, and the references that most
    # rows leave empty (a benefit comes through one of project, training, student aid or placement) are
    # indexed only where set — what a lookup by that record, or PROTECT on its deletion, reads. The id is
    # an integer (125 million benefits at S = 1.0), like the person's and the household's it refers to.
    id = models.AutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="benefits", db_index=False)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20, choices=BenefitKind.choices)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+", db_index=False)
    pairing = models.ForeignKey(
        Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", db_index=False
    )
    training = models.ForeignKey(
        "Training", null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", db_index=False
    )
    student_aid = models.ForeignKey(
        "StudentAid", null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", db_index=False
    )
    job_placement = models.ForeignKey(
        "JobPlacement", null=True, blank=True, on_delete=models.PROTECT, related_name="benefits", db_index=False
    )
    date = models.DateField()
    year = models.PositiveSmallIntegerField()
    area_code = models.CharField(max_length=12, help_text="where the benefit reached the person")
    # The person's county, wherever it reached them: a benefit lives with its person (docs/scale.md).
    county_code = models.CharField(max_length=6)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "year", "id"]
        verbose_name = "受益记录 benefit"
        verbose_name_plural = "受益记录 benefits"
        indexes = [
            # Covering index: the unique counts read only the index (PostgreSQL index-only scans). Its twin
            # led by pairing is gone: a donor's share is read through ``benefit_pairing_set`` (the planner
            # chose it even beside the twin), and only a GROUP BY pairing over a whole year, which no page
            # asks, read the twin (docs/benchmarks.md, "Row widths").
            models.Index(fields=["program", "year", "county_code", "person"], name="benefit_program_year_county"),
            models.Index(fields=["person"], name="benefit_person"),
            *(
                models.Index(fields=[field], name=f"benefit_{field}_set", condition=Q(**{f"{field}__isnull": False}))
                for field in ("household", "pairing", "project", "training", "student_aid", "job_placement")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date} → #{self.person_id}"


class TrainingKind(models.TextChoices):
    CADRE_TECHNICIAN = "cadre_technician", pgettext_lazy("choice", "干部和技术人员培训")
    PROFESSIONAL_TECHNICAL = "professional_technical", pgettext_lazy("choice", "专业技术培训")
    LABOUR_TRANSFER = "labour_transfer", pgettext_lazy("choice", "劳动力转移培训")


class Training(models.Model):
    """A training course. Participants are registered persons, or — when only a number is known —
    ``reported_participants`` (and ``reported_placed``); reports keep the two apart."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="trainings")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="trainings")
    kind = models.CharField(max_length=30, choices=TrainingKind.choices)
    title = models.CharField(max_length=200)
    organiser = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organiser_name = models.CharField(max_length=200, blank=True)
    place = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    year = models.PositiveSmallIntegerField()
    reported_participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="上报参训人数 participants as reported, when no list exists"
    )
    reported_placed = models.PositiveIntegerField(
        null=True, blank=True, help_text="上报转移就业人数 placed in jobs, as reported"
    )
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "year", "start_date", "id"]
        verbose_name = "培训班 training"
        verbose_name_plural = "培训班 trainings"
        indexes = [models.Index(fields=["program", "year", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="training_end_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date.isoformat()})"


class TrainingParticipant(models.Model):
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="trainings")

    class Meta:
        ordering = ["training_id", "id"]
        verbose_name = "参训人员 training participant"
        verbose_name_plural = "参训人员 training participants"
        constraints = [models.UniqueConstraint(fields=["training", "person"], name="training_participant_once")]

    def __str__(self) -> str:
        return f"#{self.person_id} @ {self.training_id}"


class JobPlacement(models.Model):
    """A labourer placed in a job (转移就业), usually after a training: employer, place, income."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="placements")
    training = models.ForeignKey(Training, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    employer_name = models.CharField(max_length=200)
    employer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", help_text="就业地 place of work")
    start_date = models.DateField()
    year = models.PositiveSmallIntegerField()
    monthly_income_fen = models.BigIntegerField(help_text="月收入（分）monthly income in fen")
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "year", "id"]
        verbose_name = "转移就业 job placement"
        verbose_name_plural = "转移就业 job placements"
        indexes = [models.Index(fields=["program", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income_fen__gte=0), name="placement_income_not_negative")
        ]

    def __str__(self) -> str:
        return f"#{self.person_id} → {self.employer_name}"


class StudentAid(models.Model):
    """Financial aid to a poor student, posted as a disbursement in the funds ledger."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="student_aid")
    school_name = models.CharField(max_length=200)
    school = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    date = models.DateField()
    amount_fen = models.BigIntegerField()
    # One disbursement may pay a whole batch of students (a county's list for the term).
    ledger_transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="student_aid")
    county_code = models.CharField(max_length=6)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "year", "id"]
        verbose_name = "助学 student aid"
        verbose_name_plural = "助学 student aid"
        indexes = [models.Index(fields=["program", "year", "county_code", "student"], name="student_aid_count")]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="student_aid_amount_positive")]

    def __str__(self) -> str:
        return f"#{self.student_id} {self.school_name} {self.year}"


class SecondmentKind(models.TextChoices):
    CADRE = "cadre", pgettext_lazy("choice", "挂职干部")
    TEACHER = "teacher", pgettext_lazy("choice", "教师")
    DOCTOR = "doctor", pgettext_lazy("choice", "医生")
    AGRICULTURAL_TECHNICIAN = "agricultural_technician", pgettext_lazy("choice", "农业技术人员")
    OTHER_PROFESSIONAL = "other_professional", pgettext_lazy("choice", "其他专业技术人员")


PROFESSIONAL_KINDS = frozenset(
    {
        SecondmentKind.TEACHER,
        SecondmentKind.DOCTOR,
        SecondmentKind.AGRICULTURAL_TECHNICIAN,
        SecondmentKind.OTHER_PROFESSIONAL,
    }
)


class Direction(models.TextChoices):
    TO_RECIPIENT = "to_recipient", pgettext_lazy("choice", "派往受援方")
    TO_DONOR = "to_donor", pgettext_lazy("choice", "到帮扶方挂职")


class Secondment(models.Model):
    """A cadre seconded, or a professional sent, in either direction, for a period (挂职/支教/支医)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="secondments")
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=SecondmentKind.choices)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="secondments")
    person_name = models.CharField(max_length=100)
    position = models.CharField(max_length=200, blank=True, help_text="挂职岗位 post held")
    from_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    to_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    is_illustrative = models.BooleanField(default=False, help_text="示意数据 generated for the demo, not fact")

    class Meta:
        ordering = ["program_id", "start_date", "id"]
        verbose_name = "挂职交流 secondment"
        verbose_name_plural = "挂职交流 secondments"
        indexes = [models.Index(fields=["program", "kind", "start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="secondment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_kind_display()}, {self.start_date.isoformat()})"


class BeneficiarySummary(models.Model):
    """Unique persons reached per program, year and the persons' own county: a summary of ``Benefit``.

    Kept in step with the benefits in the same transaction (counterpart/people/summary.py), so the
    annual report reads a few hundred rows instead of counting distinct persons over tens of
    millions of benefits. Keyed by the *person's* county (a person belongs to one county), the
    rows add up across counties to the program-wide count of unique persons. Reconciled with the
    records by the integrity check ``people.beneficiary_summary``.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    county_code = models.CharField(max_length=6)
    persons = models.PositiveIntegerField()

    class Meta:
        verbose_name = "受益人数汇总 beneficiary summary"
        verbose_name_plural = "受益人数汇总 beneficiary summaries"
        constraints = [
            models.UniqueConstraint(fields=["program", "year", "county_code"], name="beneficiary_summary_key")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.county_code}: {self.persons}"


class YearsReachedSummary(models.Model):
    """Persons per program, the persons' own county and the set of years they were reached in: a summary
    of ``Benefit``.

    A person counts once, in the row of the years they had a benefit of the program in, a bitmask (bit
    ``year - program.start_year``, 63 years held). The persons a program reached over any range of years
    are the sum of the rows whose mask meets the range's — exact, unlike a sum of ``BeneficiarySummary``
    rows, which counts a person reached in two years twice. The report reads it
    (counterpart/people/years_reached.py); kept in the same transactions as ``BeneficiarySummary`` and
    reconciled with the records by the integrity check ``people.years_reached_summary``.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    county_code = models.CharField(max_length=6)
    years_mask = models.BigIntegerField(help_text="bit n: reached in the program's start year + n")
    persons = models.PositiveIntegerField()

    class Meta:
        verbose_name = "受益年份人数汇总 years-reached summary"
        verbose_name_plural = "受益年份人数汇总 years-reached summaries"
        constraints = [
            models.UniqueConstraint(fields=["program", "county_code", "years_mask"], name="years_reached_summary_key")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.county_code} {self.years_mask:b}: {self.persons}"


class PairingReachSummary(models.Model):
    """Persons per program, year, county and the set of pairings they were reached through that year: a
    summary of ``Benefit`` for a donor's view.

    A donor district's dashboard counts the persons its pairings (and those below them) reached, once each;
    per-pairing counts do not add up (a person reached through two of them counts once). Each person counts
    once here, in the row of their county and of the set of pairings of their benefits of the program and
    year (``pairings``: the ids, ascending, comma-separated; a benefit without a pairing is in no set). The
    persons a set of pairings reached are then the sum over the rows whose set meets it — exact, whatever
    the set (counterpart/people/pairing_reach.py). Kept in the same transactions as ``BeneficiarySummary``
    and reconciled with the records by the integrity check ``people.pairing_reach_summary``.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    county_code = models.CharField(max_length=6)
    pairings = models.TextField(help_text="the pairing ids of the persons' benefits, ascending, comma-separated")
    persons = models.PositiveIntegerField()

    class Meta:
        verbose_name = "结对受益人数汇总 pairing-reach summary"
        verbose_name_plural = "结对受益人数汇总 pairing-reach summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "county_code", "pairings"], name="pairing_reach_summary_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.county_code} [{self.pairings}]: {self.persons}"


class TownshipReachSummary(models.Model):
    """Unique persons reached per program, year, the persons' county and the township where the benefits
    reached them (``area_code``'s first nine digits): a summary of ``Benefit`` for a county office's panel.

    A person reached in two townships counts in each (the panel is per township); kept in the same
    transactions as ``BeneficiarySummary`` (counterpart/people/township_reach.py) and reconciled with the
    records by the integrity check ``people.township_reach_summary``.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    county_code = models.CharField(max_length=6)
    township_code = models.CharField(max_length=9, help_text="shorter for a benefit placed above a township")
    persons = models.PositiveIntegerField()

    class Meta:
        verbose_name = "乡镇受益人数汇总 township-reach summary"
        verbose_name_plural = "乡镇受益人数汇总 township-reach summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "county_code", "township_code"], name="township_reach_summary_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year} {self.township_code}: {self.persons}"
