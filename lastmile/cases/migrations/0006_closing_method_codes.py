"""Enforcement closings store the ``enforcement.models.ClosingMethod`` code, not its label (issue K
item 2: the label was compared with codes, so a closed case's listing and 限消 stayed). Other case
types (调解, 判决) keep their own words."""

from django.db import migrations

# label → code of the six closing methods (执行工作规定 2020 art. 64), frozen here.
CODES = {
    "执行完毕": "completed",
    "终结本次执行程序": "no_property",
    "终结执行": "terminated",
    "销案": "cancelled",
    "不予执行": "not_enforced",
    "驳回申请": "rejected",
}


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for label, code in CODES.items():
        Case.objects.filter(closing_method=label).update(closing_method=code)


def backwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    for label, code in CODES.items():
        Case.objects.filter(closing_method=code).update(closing_method=label)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_deadline_source")]

    operations = [migrations.RunPython(forwards, backwards)]
