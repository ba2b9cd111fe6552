from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from colleges.models import College, closed_before_established
from enterprises.models import Enterprise
from portal.numbers import validate_people
from reference.models import Major

from .choices import EnrollmentStatus, OrderClassKind, Schooling
from .scoping import OrderClassQuerySet, ProgramQuerySet, ProgramYearQuerySet

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Program(models.Model):
    """专业点: a college teaching a major in one schooling form; active from established_on until closed_on.

    A closed_on before established_on is refused (SPEC 7), in forms and imports alike.
    """

    college = models.ForeignKey(College, verbose_name=_("院校"), on_delete=models.CASCADE, related_name="programs")
    major = models.ForeignKey(Major, verbose_name=_("专业"), on_delete=models.PROTECT, related_name="programs")
    schooling = models.CharField(_("学制"), max_length=12, choices=Schooling.choices)
    established_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    enrollment_status = models.CharField(
        _("招生状态"), max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.NORMAL
    )
    emerging = models.BooleanField(_("新兴产业急需"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专业点")
        verbose_name_plural = _("专业点")
        ordering = ["college_id", "major_id", "schooling"]
        constraints = [
            models.UniqueConstraint(fields=["college", "major", "schooling"], name="one_program_per_schooling"),
        ]

    def __str__(self):
        return gettext("%(college)s · %(major)s（%(schooling)s）") % {
            "college": self.college,
            "major": self.major.name,
            "schooling": self.get_schooling_display(),
        }

    def clean(self):
        if errors := closed_before_established(self.established_on, self.closed_on):
            raise ValidationError(errors)


class ProgramYear(models.Model):
    """Annual figures of a program for the cohort graduating in `year`."""

    program = models.ForeignKey(Program, verbose_name=_("专业点"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField(_("毕业年度"), validators=YEAR_VALIDATORS)
    enrolled = models.PositiveIntegerField(_("在校生数"), default=0, validators=[validate_people])
    admitted = models.PositiveIntegerField(_("招生数"), default=0, validators=[validate_people])
    graduates = models.PositiveIntegerField(_("毕业生数"), default=0, validators=[validate_people])
    employed = models.PositiveIntegerField(_("就业人数"), default=0, validators=[validate_people])
    employed_in_field = models.PositiveIntegerField(_("对口就业人数"), default=0, validators=[validate_people])
    employed_locally = models.PositiveIntegerField(_("本地就业人数"), default=0, validators=[validate_people])
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ProgramYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("专业年度数据")
        verbose_name_plural = _("专业年度数据")
        ordering = ["program_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="one_figure_per_program_year"),
            models.CheckConstraint(name="employed_le_graduates", condition=Q(employed__lte=F("graduates"))),
            models.CheckConstraint(name="in_field_le_employed", condition=Q(employed_in_field__lte=F("employed"))),
            models.CheckConstraint(name="locally_le_employed", condition=Q(employed_locally__lte=F("employed"))),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.program} {self.year}"

    def clean(self):
        figures = (self.graduates, self.employed, self.employed_in_field, self.employed_locally)
        # Missing or negative figures are already reported per field by the field validators.
        if any(value is None or value < 0 for value in figures):
            return
        errors = {}
        if self.employed > self.graduates:
            errors["employed"] = _("就业人数（%(employed)s）不能超过毕业生数（%(graduates)s）。") % {
                "employed": self.employed,
                "graduates": self.graduates,
            }
        if self.employed_in_field > self.employed:
            errors["employed_in_field"] = _("对口就业人数（%(a)s）不能超过就业人数（%(b)s）。") % {
                "a": self.employed_in_field,
                "b": self.employed,
            }
        if self.employed_locally > self.employed:
            errors["employed_locally"] = _("本地就业人数（%(a)s）不能超过就业人数（%(b)s）。") % {
                "a": self.employed_locally,
                "b": self.employed,
            }
        if errors:
            raise ValidationError(errors)


class OrderClass(models.Model):
    """订单班 / 冠名班: a program's class run for an enterprise in a year."""

    program = models.ForeignKey(
        Program, verbose_name=_("专业点"), on_delete=models.CASCADE, related_name="order_classes"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("合作企业"), on_delete=models.CASCADE, related_name="order_classes"
    )
    year = models.PositiveIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    name = models.CharField(_("班级名称"), max_length=200)
    seats = models.PositiveIntegerField(_("人数"), validators=[validate_people, MinValueValidator(1)])
    kind = models.CharField(_("类型"), max_length=8, choices=OrderClassKind.choices)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = OrderClassQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("订单班")
        verbose_name_plural = _("订单班")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "enterprise", "year", "name"], name="one_order_class_name"),
            models.CheckConstraint(name="order_class_seats_positive", condition=Q(seats__gt=0)),
        ]

    def __str__(self):
        return self.name
