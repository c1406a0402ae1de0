import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0003_score_aggregates"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Target",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("indicator", models.CharField(choices=[("adults_recognised", "Người lớn đạt danh hiệu Công dân học tập"), ("cadres_recognised", "Cán bộ, công chức, viên chức đạt danh hiệu"), ("digital_skills", "Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu"), ("digital_online", "Trong đó tự đánh giá trực tuyến được theo bộ tiêu chí"), ("households_recognised", "Hộ đạt danh hiệu Gia đình học tập")], max_length=30, verbose_name="chỉ tiêu")),
                ("year", models.PositiveSmallIntegerField(verbose_name="năm")),
                ("value", models.DecimalField(decimal_places=2, max_digits=5, verbose_name="giá trị (%)")),
                ("source", models.CharField(blank=True, max_length=200, verbose_name="căn cứ")),
                ("province", models.ForeignKey(blank=True, help_text="Để trống: chỉ tiêu toàn quốc.", limit_choices_to={"level": "province"}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="units.adminunit", verbose_name="tỉnh")),
            ],
            options={
                "verbose_name": "chỉ tiêu",
                "verbose_name_plural": "chỉ tiêu",
                "ordering": ["indicator", "year", "province"],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("province__isnull", False)), fields=("province", "indicator", "year"), name="target_once_per_province"),
                    models.UniqueConstraint(condition=models.Q(("province__isnull", True)), fields=("indicator", "year"), name="target_once_nationally"),
                    models.CheckConstraint(condition=models.Q(("value__gte", 0), ("value__lte", 100)), name="target_value_percent"),
                ],
            },
        ),
    ]
