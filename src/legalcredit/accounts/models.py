from django.conf import settings
from django.db import models


class OfficerProfile(models.Model):
    """Where an officer works; what they may see follows from the region."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="officer",
                                verbose_name="用户")
    region = models.ForeignKey("refdata.Region", models.PROTECT, verbose_name="所属行政区划")
    unit = models.CharField("单位", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员辖区"

    def __str__(self):
        return f"{self.user} @ {self.region}"
