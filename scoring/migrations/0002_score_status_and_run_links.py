import django.db.models.deletion
from django.db import migrations, models


def copy_response_status(apps, schema_editor):
    """Existing score rows take their response's current status."""
    HouseholdResponse = apps.get_model("survey", "HouseholdResponse")
    for name in ("MemberScore", "HouseholdScore"):
        model = apps.get_model("scoring", name)
        for status in HouseholdResponse.objects.values_list("status", flat=True).distinct():
            model.objects.filter(response__status=status).update(status=status)


class Migration(migrations.Migration):

    dependencies = [
        ("scoring", "0001_scores"),
        ("survey", "0001_rounds_households"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberscore",
            name="status",
            field=models.CharField(default="submitted", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="householdscore",
            name="status",
            field=models.CharField(default="submitted", max_length=10),
            preserve_default=False,
        ),
        migrations.RunPython(copy_response_status, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="memberscore",
            name="member",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="survey.memberresponse",
            ),
        ),
        migrations.AlterField(
            model_name="memberscore",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="survey.householdresponse",
            ),
        ),
        migrations.AlterField(
            model_name="householdscore",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="survey.householdresponse",
            ),
        ),
        migrations.AddField(
            model_name="scoringrun",
            name="based_on",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="household_runs",
                to="scoring.scoringrun",
            ),
        ),
        migrations.AddField(
            model_name="scoringrun",
            name="aggregate_params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
